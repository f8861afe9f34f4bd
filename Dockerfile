# surveyapp in a container: gunicorn serving wsgi:app as a non-root user, migrating the
# database on start (scripts/docker-entrypoint.sh). compose.yaml runs it with the worker,
# PostgreSQL and Redis. Everything is built here, at build time, as `make run` does: the
# CSS, the compiled translations and NLTK's sentence model; nothing is fetched at run time.

# --- the CSS (dart-sass and rtlcss need Node; only the built files are kept) ------------
FROM node:22-slim AS css
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/build_css.sh scripts/
COPY surveyapp/static/scss surveyapp/static/scss
RUN bash scripts/build_css.sh

# --- the app ---------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SURVEYAPP_CONFIG=production \
    PORT=8000 \
    WEB_CONCURRENCY=2

RUN groupadd --system --gid 10001 surveyapp \
 && useradd --system --uid 10001 --gid surveyapp --home-dir /app --shell /usr/sbin/nologin surveyapp
WORKDIR /app

# Dependencies first, so a code change does not reinstall them. The app reads its
# templates, translations, migrations and NLTK data beside the package, so it is
# installed in place (editable), as in development.
COPY pyproject.toml ./
COPY surveyapp/__init__.py surveyapp/__init__.py
RUN pip install -e . && rm -rf surveyapp.egg-info
COPY . .
RUN pip install --no-deps -e . \
 && pybabel compile -d translations \
 && python scripts/build_nltk_data.py build/nltk_data
COPY --from=css /build/surveyapp/static/dist surveyapp/static/dist

# The only place the app writes (SQLite, if no DATABASE_URL is given); the code stays
# owned by root and read-only to the app.
RUN mkdir -p instance && chown surveyapp:surveyapp instance
USER surveyapp

EXPOSE 8000
# /healthz answers 200 with the database reachable. Production redirects plain HTTP to
# HTTPS unless the request came through a TLS proxy, so the check says it did.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), headers={'X-Forwarded-Proto': 'https'}), timeout=4)"
ENTRYPOINT ["scripts/docker-entrypoint.sh"]
CMD ["web"]
