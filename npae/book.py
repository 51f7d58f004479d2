"""Build the course as a static website: every lesson a page, executed, with its figures inline.

::

    pip install -e ".[book]"
    python -m npae.book build            # quick mode: every lesson executed small, a few minutes
    python -m npae.book build --full     # full mode, for publishing (executions cached per lesson)
    python -m npae.book update-po        # the Chinese edition's catalogues, after the English changed

The site is written to ``_build/book/html/`` (git-ignored) and the command prints the path of its index
page. It has two editions from the same sources: English in ``html/``, Chinese (中文版) in ``html/zh_CN/``, built
by Sphinx's gettext mechanism from one message catalogue per page, ``docs/book/locale/zh_CN/LC_MESSAGES/*.po``
(``docs/book/locale/README.md`` is the translators' guide); every page links to the same page in the other
edition, and the second edition reuses the first one's executions (one jupyter-cache). The sources are the
repository's own files, never copies: the staging folder holds symbolic links to ``lessons/NN_*.py`` (jupytext
percent format, read and executed by myst-nb), ``docs/glossary.md`` and the pages under ``docs/book/``; this
module only writes the landing page's table of contents (from the lessons' own titles and ``docs/book/toc.tsv``,
which gives each lesson's Chinese title and its section of Goodfellow et al.) and the API page's list of modules.

Tools (all from PyPI, all working with no network): Sphinx, myst-nb (executes the lessons through
jupyter-cache, so unchanged lessons are not rerun), the furo theme, and MathJax 3 served from the site
itself (its files and fonts come from the ``django-static-mathjax`` package), so no page loads anything from
another site. This module is also a small Sphinx extension (:func:`setup`): it adds the links a reader
expects to the built pages (lessons cited in the prose, each lesson's key terms to the glossary, exercises to
the exercises page), and each lesson's page gets a line with its downloads (the ``.py`` file and a notebook
made by jupytext), its exercises and the API pages of the modules it imports; the sources stay plain.
The build fails on any Sphinx warning (``-W``) and on any lesson that raises; it also fails if a built page
shows a traceback, which some execution errors leave behind with a zero exit status. A full build first checks
that the data every lesson's full mode needs is installed, and says in one line what is missing.
"""

import argparse
import csv
import functools
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from npae.checks import check_path, check_sequence

__all__ = ["build", "lesson_titles", "read_toc", "read_lesson", "main"]

ROOT = Path(__file__).resolve().parent.parent
TITLE = re.compile(r"^# # (\d\d) · (.+)$", re.M)

# The editions: English, the source, at <out>/html/; Chinese, from the message catalogues of
# docs/book/locale/zh_CN/LC_MESSAGES/ (one .po per page), at <out>/html/zh_CN/.
LANGUAGES = ("en", "zh_CN")
FOLDERS = {"en": "", "zh_CN": "zh_CN"}
LOCALE = ROOT / "docs" / "book" / "locale"
# The few words the build itself writes into the pages (not messages of the catalogues).
WORDS = {
    "en": {"name": "English", "lang": "en", "download": "**Download this lesson:**", "notebook": " (a notebook)",
           "exercises": "**Exercises:**", "api": "**API used:**", "title": "npae: autoencoders by hand · 自编码器"},
    # a full-width colon goes outside the ** (CommonMark ends no emphasis between "：" and a letter)
    "zh_CN": {"name": "中文", "lang": "zh-CN", "download": "**下载本课**：", "notebook": "（notebook）",
              "exercises": "**练习**：", "api": "**用到的 API**：", "title": "npae：手推自编码器"},
}


