"""Which language a page is in, and how each language is named and written."""

from __future__ import annotations

from flask import current_app, g, request, session, url_for

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


def select_locale() -> str:
    """`?lang=`, then the language she chose earlier, the link's default, the browser, English.

    A valid `?lang=` is remembered in her session, so the choice sticks for the journey.
    """
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
