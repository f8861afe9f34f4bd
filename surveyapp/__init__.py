"""surveyapp: multilingual feedback for maternity and neonatal care."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from flask import Flask, g, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale
from itsdangerous import BadSignature
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from config import CONFIGS
from surveyapp import languages
from surveyapp.bidi import isolate_english
from surveyapp.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """Build the app; `config_name` (or SURVEYAPP_CONFIG) picks a class from config.py."""
    app = Flask(__name__, instance_path=str(_instance_dir()))
    name = config_name or os.environ.get("SURVEYAPP_CONFIG", "development")
    app.config.from_object(CONFIGS[name]())
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    app.session_interface = _StaticFilesWithoutVary()

    # nhsuk-frontend-jinja's macros test chained attributes, which needs ChainableUndefined.
    app.jinja_options = {
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader(
            [FileSystemLoader(os.path.join(app.root_path, "templates")),
             PackageLoader("nhsuk_frontend_jinja")]
        ),
        "autoescape": True,
    }

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(_project_dir(), "migrations"),
                     render_as_batch=True)
    babel.init_app(app, locale_selector=languages.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page."
    login_manager.session_protection = "strong"
    _init_security_headers(app)
    from surveyapp import deployment

    deployment.configure(app)  # PUBLIC_BASE_URL, and ProxyFix for TRUSTED_PROXIES
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _tune_sqlite(app)

    from surveyapp.respond import bp as respond_bp

    # The survey forms check their own CSRF token so that a stale token re-shows her
    # answers with a message instead of an error page (see respond/routes.py).
    csrf.exempt(respond_bp)
    app.register_blueprint(respond_bp)

    from surveyapp.auth import bp as auth_bp
    from surveyapp.auth.routes import end_idle_staff_sessions

    app.register_blueprint(auth_bp)

    from surveyapp.partners import bp as partners_bp

    app.register_blueprint(partners_bp)

    from surveyapp.admin import bp as admin_bp

    app.register_blueprint(admin_bp)

    from surveyapp.insights import bp as insights_bp

    app.register_blueprint(insights_bp)

    from surveyapp.privacy import bp as privacy_bp

    # Her erasure form checks its own CSRF token, as the survey forms do.
    csrf.exempt(privacy_bp)
    app.register_blueprint(privacy_bp)

    from surveyapp.yousaid import bp as yousaid_bp

    app.register_blueprint(yousaid_bp)  # "you said, we did": public, read only

    @app.before_request
    def _staff_session_expiry() -> Any:
        if request.blueprint in STAFF_BLUEPRINTS:
            return end_idle_staff_sessions()
        return None

    from surveyapp import cli

    cli.register(app)

    from surveyapp.themes.queue import install_enqueue_hook

    # With REDIS_URL, committed responses queue their comments for the analysis worker.
    install_enqueue_hook(app)
    _register_template_helpers(app)
    _register_error_pages(app)
    _register_health(app)
    return app


class _StaticFilesWithoutVary(SecureCookieSessionInterface):
    """Static files never depend on the session, so a shared cache in front may give every
    phone the same stylesheet (Flask-Login touches the session on every response, which
    would otherwise add `Vary: Cookie`)."""

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        if request.endpoint == "static":
            return
        if not session.modified and not (session and self.should_set_cookie(app, session)):
            # Nothing to write (most requests): Flask would read seven cookie settings
            # first. The page still depends on the cookie if it was read.
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)

    def get_signing_serializer(self, app: Flask) -> Any:
        # Built once per secret rather than twice per request (open and save).
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = getattr(self, "_serializer", None)
        if cached is not None and cached[0] == keys:
            return cached[1]
        serializer = super().get_signing_serializer(app)
        self._serializer = (keys, serializer)
        return serializer

    # A permanent session's cookie is signed and sent again when it changed, or when the
    # copy the phone holds was signed over an hour ago. Flask would otherwise re-sign it
    # on every response (SESSION_REFRESH_EACH_REQUEST), which was a tenth of the time of
    # a survey page; the cookie's expiry still follows her visits, to within the hour.
    REFRESH_AFTER_SECONDS = 3600

    def open_session(self, app: Flask, request: Any) -> Any:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: Any) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or \
            (datetime.now(UTC) - signed_at).total_seconds() > self.REFRESH_AFTER_SECONDS


# Blueprints whose every page is for signed-in staff (the respondent journey never is).
STAFF_BLUEPRINTS = {"auth", "admin", "partners", "insights"}


def _project_dir() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _instance_dir() -> str:
    return os.path.join(_project_dir(), "instance")


def _init_security_headers(app: Flask) -> None:
    from flask_talisman import Talisman

    # No inline script or style anywhere: the respondent pages need no JavaScript at all.
    Talisman(
        app,
        content_security_policy={
            "default-src": "'self'",
            "img-src": "'self' data:",
            "style-src": "'self'",
            "script-src": "'self'",
            "form-action": "'self'",
            "frame-ancestors": "'none'",
            "base-uri": "'none'",
            "object-src": "'none'",
        },
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        referrer_policy="no-referrer",
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )


def _tune_sqlite(app: Flask) -> None:
    """WAL, a busy timeout and foreign keys: SQLite set up to serve a web app."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    with app.app_context():
        engine: Engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if app.config["SQLALCHEMY_DATABASE_URI"] not in ("sqlite://", "sqlite:///:memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _register_template_helpers(app: Flask) -> None:
    from surveyapp.auth.nav import staff_nav_items

    app.add_template_filter(isolate_english, "isolate_english")
    # `{{ code | html_lang }}`: a locale code (zh_Hans) as a lang attribute wants it (zh-Hans).
    app.add_template_filter(languages.html_lang, "html_lang")

    @app.context_processor
    def page_language() -> dict[str, Any]:
        locale = str(get_locale() or "en")
        return {
            "locale": locale,
            "html_lang": languages.html_lang(locale),
            "text_direction": languages.direction(locale),
            "organisation_name": app.config["ORGANISATION_NAME"],
            "organisation_language": app.config["ORGANISATION_NAME_LANGUAGE"],
            "language_name": languages.native_name,
            "language_direction": languages.direction,
            "switch_language_url": languages.switch_language_url,
            "staff_nav_items": staff_nav_items,
            "asset_url": asset_url,
        }

    @lru_cache(maxsize=64)
    def _asset_version(filename: str) -> str:
        path = os.path.join(app.static_folder or "", filename)
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()[:12]

    def asset_url(filename: str) -> str:
        """A static file's URL with its content hash, so phones may cache it for a year."""
        try:
            version = _asset_version(filename)
        except OSError:
            return url_for("static", filename=filename)
        return url_for("static", filename=filename, v=version)


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        template = {404: "errors/404.html", 410: "errors/410.html",
                    413: "errors/413.html"}.get(code, "errors/generic.html")
        return render_template(template, error=error, link=g.get("link")), code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        app.logger.exception("Unhandled error on %s", request.path)
        db.session.rollback()
        return render_template("errors/generic.html", error=None), 500


def _register_health(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> tuple[dict[str, str], int]:
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # any database failure means unhealthy  # noqa: BLE001
            db.session.rollback()
            return {"status": "unavailable", "database": "unreachable"}, 503
        return {"status": "ok", "database": "ok"}, 200

    @app.get("/")
    def home() -> str:
        session.modified = False
        return render_template("home.html")