def _language():
    """The edition being built: ``$NPAE_BOOK_LANGUAGE`` (set by :func:`build` for Sphinx), default English."""
    language = os.environ.get("NPAE_BOOK_LANGUAGE", "en")
    if language not in WORDS:
        raise ValueError(f"NPAE_BOOK_LANGUAGE must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return language


def lesson_titles(lessons_dir=None, only=None):
    """Each lesson's file stem and English title, in course order.

    Parameters
    ----------
    lessons_dir : path, optional
        Default: the repository's ``lessons/``.
    only : list of str, optional
        Lesson numbers or stems to keep (default: all).

    Returns
    -------
    list of (str, str)
        ``("03_sparse_autoencoder", "The sparse autoencoder")``, ... sorted by number.

    Raises
    ------
    ValueError
        If a lesson has no ``# # NN · Title`` heading matching its file number, ``lessons_dir`` holds no
        lesson file, or ``only`` is empty or holds something other than non-empty strings.
    TypeError
        If ``lessons_dir`` is not a path or ``only`` is not a list of strings.
    """
    lessons_dir = Path(check_path("lessons_dir", lessons_dir) if lessons_dir is not None else ROOT / "lessons")
    if only is not None:
        only = check_sequence("only", only, "lesson numbers or stems")
        if not only or not all(isinstance(o, str) and o for o in only):
            raise ValueError(f"only must list lesson numbers or stems (non-empty strings), got {only!r}")
    lessons = sorted(lessons_dir.glob("[0-9][0-9]_*.py"))
    if not lessons:
        raise ValueError(f"lessons_dir: {os.fspath(lessons_dir)!r} holds no lesson file NN_name.py")
    titles = []
    for path in lessons:
        if only and not any(path.stem == o or path.stem.startswith(o) for o in only):
            continue
        match = TITLE.search(path.read_text(encoding="utf-8"))
        if match is None or match.group(1) != path.name[:2]:
            raise ValueError(f"{path}: the first heading must read '# # {path.name[:2]} · Title'")
        titles.append((path.stem, match.group(2).strip()))
    return titles


def read_lesson(text):
    """Read a lesson (jupytext percent format) as a notebook page: its module docstring cell is hidden.

    A lesson starts with a docstring for ``--help`` and for readers of the script; on the site the same text
    would show as a code cell and its echoed value. myst-nb calls this through ``nb_custom_formats``.

    Parameters
    ----------
    text : str
        The lesson file's contents.

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):              # checked before importing jupytext, which is slow to import
        raise TypeError(f"text must be the lesson file's contents as a str, got {type(text).__name__}")
    import ast

    import jupytext


    notebook = jupytext.reads(text, fmt="py:percent")
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            body = ast.parse(cell.source).body
        except SyntaxError:
            break
        if len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            cell.metadata.setdefault("tags", []).append("remove-cell")
        break                                   # only the first code cell can be the docstring
    match = TITLE.search(text)
    stems = sorted((ROOT / "lessons").glob(f"{match.group(1)}_*.py")) if match else []
    intro = next((cell for cell in notebook.cells if cell.cell_type == "markdown"), None)
    if intro is not None and len(stems) == 1:
        # under the introduction's "**Key terms:**" paragraph (or at the end of the first markdown cell)
        lines = intro.source.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith("**Key terms:**")), len(lines))
        end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
        header = lesson_header(stems[0].stem, text).splitlines()
        intro.source = "\n".join(lines[:end] + [""] + header + [""] + lines[end:]).rstrip() + "\n"
    return notebook


def lesson_header(stem, text, language=None):
    """The line the site adds under a lesson's introduction: downloads, its exercises, the API it imports.

    Parameters
    ----------
    stem : str
        The lesson's file stem (``"03_sparse_autoencoder"``).
    text : str
        The lesson file's contents (its imports name the API pages).
    language : str, optional
        The edition, ``"en"`` or ``"zh_CN"`` (default: ``$NPAE_BOOK_LANGUAGE``, set by :func:`build`, else
        ``"en"``): the line's words are in that language. It is not a message of the translation catalogues.

    Returns
    -------
    str
        MyST markdown: ``{download}`` links to ``<stem>.ipynb`` (written beside the page by :func:`build`) and
        ``<stem>.py``, the names of its exercises (linked to the exercises page by :func:`add_links`), and
        ``{py:mod}`` links to the API page of every npae module it imports.
    """
    import ast

    words = WORDS[language or _language()]
    lines = [f"{words['download']} {{download}}`{stem}.ipynb`{words['notebook']} · {{download}}`{stem}.py`  "]
    exercises = [name for name, lesson in _exercises().items() if Path(lesson).stem == stem]
    if exercises:
        lines.append(f"{words['exercises']} " + " · ".join(f"`{name}`" for name in exercises) + "  ")
    imported = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("npae"):
            imported.append(node.module)
        elif isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names if alias.name.startswith("npae")]
    api = [name for name in dict.fromkeys(sorted(imported)) if name in _public_modules()]
    if api:
        lines.append(f"{words['api']} " + " · ".join(f"{{py:mod}}`{name}`" for name in api))
    return "\n".join(lines).rstrip() + "\n"


def read_toc(path=None):
    """The course's table of contents data: Chinese title, Goodfellow et al. section, per lesson stem.

    Parameters
    ----------
    path : path, optional
        Default ``docs/book/toc.tsv`` (tab-separated: ``stem``, ``zh``, ``section``).

    Returns
    -------
    dict of str -> dict
        ``{"03_sparse_autoencoder": {"zh": "稀疏自编码器", "section": "§14.2.1"}, ...}``
    """
    path = Path(check_path("path", path) if path is not None else ROOT / "docs" / "book" / "toc.tsv")
    if not path.is_file():
        raise FileNotFoundError(f"path: no such file {os.fspath(path)!r}")
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return {row["stem"]: {"zh": row["zh"], "section": row["section"]} for row in rows}


def _api_page(modules):
    lines = ["# API reference", "",
             "Generated from the docstrings: every public function gives the shapes and dtypes of its arrays, ",
             "what it raises and why, and the source of the equations it implements.", ""]
    for name in modules:
        lines += [f"## `{name}`", "", "```{eval-rst}", f".. automodule:: {name}", "```", ""]
    return "\n".join(lines)


@functools.lru_cache(maxsize=None)
def _exercises():
    """Exercise name -> its lesson file (``lessons/NN_name.py``), from :data:`npae.exercises.EXERCISES`."""
    from npae.exercises import EXERCISES

    return {name: exercise.lesson for name, exercise in EXERCISES.items()}


@functools.lru_cache(maxsize=None)
def _public_modules():
    import npae

    skip = {"npae.book", "npae.course"}
    names = []          # not the top-level "npae": it re-exports names documented in their own modules
    for info in pkgutil.walk_packages(npae.__path__, "npae."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_") or info.name in skip or ".exercises.solutions" in info.name \
                or ".exercises.stubs" in info.name:
            continue
        names.append(info.name)
    return tuple(names)


def _index_page(titles, toc, edition="en"):
    """The landing page: ``docs/book/index.md`` and the table of contents.

    Each lesson's entry is bilingual in the English edition (``01 · What is an autoencoder? · 什么是自编码器``) and
    Chinese in the Chinese one (``01 · 什么是自编码器``, from ``docs/book/toc.tsv``); for the message catalogues
    (``edition="gettext"``) the entries carry no title, so that they are not messages to translate. The
    captions and the reference pages' titles are messages (``index.po``).
    """
    intro = (ROOT / "docs" / "book" / "index.md").read_text(encoding="utf-8")
    entries = []
    for stem, title in titles:
        info = toc.get(stem)
        if info is None:
            raise ValueError(f"docs/book/toc.tsv has no row for lessons/{stem}.py: add its Chinese title and section")
        entries.append(f"lessons/{stem}" if edition == "gettext" else
                       f"{stem[:2]} · {info['zh']} <lessons/{stem}>" if edition == "zh_CN" else
                       f"{stem[:2]} · {title} · {info['zh']} <lessons/{stem}>")
    toctree = ["", "```{toctree}", ":caption: Lessons · 课程", ":maxdepth: 1", "", *entries, "```", "",
               "```{toctree}", ":caption: Reference · 参考", ":maxdepth: 1", "",
               "Exercises · 练习 <exercises>", "Glossary · 术语表 <glossary>", "API reference <api>", "```", ""]
    return intro.rstrip() + "\n" + "\n".join(toctree)


# ---------------------------------------------------------------- links added to the pages at build time
def _term_key(term):
    """A term as the glossary and the lessons both write it: case, hyphens, spaces and the typographic
    apostrophe Sphinx substitutes (’ for ') do not matter."""
    return term.lower().replace("-", "").replace(" ", "").replace("\u2019", "'")


def term_anchor(term):
    """The HTML id of a glossary term: ``"KL divergence"`` -> ``"term-kl-divergence"``.

    Case, spaces and hyphens do not matter (``back-propagation`` and ``backpropagation`` are one term).

    Parameters
    ----------
    term : str

    Returns
    -------
    str
    """
    key = _term_key(term)
    return "term-" + (re.sub(r"[^0-9a-z\u4e00-\u9fff]+", "-", key).strip("-") or "x")


@functools.lru_cache(maxsize=None)
def glossary_terms(path=None):
    """The English terms of the glossary (first column of its tables), mapped to their anchors.

    Parameters
    ----------
    path : path, optional
        Default ``docs/glossary.md``.

    Returns
    -------
    dict of str -> str
        ``{"KL divergence": "term-kl-divergence", ...}``
    """
    path = Path(path) if path is not None else ROOT / "docs" / "glossary.md"
    terms = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) >= 2 and cells[0] not in ("English", "---") \
                and not set(cells[0]) <= set("-: "):
            terms[cells[0]] = term_anchor(cells[0])
    return terms


# "lesson 13", "lessons 20–23", "lessons 01 (the autoencoder), 02 (backprop) and 04": each number is a lesson.
# The Chinese edition writes "第 13 课", "第 20–23 课", "第 01、02 和 04 课" (docs/book/locale/README.md).
_ASIDE = r"(?:\s*\([^()]*\))?"
LESSON_CITATION = re.compile(rf"\b(?P<pre>[Ll]essons?\s+)"
                             rf"(?P<numbers>\d\d\b{_ASIDE}(?:\s*(?:,|and|or|to|–|-)\s*\d\d\b{_ASIDE})*)(?P<post>)")
LESSON_CITATION_ZH = re.compile(r"(?P<pre>第\s*)"
                                r"(?P<numbers>\d\d(?:\s*(?:、|，|,|和|与|及|或|至|到|–|—|-)\s*\d\d)*)(?P<post>\s*课)")
NUMBER = re.compile(r"\d\d")
_NUMBER_OR_ASIDE = re.compile(r"\([^()]*\)|\b\d\d\b")
# The Key terms line: "**Key terms:** autoencoder (自编码器), encoder (编码器), ..." in English;
# "**关键术语**：自编码器（autoencoder）、编码器（encoder）……" in Chinese: the glossary's 中文, then its English term.
KEY_TERMS = ("Key terms:", "关键术语：", "关键术语:")
_KEY_TERM_EN = re.compile(r"(^\s*|,\s*)([^,()]+?)(\s*(?=\())")
_KEY_TERM_ZH = re.compile(r"(^[\s：:]*|[、，,]\s*)([^、，,（）()]+?)(\s*（)([^（）]+)(）)")


def lesson_citations(text):
    """The lesson numbers a text cites, in English ("lessons 01 and 02") or Chinese ("第 01 和 02 课").

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
        Two-digit lesson numbers, in order of appearance (asides in parentheses skipped).
    """
    numbers = []
    for pattern in (LESSON_CITATION, LESSON_CITATION_ZH):
        for match in pattern.finditer(text):
            numbers += [n.group(0) for n in _NUMBER_OR_ASIDE.finditer(match.group("numbers"))
                        if not n.group(0).startswith("(")]
    return numbers


def _skipped(node):
    """True when ``node`` sits inside a link, code, mathematics, a heading or a cell's output."""
    from docutils import nodes

    skip = (nodes.reference, nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.title, nodes.raw)
    parent = node.parent
    while parent is not None:
        if isinstance(parent, skip) or type(parent).__name__ in ("pending_xref", "download_reference"):
            return True
        if isinstance(parent, nodes.Element) and {"cell_output", "output"} & set(parent["classes"]):
            return True
        parent = parent.parent
    return False


def _link(text, uri, classes=()):
    from docutils import nodes

    return nodes.reference(text, text, internal=True, refuri=uri, classes=["npae-link", *classes])


def _split_text(node, pattern, make):
    """Replace the Text ``node`` by its pieces, each match of ``pattern`` turned into ``make(match)`` nodes."""
    from docutils import nodes

    text, pieces, last = node.astext(), [], 0
    for match in pattern.finditer(text):
        made = make(match)
        if made is None:
            continue
        pieces += [nodes.Text(text[last:match.start()]), *made]
        last = match.end()
    if pieces:
        pieces.append(nodes.Text(text[last:]))
        node.parent.replace(node, [p for p in pieces if not (isinstance(p, nodes.Text) and not p.astext())])


def add_links(app, doctree, docname):
    """Sphinx ``doctree-resolved`` handler: the links a reader expects, added to the pages, not the sources.

    - "lesson 13", "lessons 20–23" (Chinese: "第 13 课", "第 20–23 课"): each number links to that lesson's page
      (on every page);
    - a lesson's ``**Key terms:**`` line (Chinese: ``**关键术语**：``): each term links to its row of the
      glossary, whose first cells get the anchors (:func:`term_anchor`, from the English term in both editions);
    - an exercise's name in code (```contractive```, ```python -m npae.exercises start contractive```)
      links to its row of the exercises page, whose lesson column links to the lessons.
    """
    from docutils import nodes

    builder = app.builder
    lessons = {Path(d).name[:2]: d for d in app.env.found_docs if d.startswith("lessons/")}
    exercises = _exercises()
    terms = {_term_key(name): anchor for name, anchor in glossary_terms().items()}

    def uri(target, anchor=""):
        return builder.get_relative_uri(docname, target) + (f"#{anchor}" if anchor else "")

    def cite(match):
        numbers = match.group("numbers")
        made, last = [nodes.Text(match.group("pre"))], 0
        for number in _NUMBER_OR_ASIDE.finditer(numbers):
            if number.group(0).startswith("("):
                continue                                # an aside: "(the autoencoder)", "(§8.3)"
            made.append(nodes.Text(numbers[last:number.start()]))
            target = lessons.get(number.group(0))
            made.append(_link(number.group(0), uri(target)) if target and target != docname
                        else nodes.Text(number.group(0)))
            last = number.end()
        made.append(nodes.Text(numbers[last:] + match.group("post")))
        return made

    for pattern in (LESSON_CITATION, LESSON_CITATION_ZH):
        for text in list(doctree.findall(nodes.Text)):
            if not _skipped(text) and pattern.search(text.astext()):
                _split_text(text, pattern, cite)

    def glossary_links(names, labels):
        """Links to the glossary rows of ``names`` (English terms), shown as ``labels``; None if one is unknown."""
        if len(names) != len(labels) or not all(_term_key(n) in terms for n in names):
            return None
        made = []
        for i, (name, label) in enumerate(zip(names, labels)):
            made += [nodes.Text(" / ")] * bool(i)
            made.append(_link(label.strip(), uri("glossary", terms[_term_key(name)]), ("npae-term",)))
        return made

    def term_en(match):
        parts = match.group(2).strip().split(" / ")
        made = glossary_links(parts, parts)
        return made and [nodes.Text(match.group(1)), *made,
                         nodes.Text(match.group(0)[len(match.group(1)) + len(match.group(2)):])]

    def term_zh(match):
        english = re.split(r"[，,]", match.group(4))[0].strip()
        made = glossary_links(english.split(" / "), match.group(2).strip().split(" / "))
        return made and [nodes.Text(match.group(1)), *made, nodes.Text("".join(match.group(3, 4, 5)))]

    if docname.startswith("lessons/"):
        for paragraph in list(doctree.findall(nodes.paragraph)):
            if not paragraph.astext().lstrip().startswith(KEY_TERMS):
                continue
            for text in list(paragraph.findall(nodes.Text)):
                if not isinstance(text.parent, nodes.strong):
                    _split_text(text, _KEY_TERM_EN, term_en)
            for text in list(paragraph.findall(nodes.Text)):
                if not isinstance(text.parent, (nodes.strong, nodes.reference)):
                    _split_text(text, _KEY_TERM_ZH, term_zh)

    # an exercise named in code
    for literal in list(doctree.findall(nodes.literal)):
        if isinstance(literal.parent, nodes.reference) or _skipped(literal):
            continue
        words = [w for w in literal.astext().split() if not w.startswith("--")]     # "start NAME --derive"
        name = words[-1] if words and (len(words) == 1 or words[:3] == ["python", "-m", "npae.exercises"]) else None
        if name in exercises and docname != "exercises":
            reference = _link("", uri("exercises", f"exercise-{name}"), ("npae-exercise",))
            literal.parent.replace(literal, reference)
            reference.append(literal)

    if docname == "glossary":
        for row in doctree.findall(nodes.row):
            cell = row.children[0] if row.children else None
            key = _term_key(cell.astext().strip()) if cell is not None else ""
            if key in terms and not isinstance(row.parent, nodes.thead):
                cell["ids"].append(terms[key])
    if docname == "exercises":
        for table in doctree.findall(nodes.table):
            header = [entry.astext().strip().lower() for entry in next(table.findall(nodes.thead)).findall(nodes.entry)] \
                if list(table.findall(nodes.thead)) else []
            column = next((header.index(name) for name in ("lesson", "课程", "课") if name in header), None)
            for row in table.findall(nodes.row):
                if isinstance(row.parent, nodes.thead):
                    continue
                name = row.children[0].astext().strip()
                if name in exercises:
                    row.children[0]["ids"].append(f"exercise-{name}")
                if column is not None:
                    for text in list(row.children[column].findall(nodes.Text)):
                        _split_text(text, NUMBER, lambda m: [_link(m.group(0), uri(lessons[m.group(0)]))]
                                    if m.group(0) in lessons else None)


# ---------------------------------------------------------------- the Chinese edition: what is a message
def _prose(node):
    """The text of ``node`` outside its code and mathematics."""
    from docutils import nodes

    skip = (nodes.literal, nodes.math, nodes.math_block, nodes.literal_block, nodes.raw)
    return "".join(text.astext() for text in node.findall(nodes.Text)
                   if not any(isinstance(parent, skip) for parent in _ancestors(text, node)))


def _ancestors(node, top):
    parent = node.parent
    while parent is not None and parent is not top.parent:
        yield parent
        parent = parent.parent


def _mark_untranslatable(document, docname):
    """Mark what the translators never translate, so that it is neither a message of the catalogues nor
    looked up in them: displayed mathematics, any text with no prose (code, mathematics, numbers), the line
    the build adds under a lesson's key terms (written in the edition's language: :func:`lesson_header`), the
    docstrings of the API page (the API reference stays English, as the code), and every column of the
    glossary but the last (the terms, in English and in Chinese, and their sources; the last column, their
    meaning, is translated)."""
    from docutils import nodes
    from sphinx import addnodes

    for node in document.findall(nodes.TextElement):
        if ":docstring of " in (node.source or "") \
                or any(isinstance(parent, addnodes.desc) for parent in _ancestors(node, document)):
            node["translatable"] = False        # the Python domain marks some inline nodes translatable
        elif isinstance(node, nodes.Inline) or "translatable" in node:
            continue
        elif isinstance(node, nodes.math_block) or not re.search(r"[^\W\d_]", _prose(node)) \
                or (isinstance(node, nodes.paragraph) and any(node.findall(addnodes.download_reference))):
            node["translatable"] = False
    if docname == "glossary":
        for row in document.findall(nodes.row):
            if not isinstance(row.parent, nodes.thead):
                for entry in row.children[:-1]:
                    for node in entry.findall(nodes.TextElement):
                        node["translatable"] = False


def _other_edition(app, pagename, templatename, context, doctree):
    """Sphinx ``html-page-context`` handler: ``npae_editions`` for the language switch of
    ``docs/book/templates/sidebar/npae-language.html`` (the same page in each edition, as a relative link) and
    ``<link rel="alternate" hreflang>`` in the page's head."""
    language = app.config.language if app.config.language in FOLDERS else "en"
    target = app.builder.get_target_uri(pagename)
    up = "../" * (pagename.count("/") + bool(FOLDERS[language]))
    editions = []
    for other in LANGUAGES:
        href = f"{up}{FOLDERS[other] + '/' if FOLDERS[other] else ''}{target}"
        editions.append({"name": WORDS[other]["name"], "lang": WORDS[other]["lang"], "href": href,
                         "current": other == language})
        if other != language:
            context["metatags"] = context.get("metatags", "") + \
                f'\n    <link rel="alternate" hreflang="{WORDS[other]["lang"]}" href="{href}" />'
    context["npae_editions"] = editions


def _configure(app, config):
    """Sphinx ``config-inited`` handler: the site's title in the edition's language; for the Chinese edition, the
    glossary's Chinese terms as a dictionary of words for jieba, which cuts the text into words for the search
    index (so that 自编码器 is one word of it, not only 编码器)."""
    if config.language in WORDS:
        config.html_title = WORDS[config.language]["title"]
    if config.language == "zh_CN":
        words = set()
        for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("| ") and len(cells) >= 2:
                words.update(w for w in cells[1].split() if re.search(r"[\u4e00-\u9fff]", w))
        path = Path(app.doctreedir) / "search-words.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{w}\n" for w in sorted(words)), encoding="utf-8")
        config.html_search_options = {**(config.html_search_options or {}), "dict": str(path)}


