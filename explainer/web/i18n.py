"""Gettext catalogues for the customer's pages, through Flask-Babel.

The catalogues are ``explainer/translations/<lang>/LC_MESSAGES/messages.po`` in the
repository. They are compiled in memory when the app is made (a few milliseconds),
so a plain checkout, ``pip install -e .`` and ``pip install .`` all serve them and no
compiled file is ever committed. A request's language: what the page chose
(``g.page_language``, the why page's rule in docs/languages.md), else the best of
``Accept-Language`` among the shipped languages on customer pages, else English (the
console).
"""

from __future__ import annotations

from importlib.resources import files
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, Domain, get_locale

from explainer.wording.words import SHIPPED, pick

__all__ = [
    "CUSTOMER_PREFIXES",
    "browser_language",
    "catalogue_path",
    "compiled",
    "gettext",
    "init_app",
    "request_language",
]

# Paths whose pages a customer reads: they follow Accept-Language.
CUSTOMER_PREFIXES = ("/why/",)


def catalogue_path(lang: str) -> str:
    """Where the ``.po`` catalogue of ``lang`` lives in the package."""
    return f"translations/{lang}/LC_MESSAGES/messages.po"


def compiled() -> dict[str, Translations]:
    """Every shipped catalogue, compiled from its ``.po`` (fuzzy entries left out)."""
    out: dict[str, Translations] = {}
    for lang in SHIPPED:
        po = files("explainer").joinpath(catalogue_path(lang))
        if not po.is_file():
            continue  # the source language needs no catalogue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        buf = BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        out[lang] = Translations(buf)
    return out


_NONE = NullTranslations()


class _Compiled(Domain):  # type: ignore[misc]
    """A message domain whose catalogues were compiled in memory at start-up."""

    def __init__(self, catalogues: dict[str, Translations]) -> None:
        super().__init__(domain="messages")
        self.catalogues = catalogues

    def get_translations(self) -> Translations | NullTranslations:
        return self.catalogues.get(str(get_locale()), _NONE)


def _catalogue() -> Translations | NullTranslations:
    """This request's catalogue, looked up once per request and language.

    A page calls gettext some forty times; Flask-Babel resolves its context, domain and
    locale on every call, which cost about a third of the why page's time. The page's
    language may still be chosen during the request (``g.page_language``), so the
    remembered catalogue is keyed by it.
    """
    if not has_request_context():
        return _NONE  # a template rendered outside a request reads as English
    chosen = g.get("page_language")
    known = g.get("_catalogue")
    if known is not None and known[0] == chosen:
        return known[1]  # type: ignore[no-any-return]
    catalogues = current_app.extensions["babel"].instance.domain_instance.catalogues
    found = catalogues.get(request_language(), _NONE)
    g._catalogue = (chosen, found)
    return found  # type: ignore[no-any-return]


def gettext(message: str, **variables: object) -> str:
    """``message`` in the request's language, ``%(name)s`` filled from ``variables``."""
    text = str(_catalogue().ugettext(message))
    return text % variables if variables else text


def _ngettext(singular: str, plural: str, n: int) -> str:
    return str(_catalogue().ungettext(singular, plural, n))


def browser_language() -> str:
    """The first of the browser's languages, by preference, that we ship; else English.

    By primary subtag: ``de-CH, en;q=0.5`` is German (werkzeug's ``best_match`` would
    prefer the exact ``en``).
    """
    for tag, _quality in request.accept_languages:
        if found := pick(tag):
            return found
    return "en"


def request_language() -> str:
    """The language of this request's page (a shipped primary subtag)."""
    chosen = g.get("page_language")
    if chosen:
        return str(chosen)
    if request.path.startswith(CUSTOMER_PREFIXES):
        return browser_language()
    return "en"


def init_app(app: Flask) -> None:
    """Install Flask-Babel with the compiled catalogues and the language rule."""
    babel = Babel(app, locale_selector=request_language)
    # Flask-Babel reads its default domain from this cached property: ours serves the
    # catalogues compiled above instead of .mo files on disk.
    babel.__dict__["domain_instance"] = _Compiled(compiled())
    # The templates' gettext: the same catalogues, looked up once per request.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda s: _catalogue().ugettext(s), _ngettext, newstyle=True
    )
    app.jinja_env.globals["page_language"] = lambda: str(get_locale() or "en")
