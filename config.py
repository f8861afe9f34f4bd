"""Settings classes. Every secret and URL comes from the environment.

`SURVEYAPP_CONFIG` picks the class (development, testing, production); the default is
development so `make run` works on a fresh machine.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

# Locales offered by the interface. The first is the fallback for any missing string.
# English first, then roughly by how many people in England speak each as their main
# language (Census 2021), so the commonest are found first in the picker.
LANGUAGES = ["en", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "gu", "it", "lt", "so", "ti",
             "ps", "fa", "zh_Hans", "tr", "bg", "ckb"]


# Development's stand-in; production refuses it.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{INSTANCE_DIR / name}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url("surveyapp.db")
    # hide_parameters: a database error's message would otherwise carry the values of the
    # statement that failed (her answers) into the log (tests/integration/test_privacy_checks).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    # The RQ queue the comment analysis jobs go on (one per deployment sharing a Redis).
    ANALYSIS_QUEUE = os.environ.get("ANALYSIS_QUEUE", "analysis")

    ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Your local maternity service")
    # The name is shown untranslated, so screen readers need to know its language.
    ORGANISATION_NAME_LANGUAGE = os.environ.get("ORGANISATION_NAME_LANGUAGE", "en")
    LANGUAGES = LANGUAGES
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # The survey keeps answers in a server-side draft, so the cookie only carries a token;
    # CSRF tokens last as long as the session, and a stale one never loses answers.
    WTF_CSRF_TIME_LIMIT = None
    # Every message is our own and translated by our catalogs: WTForms' built-in
    # catalog would only be parsed again on every request.
    WTF_I18N_ENABLED = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 7
    MAX_CONTENT_LENGTH = 256 * 1024
    # Static files are linked with a content hash (asset_url), so they can be cached long.
    SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 60 * 60

    # Rate limits live in Redis when it is configured, so every app instance shares them.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    LOGIN_RATE_LIMIT_PER_ACCOUNT = "30 per hour"
    # Final survey submissions (surveyapp/respond/limits.py explains the numbers): generous
    # enough for a group filling in the survey together on one wifi or one shared phone.
    SUBMIT_RATE_LIMIT_PER_IP = os.environ.get("SUBMIT_RATE_LIMIT_PER_IP",
                                              "30 per hour;200 per day")
    SUBMIT_RATE_LIMIT_PER_LINK = os.environ.get("SUBMIT_RATE_LIMIT_PER_LINK", "1000 per hour")
    STAFF_IDLE_MINUTES = 30

    SMALL_NUMBER_THRESHOLD = 5
    DRAFT_RETENTION_DAYS = 14
    FORCE_HTTPS = False

    # Where respondents reach the app (https://feedback.example.nhs.uk): QR codes, posters
    # and invitation links use it, not the request's host (surveyapp/deployment.py).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or None
    # How many reverse proxies stand in front of the app; X-Forwarded-For and -Proto are
    # believed only from that many (0: the app faces the internet, trust none).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Receipt codes that match nothing, per internet address (surveyapp/privacy/routes.py).
    ERASURE_RATE_LIMIT = os.environ.get("ERASURE_RATE_LIMIT", "10 per hour")


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105 - fixed so tests are repeatable
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or "sqlite://"
    SESSION_COOKIE_SECURE = False
    # Anything that tries to reach Redis in a test without asking for it fails loudly.
    REDIS_URL = os.environ.get("TEST_REDIS_URL")
    RATELIMIT_STORAGE_URI = os.environ.get("TEST_REDIS_URL") or "memory://"


class ProductionConfig(Config):
    FORCE_HTTPS = True

    def __init__(self) -> None:
        secret = os.environ.get("SECRET_KEY", "")
        # Compared with the literal default: Config.SECRET_KEY is the environment's own
        # value whenever SECRET_KEY was set before this module was imported.
        if len(secret) < 32 or secret == DEV_SECRET_KEY:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (for example: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')."
            )
        self.SECRET_KEY = secret


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
