#!/usr/bin/env bash
# `make prod-local`: the production layout without containers, on this machine.
#   gunicorn (2 workers, HTTPS with a self-signed certificate) + the analysis worker,
#   against the local PostgreSQL and Redis, with SURVEYAPP_CONFIG=production.
# The same layout as compose.yaml; the multi-instance and load tests start it.
#
# Settings (environment, each with a default):
#   DATABASE_URL  postgresql+psycopg://postgres@127.0.0.1:5432/surveyapp_prod (created if missing)
#   REDIS_URL     redis://127.0.0.1:6379/0
#   BIND          127.0.0.1:8443          WORKERS  2
#   TLS           1: serve HTTPS with $STATE_DIR/prod-local-{cert,key}.pem (made if missing);
#                 0: plain HTTP, for a TLS proxy in front (then set TRUSTED_PROXIES=1)
#   PUBLIC_BASE_URL  https://<BIND> (or http:// with TLS=0)
#   SECRET_KEY    read from instance/secret_key, generated there (mode 600) if absent
#   STATE_DIR     instance: where the secret key and the certificate are kept
# Production settings need HTTPS: session cookies are Secure and plain HTTP is redirected,
# so local clients talk HTTPS to the self-signed certificate (curl -k, verify=False).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN=.venv/bin
export SURVEYAPP_CONFIG=production
export DATABASE_URL="${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/surveyapp_prod}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
BIND="${BIND:-127.0.0.1:8443}"
WORKERS="${WORKERS:-2}"
TLS="${TLS:-1}"
if [[ "$TLS" == 1 ]]; then scheme=https; else scheme=http; fi
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-$scheme://$BIND}"
export TRUSTED_PROXIES="${TRUSTED_PROXIES:-0}"
STATE_DIR="${STATE_DIR:-instance}"
mkdir -p "$STATE_DIR"

# --- secret key: generated once, kept in instance/ (never in the repository) ------------
if [[ -z "${SECRET_KEY:-}" ]]; then
  if [[ ! -s "$STATE_DIR/secret_key" ]]; then
    (umask 077 && "$BIN/python" -c "import secrets; print(secrets.token_urlsafe(48))" \
      > "$STATE_DIR/secret_key")
    echo "prod-local: generated a new SECRET_KEY in $STATE_DIR/secret_key"
  fi
  SECRET_KEY="$(cat "$STATE_DIR/secret_key")"
  export SECRET_KEY
fi

# --- the database: created if missing, then migrated -----------------------------------
"$BIN/python" - <<'PY'
import os

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

url = make_url(os.environ["DATABASE_URL"])
if url.get_backend_name() == "postgresql":
    server = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True,
                         connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                        (url.database,)).fetchone() is None:
            # CREATE DATABASE takes no parameters: the name is quoted as an identifier.
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.database)))
            print(f"prod-local: created database {url.database}")
PY
"$BIN/flask" --app wsgi db upgrade

# --- HTTPS: a self-signed certificate for 127.0.0.1 and localhost ---------------------
tls_args=()
if [[ "$TLS" == 1 ]]; then
  cert="$STATE_DIR/prod-local-cert.pem" key="$STATE_DIR/prod-local-key.pem"
  if [[ ! -s "$cert" || ! -s "$key" ]]; then
    (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      -keyout "$key" -out "$cert" 2>/dev/null)
    echo "prod-local: made a self-signed certificate in $cert"
  fi
  tls_args=(--certfile "$cert" --keyfile "$key")
fi

# --- run: gunicorn and the worker; stopping one (or Ctrl+C) stops both -----------------
pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop EXIT INT TERM

# No access log: gunicorn's would record every phone's address and user agent.
"$BIN/gunicorn" --workers "$WORKERS" --bind "$BIND" "${tls_args[@]}" \
  --graceful-timeout 20 --error-logfile - wsgi:app &
pids+=($!)
if "$BIN/flask" --app wsgi worker --help >/dev/null 2>&1; then
  "$BIN/flask" --app wsgi worker &
  pids+=($!)
else
  echo "prod-local: no 'flask worker' command yet: running without the analysis worker" >&2
fi
echo "prod-local: serving $PUBLIC_BASE_URL (gunicorn $WORKERS workers, database" \
     "$(echo "$DATABASE_URL" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#'), Redis $REDIS_URL)"
wait -n "${pids[@]}"
