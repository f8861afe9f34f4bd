#!/bin/sh
# The container's entry point (Dockerfile):
#   web     migrate the database (`flask db upgrade`), then serve with gunicorn
#   worker  the background analysis worker (`flask --app wsgi worker`)
#   other   run it as given, e.g. `docker compose run app flask --app wsgi backup …`
set -eu

case "${1:-web}" in
  web)
    flask --app wsgi db upgrade
    # No access log: gunicorn's would record every phone's address and user agent.
    exec gunicorn --bind "0.0.0.0:${PORT:-8000}" --workers "${WEB_CONCURRENCY:-2}" \
      --graceful-timeout 20 --error-logfile - wsgi:app
    ;;
  worker)
    exec flask --app wsgi worker
    ;;
  *)
    exec "$@"
    ;;
esac
