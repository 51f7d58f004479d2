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
jupyter-cache, so unchanged lessons are not rerun), the furo theme, and MathJax 2 served from the site
itself (its files come from the ``jupyter-server-mathjax`` package), so no page loads anything from a
CDN. The build fails on any Sphinx warning (``-W``) and on any lesson that raises; it also fails if a
built page shows a traceback, which some execution errors leave behind with a zero exit status.
"""

import argparse
import csv
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
    return notebook


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
    return names


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

    import jupyter_server_mathjax

    mathjax = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (static / "mathjax" / "MathJax.js").exists():
        shutil.rmtree(static, ignore_errors=True)
        shutil.copytree(mathjax, static / "mathjax")

    env = {**os.environ, "NPAE_BOOK_CACHE": str(out / f"cache-{mode}"), "NPAE_BOOK_STATIC": str(static),
           "NPAE_FIGURES": str(out / f"figures-{mode}"), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    env.pop("MPLBACKEND", None)
    if full:
        env.pop("NPAE_QUICK", None)
    else:
        env["NPAE_QUICK"] = "1"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-c",
               str(ROOT / "docs" / "book"), str(src), str(html), "-d", str(out / f"doctrees-{mode}")]
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
