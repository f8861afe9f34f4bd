"""Running behind a reverse proxy, and the one public address printed links use.

PUBLIC_BASE_URL (e.g. https://feedback.example.nhs.uk) is where respondents reach the
app. Links that leave the app (QR codes, posters, invitation links, printed by CLI
commands) are built on it rather than on the Host the request named: a poster printed
from a staff laptop on an internal address, or through a Host header someone forged,
would otherwise send every respondent to the wrong place.

TRUSTED_PROXIES is how many reverse proxies stand in front of the app. Only then are
X-Forwarded-For and X-Forwarded-Proto believed (Werkzeug's ProxyFix), so rate limits count
each phone's address and not the proxy's, and a client cannot pretend to be someone else
by sending the headers itself. X-Forwarded-Host and -Prefix are never trusted: many
proxies pass a client's own copy through, and PUBLIC_BASE_URL makes them unnecessary.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix


def configure(app: Flask) -> None:
    base = check_public_base_url(app)
    app.config["PUBLIC_BASE_URL"] = base
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops < 0:
        raise RuntimeError("TRUSTED_PROXIES must be 0 or more (the number of proxies)")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,  # type: ignore[method-assign]
                                x_host=0, x_port=0, x_prefix=0)
    app.add_template_global(public_url, "public_url")


def check_public_base_url(app: Flask) -> str | None:
    """PUBLIC_BASE_URL without a trailing slash; a malformed value stops the app, and a
    production app without one says so loudly in its log."""
    base = (app.config.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")
    if not base:
        if app.config.get("FORCE_HTTPS"):  # production
            app.logger.warning(
                "PUBLIC_BASE_URL is not set: QR codes, posters and invitation links will "
                "use whatever host each request named. Set it to the address respondents "
                "use, e.g. PUBLIC_BASE_URL=https://feedback.example.nhs.uk")
        return None
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
            or parts.fragment:
        raise RuntimeError(f"PUBLIC_BASE_URL must be an address like "
                           f"https://feedback.example.nhs.uk, not {base!r}")
    if app.config.get("FORCE_HTTPS") and parts.scheme != "https":
        app.logger.warning("PUBLIC_BASE_URL %s is not https: respondents' answers would "
                           "travel unencrypted from printed links", base)
    return base


def public_url(endpoint: str, **values: object) -> str:
    """The absolute address of `endpoint` as respondents reach it: on PUBLIC_BASE_URL when
    set, else on this request's scheme and host."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    # url_for starts the path with the app's mount point; PUBLIC_BASE_URL already has it.
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root):]
    return base + path
