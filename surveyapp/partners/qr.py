"""A link's web address and its QR code (segno), for downloads and printed posters."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import segno
from flask import send_file
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from surveyapp.deployment import public_url
from surveyapp.models import DistributionLink

# Medium error correction (about 15% of the code can be lost) survives a creased or
# scuffed poster; boost_error=False keeps the level fixed, so every code is the same kind.
ERROR_LEVEL = "m"
# 20 pixels a module and the standard 4-module quiet zone: about 740 pixels square, sharp
# when printed 8 to 10 cm wide.
PNG_SCALE = 20
BORDER = 4


def link_url(link: DistributionLink) -> str:
    """The full address a respondent opens: on PUBLIC_BASE_URL when it is set, else on
    this request's scheme and host (surveyapp/deployment.py)."""
    return public_url("respond.start", code=link.code)


def short_url(url: str) -> str:
    """The address as people type it: without "https://" (browsers add it), else in full."""
    parts = urlsplit(url)
    return url[len("https://"):] if parts.scheme == "https" else url


def make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_LEVEL, boost_error=False)


def png(url: str) -> bytes:
    out = io.BytesIO()
    make(url).save(out, kind="png", scale=PNG_SCALE, border=BORDER)
    return out.getvalue()


def svg(url: str) -> bytes:
    """A standalone SVG file: scales to any size, white background, titled with the URL."""
    out = io.BytesIO()
    make(url).save(out, kind="svg", scale=10, border=BORDER, light="#fff", title=url,
                   xmldecl=True)
    return out.getvalue()


def inline_svg(url: str, css_class: str) -> Markup:
    """The code as inline SVG for a page: sized by CSS (no width or height attributes).

    segno writes the URL into the <title> escaped, and draws with presentation attributes
    only (no style attributes, which the content security policy would block).
    """
    code = make(url).svg_inline(scale=1, border=BORDER, omitsize=True, light="#fff",
                                title=url, svgclass=css_class, lineclass=None)
    return Markup(code.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S704  # nosec B704


def download(url: str, code: str, kind: str) -> WerkzeugResponse:
    """The QR code as a file to save: survey-link-<code>.png or .svg."""
    data, mimetype = (png(url), "image/png") if kind == "png" else (svg(url), "image/svg+xml")
    safe_code = re.sub(r"[^A-Za-z0-9_-]", "", code)[:32] or "code"
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=f"survey-link-{safe_code}.{kind}", max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