def setup(app):
    """Sphinx extension (``docs/book/conf.py`` loads it): :func:`add_links` on every page, what is not a message
    of the translation catalogues marked so, and the language switch's links.

    Returns
    -------
    dict
        Sphinx's extension metadata (safe for parallel reading and writing).
    """
    from sphinx.transforms import SphinxTransform

    class Untranslatable(SphinxTransform):
        default_priority = 10               # before sphinx.transforms.i18n.Locale (20) applies the catalogues

        def apply(self, **kwargs):
            _mark_untranslatable(self.document, self.env.docname)

    app.add_transform(Untranslatable)
    app.connect("config-inited", _configure)
    app.connect("doctree-resolved", add_links)
    app.connect("html-page-context", _other_edition)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _check_full_mode_data(titles):
    """Refuse a full build, in one line, when a lesson's full mode needs a data set that is missing."""
    from npae.course import NEEDS, declared_needs, missing_data

    wanting = {}
    for stem, _ in titles:
        for name in missing_data(declared_needs(ROOT / "lessons" / f"{stem}.py")):
            wanting.setdefault(name, []).append(stem[:2])
    if wanting:
        raise FileNotFoundError("; ".join(
            f"full mode needs {NEEDS[name][0]} for lesson{'s' * (len(numbers) > 1)} {', '.join(numbers)}: "
            f"{NEEDS[name][1]}"
            for name, numbers in wanting.items()) + " (or build in quick mode, without --full)")


