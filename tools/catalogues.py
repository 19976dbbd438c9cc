"""Extract the translatable strings and update the catalogues (docs/languages.md).

``python -m tools.catalogues`` writes ``explainer/translations/messages.pot`` from the
code and templates and merges it into every language's ``messages.po``: new strings
arrive untranslated, so ``tests/test_i18n.py`` fails until someone translates them.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "explainer" / "translations"
METHODS = [("explainer/**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
# The console stays English for now: only the pages a customer reads are extracted.
CUSTOMER = (
    "explainer/web/customer/",
    "templates/customer/",
    "templates/errors/",
    "templates/_macros",
)


def extract() -> Catalog:
    """Every string marked for translation on the customer's pages."""
    catalog = Catalog(project="explainer", domain="messages")
    for name, line, message, comments, context in extract_from_dir(
        ROOT, METHODS, OPTIONS, strip_comment_tags=True
    ):
        if name.startswith(CUSTOMER):
            catalog.add(message, None, [(name, line)], auto_comments=comments, context=context)
    return catalog


def main() -> None:
    template = extract()
    with (TRANSLATIONS / "messages.pot").open("wb") as fh:
        write_po(fh, template, omit_header=True, sort_output=True, width=100)
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        catalog.update(template)
        with po.open("wb") as fh:
            write_po(
                fh, catalog, omit_header=True, sort_output=True, width=100, ignore_obsolete=True
            )
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(f"{po.relative_to(ROOT)}: {len(template)} messages, {missing} untranslated")


if __name__ == "__main__":
    main()
