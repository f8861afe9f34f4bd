"""Entry point for gunicorn and the flask command: `gunicorn wsgi:app`."""

from surveyapp import create_app

app = create_app()
