"""Keep the exercises' gettext catalogue with Babel: extract, update each language's ``.po``, compile its ``.mo``.

``python -m npae.exercises update-catalogue`` (course authors) runs Babel's own commands (``pybabel extract``,
``update``, ``compile``; the extraction through its Python API, with the stubs' own method): the template
``locale/npae-exercises.pot`` holds every message, each ``locale/<LANG>/LC_MESSAGES/npae-exercises.po`` gets
the new and changed ones (untranslated or fuzzy until a translator writes them), and the ``.mo`` that ships
with the package is compiled from it. Babel is a course author's tool (``pip install babel``; Sphinx brings
it); a student's machine only reads the ``.mo`` with Python's :mod:`gettext`.
"""

import io
from pathlib import Path

from npae.exercises.i18n import DOMAIN, LOCALE_DIR

PACKAGE = Path(__file__).parent
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
#: The extraction's keywords: the messages' hooks and markers (``plural`` and ``ngettext_`` take a singular and a plural).
KEYWORDS = ("_", "N_", "gettext_", "plural:2,3", "ngettext_:1,2")


def po_file(lang):
    """The ``.po`` of catalogue language ``lang`` (e.g. "zh_CN")."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages():
    """The languages with a ``.po`` (sorted)."""
    return sorted(p.parents[1].name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _pybabel(*args):
    """Run a ``pybabel`` command (Babel's command line, in this process)."""
    from babel.messages.frontend import CommandLineInterface
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract():
    """The template's catalogue, extracted by Babel from the package with ``babel.cfg``'s methods (a
    :class:`babel.messages.catalog.Catalog`)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_keywords
    method_map = [("stubs/*.py", "npae.exercises.i18n:extract_stub"), ("solutions/*.py", "ignore"),
                  ("**.py", "python")]
    catalog = Catalog(project="npae", copyright_holder="the npae authors", charset="utf-8",
                      fuzzy=False, header_comment="# The messages of npae's exercises (python -m npae.exercises "
                                                  "update-catalogue).\n#")
    root = PACKAGE.parents[1]
    for filename, lineno, message, comments, context in extract_from_dir(
            PACKAGE, method_map, {}, keywords=parse_keywords(list(KEYWORDS)), comment_tags=()):
        path = (PACKAGE / filename).relative_to(root).as_posix()
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return catalog


def update():
    """Extract the template, update every ``.po`` from it and compile the ``.mo``; return the paths written."""
    from babel.messages.pofile import write_po
    catalog = extract()
    with open(TEMPLATE, "wb") as handle:
        write_po(handle, catalog, width=None, sort_by_file=True, omit_header=False)
    written = [TEMPLATE]
    for lang in languages():
        _pybabel("update", "-D", DOMAIN, "-i", str(TEMPLATE), "-d", str(LOCALE_DIR), "-l", lang, "--no-wrap",
                 "--ignore-obsolete")
        written.append(po_file(lang))
    _pybabel("compile", "-D", DOMAIN, "-d", str(LOCALE_DIR))
    written += [po_file(lang).with_suffix(".mo") for lang in languages()]
    return written


def compiled(lang):
    """The bytes of the ``.mo`` that compiling ``lang``'s ``.po`` gives (Babel's ``compile``, in memory)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    with open(po_file(lang), "rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()