def _sources_digest():
    """A short digest of npae's Python sources: the executed pages depend on them as on the lessons (not on this
    module, which builds the pages and which no lesson imports)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in (ROOT / "npae").rglob("*.py") if p != Path(__file__).resolve()):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _copy_mathjax(static):
    """MathJax 3 (its es5 folder: the combined TeX/CommonHTML file, its components and its woff fonts) into
    ``<static>/mathjax``, once, from the django-static-mathjax package (a folder of MathJax's own files)."""
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    folders = list(spec.submodule_search_locations or []) if spec else []
    source = next((Path(f) / "static" / "mathjax" for f in folders
                   if (Path(f) / "static" / "mathjax" / "es5" / "tex-chtml-full.js").exists()), None)
    if source is None:
        raise FileNotFoundError("MathJax 3 not found: the site serves it from the django-static-mathjax package "
                                "(pip install -e '.[book]')")
    if not (static / "mathjax" / "tex-chtml-full.js").exists():
        shutil.rmtree(static / "mathjax", ignore_errors=True)
        shutil.copytree(source / "es5", static / "mathjax")
        shutil.copy(source / "LICENSE", static / "mathjax" / "LICENSE")


def _quiet_kernel(out):
    """A Jupyter data folder whose ``python3`` kernel logs errors only; returned for ``JUPYTER_PATH``.

    The kernels myst-nb starts talk to it over TCP on 127.0.0.1 (myst-nb has no setting for jupyter-client's
    IPC transport), and ipykernel warns about that at every start ("Kernel is running over TCP without
    encryption"), once per lesson in the build's output: harmless on one's own machine, and silenced here
    with the kernel's own log level. (The test suite runs its kernels over IPC, which needs no warning.)
    """
    folder = out / "jupyter"
    spec = folder / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(json.dumps({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                                         "--IPKernelApp.log_level=ERROR"],
                                "display_name": "Python 3 (ipykernel)", "language": "python",
                                "metadata": {"debugger": True}}, indent=1), encoding="utf-8")
    return folder


