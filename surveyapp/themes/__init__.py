"""Recurring themes, the stored half: analysing every free-text answer in the background
and keeping the result beside it (pipeline.py), queueing that work without making a
respondent wait (queue.py, worker.py), and the `flask --app wsgi themes …` and `worker`
commands (cli.py, classify.py), and what reviewers read from the stored results: themes
ranked and by group (summary.py), coded comments and their exports (comments.py). The
text analysis itself is plain Python in surveyapp/analysis/themes.py."""
