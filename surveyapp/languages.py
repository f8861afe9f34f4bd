"""Which language a page is in, and how each language is named and written."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import current_app, g, request, session, url_for
from flask_babel import get_locale
from markupsafe import Markup

# Each language named in its own script, so a person who reads no English can find hers.
NATIVE_NAMES = {
    "en": "English",
    "ar": "العربية",
    "bg": "Български",
    "bn": "বাংলা",
    "ckb": "کوردی",
    "es": "Español",
    "fa": "فارسی",
    "gu": "ગુજરાતી",
    "it": "Italiano",
    "lt": "Lietuvių",
    "pa": "ਪੰਜਾਬੀ",
    "pa_Arab": "پنجابی",
    "pl": "Polski",
    "ps": "پښتو",
    "pt": "Português",
    "ro": "Română",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "tr": "Türkçe",
    "ur": "اردو",
    "zh_Hans": "简体中文",
}
RIGHT_TO_LEFT = {"ar", "ckb", "fa", "pa_Arab", "ps", "ur"}


def native_name(locale: str) -> str:
    return NATIVE_NAMES.get(locale, locale)


def direction(locale: str) -> str:
    return "rtl" if locale in RIGHT_TO_LEFT else "ltr"


def html_lang(locale: str) -> str:
    """Babel's `pa_Arab` is BCP 47's `pa-Arab`, which is what `lang` attributes want."""
    return locale.replace("_", "-")


def supported(locale: str | None) -> str | None:
    """The locale if the interface offers it, else None (unknown codes fall back)."""
    if locale and locale in current_app.config["LANGUAGES"]:
        return locale
    return None


def select_locale() -> Locale:
    """`?lang=`, then the language she chose earlier, the link's default, the browser, English.

    A valid `?lang=` is remembered in her session, so the choice sticks for the journey.
    """
    return _parsed(_select_locale_code())


@lru_cache(maxsize=64)
def _parsed(code: str) -> Locale:
    # Flask-Babel would parse the code again on every request; a Locale is immutable.
    return Locale.parse(code)


def _select_locale_code() -> str:
    asked = supported(request.args.get("lang"))
    if asked:
        if session.get("lang") != asked:
            session["lang"] = asked
        return asked
    chosen = supported(session.get("lang"))
    if chosen:
        return chosen
    link_default = supported(g.get("link_language"))
    if link_default:
        return link_default
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def switch_language_url(locale: str) -> str:
    """This page again in another language (a plain link: no JavaScript needed)."""
    if request.endpoint is None or request.method != "GET" and request.url_rule is None:
        return f"?lang={locale}"
    args = {**request.args.to_dict(), **(request.view_args or {}), "lang": locale}
    return url_for(request.endpoint, **args)


# Stands for the language in a switcher link while the links are worked out (url_for
# leaves letters and hyphens as they are, so it is replaced exactly).
_ANY_LANGUAGE = "any-language"
# Distinct (language, languages offered, page address) switchers kept per process.
MAX_SWITCHERS = 4096


def language_switcher_markup(codes: list[str] | tuple[str, ...],
                             elsewhere: str | None = None) -> Markup:
    """components/language_switcher.html for this page, kept per (current language,
    languages offered, address): every phone on the same page in the same language gets
    the same links, so the macro runs (and url_for is called) once, not once a link.

    `elsewhere` is an address with `lang=any-language` for a page that exists in one
    language only (easy read): its links go to that address in the language chosen."""
    current = str(get_locale() or "en")
    pattern = elsewhere or switch_language_url(_ANY_LANGUAGE)
    key = (current, tuple(codes), pattern)
    cache: dict[tuple, Markup] = current_app.extensions.setdefault("language_switchers", {})
    markup = cache.get(key)
    if markup is None:
        def url_in(locale: str) -> str:
            return pattern.replace(f"lang={_ANY_LANGUAGE}", f"lang={locale}")

        template = current_app.jinja_env.get_template("components/language_switcher.html")
        module = template.make_module({"locale": current, "language_name": native_name,
                                       "switch_language_url": url_in})
        markup = module.language_switcher(list(codes))
        if len(cache) >= MAX_SWITCHERS:
            cache.clear()
        cache[key] = markup
    return markup