def _stage(src, titles, edition):
    """The Sphinx source folder of one edition (``"en"``, ``"zh_CN"``, or ``"gettext"`` for the catalogues):
    symbolic links to the lessons and pages, the generated landing and API pages, and each lesson as a notebook
    (its download)."""
    import jupytext

    shutil.rmtree(src, ignore_errors=True)
    (src / "lessons").mkdir(parents=True)
    for stem, _ in titles:
        (src / "lessons" / f"{stem}.py").symlink_to(ROOT / "lessons" / f"{stem}.py")
    for page in ("exercises.md",):
        (src / page).symlink_to(ROOT / "docs" / "book" / page)
    (src / "glossary.md").symlink_to(ROOT / "docs" / "glossary.md")
    (src / "index.md").write_text(_index_page(titles, read_toc(), edition), encoding="utf-8")
    (src / "api.md").write_text(_api_page(_public_modules()), encoding="utf-8")
    for stem, _ in titles:                      # each page's download: the lesson as a notebook, made here
        jupytext.write(jupytext.read(ROOT / "lessons" / f"{stem}.py", fmt="py:percent"),
                       src / "lessons" / f"{stem}.ipynb", fmt="ipynb")


def _stage_locale(folder):
    """``<folder>/<language>/LC_MESSAGES/**.po``: symbolic links to the catalogues of ``docs/book/locale``, so
    that the ``.mo`` files Sphinx compiles from them (when a ``.po`` is newer) go to the build, not the sources."""
    wanted = {po.relative_to(LOCALE) for po in LOCALE.glob("*/LC_MESSAGES/**/*.po")}
    for path in list(folder.rglob("*")) if folder.exists() else []:
        if path.suffix in (".po", ".mo") and path.with_suffix(".po").relative_to(folder) not in wanted:
            path.unlink()
    for relative in wanted:
        link = folder / relative
        if not link.is_symlink():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(LOCALE / relative)


def _sphinx(builder, src, target, doctrees, env, verbose, cwd):
    """Run sphinx-build (warnings are errors); RuntimeError with the end of its output if it fails."""
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", builder, "-c",
               str(ROOT / "docs" / "book"), str(src), str(target), "-d", str(doctrees)]
    run = subprocess.run(command, env=env, cwd=cwd, capture_output=not verbose, text=True)
    if run.returncode != 0:
        detail = "" if verbose else (run.stdout[-4000:] + run.stderr[-4000:])
        raise RuntimeError(f"sphinx-build -b {builder} failed (exit {run.returncode}); see its output above{detail}")


def _check_languages(languages):
    languages = check_sequence("languages", languages, "edition languages")
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown or not languages:
        raise ValueError(f"languages must name editions among {', '.join(LANGUAGES)}, got {list(languages)!r}")
    return [lang for lang in LANGUAGES if lang in languages]        # English first, as the sources


def build(full=False, out=None, only=None, verbose=True, languages=LANGUAGES):
    """Build the site, each edition in turn, and return the path of the first one's index page.

    Parameters
    ----------
    full : bool
        Execute the lessons in full mode (minutes each) instead of quick mode.
    out : path, optional
        Output folder (default ``_build/book`` in the repository); the English edition goes to ``<out>/html``,
        the Chinese one to ``<out>/html/zh_CN``.
    only : list of str, optional
        Lesson numbers or stems to include (default: all); for a quick look at one page.
    verbose : bool
        Print Sphinx's output.
    languages : sequence of str
        The editions to build: ``"en"`` and/or ``"zh_CN"`` (default both, English first). They share one
        execution cache, so an edition built after the other executes nothing: its pages show the same outputs.

    Returns
    -------
    pathlib.Path
        ``<out>/html/index.html`` (``<out>/html/zh_CN/index.html`` if only the Chinese edition is built).

    Raises
    ------
    FileNotFoundError
        If the repository's ``lessons/`` or ``docs/`` is missing (npae installed without its sources).
    RuntimeError
        If Sphinx fails (any warning, any lesson that raises) or a built page shows a traceback.
    ValueError
        If ``only`` matches no lesson or ``languages`` names no known edition.
    """
    for needed in ("lessons", "docs/book", "docs/glossary.md"):
        if not (ROOT / needed).exists():
            raise FileNotFoundError(f"{ROOT / needed} not found: build the book from a clone of the repository "
                                    "(pip install -e '.[book]')")
    languages = _check_languages(languages)
    out = Path(out or ROOT / "_build" / "book").resolve()
    mode = "full" if full else "quick"
    titles = lesson_titles(only=only)
    if not titles:
        raise ValueError(f"no lesson matches {only!r}")
    if full:
        _check_full_mode_data(titles)
    src, html, static = out / "src", out / "html", out / "static"
    _copy_mathjax(static)
    jupyter = _quiet_kernel(out)
    _stage_locale(out / "locale")

    # The kernels run each lesson in a scratch folder (conf.py: nb_execution_in_temp) with NPAE_FIGURES relative
    # to it, so that a page prints "figures/03_filters.png" and no folder of this machine.
    # jupyter-cache reruns a lesson when its code changes (its hash is of the code cells alone, so both editions
    # share it), and Sphinx rereads a page when its file or catalogue changes; the outputs also depend on npae's
    # code, so the cache and the doctrees are kept per version of npae's sources (older ones removed).
    version = f"{mode}-{_sources_digest()}"
    cache = out / f"cache-{version}"
    current = {cache, *(out / f"doctrees-{version}-{lang}" for lang in LANGUAGES)}
    for old in [*out.glob(f"cache-{mode}*"), *out.glob(f"doctrees-{mode}*")]:
        if old not in current:
            shutil.rmtree(old, ignore_errors=True)
    env = {**os.environ, "NPAE_BOOK_CACHE": str(cache), "NPAE_BOOK_STATIC": str(static),
           "NPAE_BOOK_LOCALE": str(out / "locale"), "NPAE_FIGURES": "figures", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           "JUPYTER_PATH": os.pathsep.join(filter(None, [str(jupyter), os.environ.get("JUPYTER_PATH")]))}
    for name in ("MPLBACKEND", "NPAE_BOOK_EXECUTION"):
        env.pop(name, None)
    if full:
        env.pop("NPAE_QUICK", None)
    else:
        env["NPAE_QUICK"] = "1"
    index = None
    for language in languages:
        site = html / FOLDERS[language]
        nested = {html / folder for folder in FOLDERS.values() if folder} - {site}
        for path in list(site.iterdir()) if site.exists() else []:  # a fresh site, the other editions kept
            if path not in nested:
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        _stage(src, titles, language)
        start = time.perf_counter()
        _sphinx("html", src, site, out / f"doctrees-{version}-{language}", {**env, "NPAE_BOOK_LANGUAGE": language},
                verbose, out)
        pages = [p for p in site.rglob("*.html") if not any(p.is_relative_to(n) for n in nested)]
        broken = [p.relative_to(html) for p in pages
                  if "Traceback (most recent call last)" in p.read_text(encoding="utf-8")]
        if broken:
            raise RuntimeError(f"these pages show a traceback: {', '.join(map(str, broken))}")
        print(f"built {len(pages)} pages of the {language} edition ({len(titles)} lessons, {mode} mode) "
              f"in {time.perf_counter() - start:.0f} s")
        print(f"open {site / 'index.html'}")
        index = index or site / "index.html"
    return index


def _pages(names, only):
    """The catalogue names (``"index"``, ``"lessons/NN_name"``) that ``only`` selects."""
    if not only:
        return sorted(names)
    return sorted(n for n in names if any(n == o or Path(n).name.startswith(o) for o in only))


def extract_messages(out=None, only=None, verbose=False):
    """The English site's messages: ``sphinx-build -b gettext``, one ``.pot`` per page, nothing executed.

    Parameters
    ----------
    out : path, optional
        Build folder (default ``_build/book``); the catalogue templates go to ``<out>/gettext``.
    only : list of str, optional
        Lesson numbers or stems to include (default: all); the other pages are always included.
    verbose : bool
        Print Sphinx's output.

    Returns
    -------
    pathlib.Path
        ``<out>/gettext``, holding ``index.pot``, ``glossary.pot``, ``lessons/NN_name.pot``...

    Raises
    ------
    RuntimeError
        If Sphinx fails (any warning).
    """
    out = Path(out or ROOT / "_build" / "book").resolve()
    titles = lesson_titles(only=only)
    src, pot = out / "src-gettext", out / "gettext"
    shutil.rmtree(pot, ignore_errors=True)
    _stage(src, titles, "gettext")
    env = {**os.environ, "NPAE_BOOK_EXECUTION": "off", "NPAE_BOOK_LANGUAGE": "en",
           "NPAE_BOOK_STATIC": str(out / "static")}
    (out / "static").mkdir(parents=True, exist_ok=True)
    _sphinx("gettext", src, pot, out / "doctrees-gettext", env, verbose, out)
    return pot


def catalogue_status(language="zh_CN", only=None):
    """How much of each catalogue of ``docs/book/locale/<language>/LC_MESSAGES`` is translated.

    Parameters
    ----------
    language : str
    only : list of str, optional
        Page names or lesson numbers to report (default: every catalogue).

    Returns
    -------
    dict of str -> dict
        ``{"lessons/NN_name": {"messages": 52, "translated": 52, "fuzzy": 0,
        "untranslated": 0}, ...}`` (a fuzzy message has a translation of an older English text: it is not used).
    """
    from babel.messages.pofile import read_po

    folder = LOCALE / language / "LC_MESSAGES"
    names = {po.relative_to(folder).with_suffix("").as_posix(): po for po in folder.rglob("*.po")}
    status = {}
    for name in _pages(names, only):
        with open(names[name], "rb") as f:
            messages = [m for m in read_po(f) if m.id]
        fuzzy = sum(bool(m.fuzzy) for m in messages)
        translated = sum(bool(m.string) and not m.fuzzy for m in messages)
        status[name] = {"messages": len(messages), "translated": translated, "fuzzy": fuzzy,
                        "untranslated": len(messages) - translated - fuzzy}
    return status


def update_catalogues(languages=("zh_CN",), only=None, out=None, verbose=False):
    """Bring the translators' catalogues up to date with the English pages, and print what is left to translate.

    Runs :func:`extract_messages`, then sphinx-intl's update of ``docs/book/locale/<language>/LC_MESSAGES/``
    (Babel's catalogue merge): a new page gets its ``.po``; a paragraph whose English changed a little keeps its
    old translation, marked fuzzy, with the old English beside it (``#| msgid``); one that changed more becomes a
    new, untranslated message and the old one an obsolete ``#~`` entry; a ``.po`` whose messages did not change
    is not rewritten.

    Parameters
    ----------
    languages : sequence of str
        The translated editions (default ``("zh_CN",)``).
    only : list of str, optional
        The pages whose catalogues to update: lesson numbers or stems, ``index``, ``glossary``, ``exercises``,
        ``api`` (default: all). A translator updates the page they translate and leaves the others alone.
    out : path, optional
        Build folder for the ``.pot`` files (default ``_build/book``).
    verbose : bool
        Print Sphinx's output.

    Returns
    -------
    dict of str -> dict
        :func:`catalogue_status` of the updated pages, per language.
    """
    from sphinx_intl import catalog as po_files

    languages = [lang for lang in _check_languages(languages) if lang != "en"]
    lessons = [o for o in only or [] if re.match(r"\d\d", o)]
    pot = extract_messages(out, only=lessons or None, verbose=verbose)
    names = {p.relative_to(pot).with_suffix("").as_posix() for p in pot.rglob("*.pot")}
    pages = _pages(names, only)
    if not pages:
        raise ValueError(f"no page matches {only!r}; the pages are {', '.join(sorted(names))}")
    report = {}
    for language in languages:
        for name in pages:
            po = LOCALE / language / "LC_MESSAGES" / f"{name}.po"
            template = po_files.load_po(pot / f"{name}.pot")
            if po.exists():
                catalogue = po_files.load_po(po)
                before = {m.id for m in catalogue if m.id}
                po_files.update_with_fuzzy(catalogue, template)
                after = {m.id for m in catalogue if m.id}
                if after == before:
                    continue
                print(f"updated {po.relative_to(ROOT)}: {len(after - before)} new or changed message(s), "
                      f"{len(before - after)} gone")
            else:
                catalogue, catalogue.locale = template, language
                print(f"created {po.relative_to(ROOT)}")
            po_files.dump_po(str(po), catalogue, width=-1, include_previous=True)
        report[language] = catalogue_status(language, pages)
        width = max(map(len, report[language]))
        print(f"{language}: page{' ' * (width - 4)}  translated  fuzzy  untranslated")
        for name, row in report[language].items():
            print(f"{language}: {name:<{width}}  {row['translated']:>4} / {row['messages']:<4} {row['fuzzy']:>5}"
                  f"  {row['untranslated']:>12}")
    return report


def main(argv=None):
    """``python -m npae.book build [--full] [--out DIR] [--only NN ...] [--language en zh_CN] [--quiet]``, or
    ``python -m npae.book update-po [--only PAGE ...]``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m npae.book", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the site into _build/book/html (Chinese: html/zh_CN) and print its "
                                     "index pages")
    b.add_argument("--full", action="store_true", help="execute the lessons in full mode (for publishing)")
    b.add_argument("--out", type=Path, default=None, help="output folder (default: _build/book)")
    b.add_argument("--only", nargs="+", default=None, help="lesson numbers or stems to include")
    b.add_argument("--language", nargs="+", default=list(LANGUAGES), choices=LANGUAGES,
                   help="the editions to build (default: both, English first; the second reuses the first's "
                        "executions)")
    b.add_argument("--quiet", action="store_true", help="print Sphinx's output only if it fails")
    u = sub.add_parser("update-po", help="update the translation catalogues (docs/book/locale/zh_CN/LC_MESSAGES/"
                                         "*.po) from the English pages and print what is left to translate")
    u.add_argument("--only", nargs="+", default=None,
                   help="the pages to update: lesson numbers or stems, index, glossary, exercises, api (default: all)")
    u.add_argument("--out", type=Path, default=None, help="build folder for the .pot files (default: _build/book)")
    u.add_argument("--verbose", action="store_true", help="print Sphinx's output")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            build(full=args.full, out=args.out, only=args.only, verbose=not args.quiet, languages=args.language)
        else:
            update_catalogues(only=args.only, out=args.out, verbose=args.verbose)
    except (RuntimeError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
