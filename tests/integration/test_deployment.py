"""Behind a proxy on a public address: PUBLIC_BASE_URL for printed links, TRUSTED_PROXIES
for which X-Forwarded-* headers are believed."""

from __future__ import annotations

import io
import logging

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import DistributionLink, Role, User
from tests.integration.staff import PASSWORD, csrf_from, make_user

PUBLIC = "https://feedback.example.nhs.uk"


def admin_client(app, host: str = "localhost"):
    """An admin signed in through `host` (the name her browser used for the app)."""
    with app.app_context():
        if not db.session.scalar(select(User).where(User.email == "admin@example.nhs.uk")):
            make_user("admin@example.nhs.uk", Role.ADMIN)
    client = app.test_client()
    base = f"http://{host}"
    page = client.get("/staff/login", base_url=base)
    signed_in = client.post("/staff/login", base_url=base, data={
        "email": "admin@example.nhs.uk", "password": PASSWORD,
        "csrf_token": csrf_from(page.get_data(True))})
    assert signed_in.status_code == 302
    return client


def first_link(app) -> tuple[int, str]:
    with app.app_context():
        link = db.session.scalar(select(DistributionLink).order_by(DistributionLink.id))
        return link.id, link.code


def qr_text(png: bytes) -> str:
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return code.text


def test_printed_links_use_the_public_address_not_the_request_host(app, demo):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    link_id, code = first_link(app)
    # Asked for through an internal name, or a Host header someone forged.
    for host in ("10.0.0.7:8000", "evil.example"):
        client = admin_client(app, host)
        base = f"http://{host}"
        page = client.get(f"/partners/links/{link_id}", base_url=base)
        assert page.status_code == 200
        assert f"{PUBLIC}/s/{code}" in page.get_data(True)
        assert host not in page.get_data(True)
        poster = client.get(f"/partners/links/{link_id}/poster", base_url=base)
        assert f"feedback.example.nhs.uk/s/{code}" in poster.get_data(True)
        assert host not in poster.get_data(True)
        png = client.get(f"/partners/links/{link_id}/qr.png", base_url=base).get_data()
        assert qr_text(png) == f"{PUBLIC}/s/{code}"
        svg = client.get(f"/partners/links/{link_id}/qr.svg", base_url=base).get_data(True)
        assert f"{PUBLIC}/s/{code}" in svg and host not in svg


def test_invitation_links_use_the_public_address(app):
    app.config["PUBLIC_BASE_URL"] = PUBLIC + "/"  # a trailing slash is fine
    from surveyapp import deployment

    app.config["PUBLIC_BASE_URL"] = deployment.check_public_base_url(app)
    client = admin_client(app, "evil.example")
    form = client.get("/admin/users/new", base_url="http://evil.example")
    invited = client.post("/admin/users/new", base_url="http://evil.example", data={
        "csrf_token": csrf_from(form.get_data(True)), "email": "new@example.nhs.uk",
        "role": "reviewer", "partner_id": "", "active": "y"})
    assert invited.status_code == 200, invited.get_data(True)[:500]
    body = invited.get_data(True)
    assert f"{PUBLIC}/staff/invite/" in body and "evil.example" not in body


def test_without_a_public_address_links_follow_the_request(app, demo):
    assert app.config["PUBLIC_BASE_URL"] is None
    client = admin_client(app, "survey.local:5000")
    link_id, code = first_link(app)
    png = client.get(f"/partners/links/{link_id}/qr.png",
                     base_url="http://survey.local:5000").get_data()
    assert qr_text(png) == f"http://survey.local:5000/s/{code}"


def test_the_cli_prints_links_on_the_public_address(app):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert f"{PUBLIC}/s/" in result.output and "127.0.0.1" not in result.output


def test_production_warns_loudly_without_a_public_address(monkeypatch, caplog):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with caplog.at_level(logging.WARNING):
        create_app("production")
    assert any("PUBLIC_BASE_URL is not set" in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app("production", PUBLIC_BASE_URL=PUBLIC)
    assert not [r for r in caplog.records if "PUBLIC_BASE_URL" in r.getMessage()]


@pytest.mark.parametrize("bad", ["feedback.example.nhs.uk", "ftp://x.example",
                                 "https://", "https://x.example/?a=1"])
def test_a_malformed_public_address_stops_the_app(bad):
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", PUBLIC_BASE_URL=bad)


def whoami_app(**overrides):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", **overrides)

    @app.get("/_test/whoami")
    def whoami():
        from flask import request

        return {"address": request.remote_addr, "scheme": request.scheme,
                "host": request.host}

    return app


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "evil.example"}


def test_forwarded_headers_are_ignored_unless_proxies_are_trusted():
    app = whoami_app()
    assert app.config["TRUSTED_PROXIES"] == 0
    seen = app.test_client().get("/_test/whoami", headers=FORWARDED).get_json()
    assert seen == {"address": "127.0.0.1", "scheme": "http", "host": "localhost"}


def test_one_trusted_proxy_gives_the_phones_address_and_scheme_but_not_a_host():
    app = whoami_app(TRUSTED_PROXIES=1)
    client = app.test_client()
    seen = client.get("/_test/whoami", headers=FORWARDED).get_json()
    assert seen == {"address": "203.0.113.9", "scheme": "https", "host": "localhost"}
    # A client's own X-Forwarded-For is passed on by the proxy before the real address:
    # only the last (the one the proxy added) is believed.
    spoofed = client.get("/_test/whoami", headers={
        "X-Forwarded-For": "198.51.100.1, 203.0.113.9"}).get_json()
    assert spoofed["address"] == "203.0.113.9"


def test_with_two_proxies_the_address_two_hops_back_is_used():
    app = whoami_app(TRUSTED_PROXIES=2)
    seen = app.test_client().get("/_test/whoami", headers={
        "X-Forwarded-For": "198.51.100.1, 203.0.113.9, 10.0.0.2",
        "X-Forwarded-Proto": "https, https"}).get_json()
    assert seen["address"] == "203.0.113.9" and seen["scheme"] == "https"


def test_rate_limits_count_each_phone_behind_a_trusted_proxy(app):
    """Login attempts are limited per address: behind the proxy, per phone's address."""
    proxied = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config[
        "SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="3 per minute")
    client = proxied.test_client()

    def attempt(address: str) -> int:
        page = client.get("/staff/login")
        return client.post("/staff/login", headers={"X-Forwarded-For": address}, data={
            "csrf_token": csrf_from(page.get_data(True)), "email": "x@example.org",
            "password": "wrong password here"}).status_code

    assert [attempt("203.0.113.1") for _ in range(4)][-1] == 429
    assert attempt("203.0.113.2") != 429, "another phone behind the same proxy is limited"


def test_production_starts_with_its_secret_key_set_before_the_app_is_imported(tmp_path):
    """As under gunicorn: the environment is set before config.py is imported (a check
    that compared with Config.SECRET_KEY, itself read from the environment, refused every
    real key)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "SURVEYAPP_CONFIG": "production",
           "SECRET_KEY": "a-real-random-secret-key-of-more-than-32-characters",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PUBLIC_BASE_URL": PUBLIC}
    started = subprocess.run([sys.executable, "-c", "import wsgi; print(wsgi.app.name)"],  # noqa: S603
                             cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stderr[-2000:]
    env["SECRET_KEY"] = "dev-only-not-secret"
    refused = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=root, env=env,  # noqa: S603
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr
