"""Build the course as a static website: every lesson a page, executed, with its figures inline.

::

    pip install -e ".[book]"
    python -m npae.book build            # quick mode: every lesson executed small, a few minutes
    python -m npae.book build --full     # full mode, for publishing (executions cached per lesson)

The site is written to ``_build/book/html/`` (git-ignored) and the command prints the path of its index
page. The sources are the repository's own files, never copies: the staging folder holds symbolic links
to ``lessons/NN_*.py`` (jupytext percent format, read and executed by myst-nb), ``docs/glossary.md`` and
the pages under ``docs/book/``; this module only writes the landing page's table of contents (from the
lessons' own titles and ``docs/book/toc.tsv``, which gives each lesson's Chinese title and its section
of Goodfellow et al.) and the API page's list of modules.

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


def lesson_header(stem, text):
    """The line the site adds under a lesson's introduction: downloads, its exercises, the API it imports.

    Parameters
    ----------
    stem : str
        The lesson's file stem (``"03_sparse_autoencoder"``).
    text : str
        The lesson file's contents (its imports name the API pages).

    Returns
    -------
    str
        MyST markdown: ``{download}`` links to ``<stem>.ipynb`` (written beside the page by :func:`build`) and
        ``<stem>.py``, the names of its exercises (linked to the exercises page by :func:`add_links`), and
        ``{py:mod}`` links to the API page of every npae module it imports.
    """
    import ast

    lines = [f"**Download this lesson:** {{download}}`{stem}.ipynb` (a notebook) · {{download}}`{stem}.py`  "]
    exercises = [name for name, lesson in _exercises().items() if Path(lesson).stem == stem]
    if exercises:
        lines.append("**Exercises:** " + " · ".join(f"`{name}`" for name in exercises) + "  ")
    imported = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("npae"):
            imported.append(node.module)
        elif isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names if alias.name.startswith("npae")]
    api = [name for name in dict.fromkeys(sorted(imported)) if name in _public_modules()]
    if api:
        lines.append("**API used:** " + " · ".join(f"{{py:mod}}`{name}`" for name in api))
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


def _index_page(titles, toc):
    intro = (ROOT / "docs" / "book" / "index.md").read_text(encoding="utf-8")
    entries = []
    for stem, title in titles:
        info = toc.get(stem)
        if info is None:
            raise ValueError(f"docs/book/toc.tsv has no row for lessons/{stem}.py: add its Chinese title and section")
        entries.append(f"{stem[:2]} · {title} · {info['zh']} <lessons/{stem}>")
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


# "lesson 13", "lessons 20–23", "lessons 01 (the autoencoder), 02 (backprop) and 04": each number is a lesson
_ASIDE = r"(?:\s*\([^()]*\))?"
LESSON_CITATION = re.compile(rf"\b([Ll]essons?)(\s+)(\d\d\b{_ASIDE}(?:\s*(?:,|and|or|to|–|-)\s*\d\d\b{_ASIDE})*)")
NUMBER = re.compile(r"\d\d")
_NUMBER_OR_ASIDE = re.compile(r"\([^()]*\)|\b\d\d\b")

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

    - "lesson 13", "lessons 20–23": each number links to that lesson's page (on every page);
    - a lesson's ``**Key terms:**`` line: each English term links to its row of the glossary, whose first
      cells get the anchors (:func:`term_anchor`);
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
        numbers = match.group(3)
        made, last = [nodes.Text(match.group(1) + match.group(2))], 0
        for number in _NUMBER_OR_ASIDE.finditer(numbers):
            if number.group(0).startswith("("):
                continue                                # an aside: "(the autoencoder)", "(§8.3)"
            made.append(nodes.Text(numbers[last:number.start()]))
            target = lessons.get(number.group(0))
            made.append(_link(number.group(0), uri(target)) if target and target != docname
                        else nodes.Text(number.group(0)))
            last = number.end()
        made.append(nodes.Text(numbers[last:]))
        return made

    for text in list(doctree.findall(nodes.Text)):
        if not _skipped(text) and LESSON_CITATION.search(text.astext()):
            _split_text(text, LESSON_CITATION, cite)

    # the Key terms line of a lesson: "term (中文), term (中文), ..."
    if docname.startswith("lessons/"):
        for paragraph in list(doctree.findall(nodes.paragraph)):
            if not paragraph.astext().lstrip().startswith("Key terms:"):
                continue
            for text in list(paragraph.findall(nodes.Text)):
                if isinstance(text.parent, nodes.strong):
                    continue

                def term(match):
                    name = match.group(2).strip()
                    parts = [p for p in name.split(" / ")]
                    if not all(_term_key(p) in terms for p in parts):
                        return None
                    made = [nodes.Text(match.group(1))]
                    for i, part in enumerate(parts):
                        made += [nodes.Text(" / ")] * bool(i)
                        made.append(_link(part, uri("glossary", terms[_term_key(part)]),
                                          ("npae-term",)))
                    return made + [nodes.Text(match.group(0)[len(match.group(1)) + len(match.group(2)):])]

                _split_text(text, re.compile(r"(^\s*|,\s*)([^,()]+?)(\s*(?=\())"), term)

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
            column = header.index("lesson") if "lesson" in header else None
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


def setup(app):
    """Sphinx extension (``docs/book/conf.py`` loads it): :func:`add_links` on every page.

    Returns
    -------
    dict
        Sphinx's extension metadata (safe for parallel reading and writing).
    """
    app.connect("doctree-resolved", add_links)
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
    """A short digest of npae's Python sources: the executed pages depend on them as on the lessons."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "npae").rglob("*.py")):
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


def build(full=False, out=None, only=None, verbose=True):
    """Build the site and return the path of its index page.

    Parameters
    ----------
    full : bool
        Execute the lessons in full mode (minutes each) instead of quick mode.
    out : path, optional
        Output folder (default ``_build/book`` in the repository); the site goes to ``<out>/html``.
    only : list of str, optional
        Lesson numbers or stems to include (default: all); for a quick look at one page.
    verbose : bool
        Print Sphinx's output.

    Returns
    -------
    pathlib.Path
        ``<out>/html/index.html``.

    Raises
    ------
    FileNotFoundError
        If the repository's ``lessons/`` or ``docs/`` is missing (npae installed without its sources).
    RuntimeError
        If Sphinx fails (any warning, any lesson that raises) or a built page shows a traceback.
    """
    for needed in ("lessons", "docs/book", "docs/glossary.md"):
        if not (ROOT / needed).exists():
            raise FileNotFoundError(f"{ROOT / needed} not found: build the book from a clone of the repository "
                                    "(pip install -e '.[book]')")
    out = Path(out or ROOT / "_build" / "book").resolve()
    mode = "full" if full else "quick"
    if full:
        _check_full_mode_data(lesson_titles(only=only))
    src, html, static = out / "src", out / "html", out / "static"
    for folder in (src, html):
        shutil.rmtree(folder, ignore_errors=True)
    (src / "lessons").mkdir(parents=True)
    titles = lesson_titles(only=only)
    if not titles:
        raise ValueError(f"no lesson matches {only!r}")
    for stem, _ in titles:
        (src / "lessons" / f"{stem}.py").symlink_to(ROOT / "lessons" / f"{stem}.py")
    for page in ("exercises.md",):
        (src / page).symlink_to(ROOT / "docs" / "book" / page)
    (src / "glossary.md").symlink_to(ROOT / "docs" / "glossary.md")
    (src / "index.md").write_text(_index_page(titles, read_toc()), encoding="utf-8")
    (src / "api.md").write_text(_api_page(_public_modules()), encoding="utf-8")
    import jupytext

    for stem, _ in titles:                      # each page's download: the lesson as a notebook, made here
        jupytext.write(jupytext.read(ROOT / "lessons" / f"{stem}.py", fmt="py:percent"),
                       src / "lessons" / f"{stem}.ipynb", fmt="ipynb")
    _copy_mathjax(static)
    jupyter = _quiet_kernel(out)

    # The kernels run each lesson in a scratch folder (conf.py: nb_execution_in_temp) with NPAE_FIGURES relative
    # to it, so that a page prints "figures/03_filters.png" and no folder of this machine.
    # jupyter-cache reruns a lesson when its code changes, and Sphinx rereads a page when its file changes; the
    # outputs also depend on npae's code, so both are kept per version of npae's sources (older ones removed).
    version = f"{mode}-{_sources_digest()}"
    cache, doctrees = out / f"cache-{version}", out / f"doctrees-{version}"
    for old in [*out.glob(f"cache-{mode}*"), *out.glob(f"doctrees-{mode}*")]:
        if old not in (cache, doctrees):
            shutil.rmtree(old, ignore_errors=True)
    env = {**os.environ, "NPAE_BOOK_CACHE": str(cache), "NPAE_BOOK_STATIC": str(static),
           "NPAE_FIGURES": "figures", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           "JUPYTER_PATH": os.pathsep.join(filter(None, [str(jupyter), os.environ.get("JUPYTER_PATH")]))}
    env.pop("MPLBACKEND", None)
    if full:
        env.pop("NPAE_QUICK", None)
    else:
        env["NPAE_QUICK"] = "1"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-c",
               str(ROOT / "docs" / "book"), str(src), str(html), "-d", str(doctrees)]
    start = time.perf_counter()
    run = subprocess.run(command, env=env, cwd=out, capture_output=not verbose, text=True)
    if run.returncode != 0:
        detail = "" if verbose else (run.stdout[-4000:] + run.stderr[-4000:])
        raise RuntimeError(f"sphinx-build failed (exit {run.returncode}); see its output above{detail}")
    broken = [p.relative_to(html) for p in html.rglob("*.html")
              if "Traceback (most recent call last)" in p.read_text(encoding="utf-8")]
    if broken:
        raise RuntimeError(f"these pages show a traceback: {', '.join(map(str, broken))}")
    index = html / "index.html"
    pages = len(list(html.rglob("*.html")))
    print(f"built {pages} pages ({len(titles)} lessons, {mode} mode) in {time.perf_counter() - start:.0f} s")
    print(f"open {index}")
    return index


def main(argv=None):
    """``python -m npae.book build [--full] [--out DIR] [--only NN ...] [--quiet]``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m npae.book", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the site into _build/book/html and print its index page")
    b.add_argument("--full", action="store_true", help="execute the lessons in full mode (for publishing)")
    b.add_argument("--out", type=Path, default=None, help="output folder (default: _build/book)")
    b.add_argument("--only", nargs="+", default=None, help="lesson numbers or stems to include")
    b.add_argument("--quiet", action="store_true", help="print Sphinx's output only if it fails")
    args = parser.parse_args(argv)
    try:
        build(full=args.full, out=args.out, only=args.only, verbose=not args.quiet)
    except (RuntimeError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
