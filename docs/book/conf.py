"""Sphinx configuration of the npae course site (built by ``python -m npae.book build``).

The pages are the lessons themselves: myst-nb reads each ``lessons/NN_*.py`` (jupytext percent format),
executes it at build time and shows its printed results and figures. Mathematics is typeset by MathJax
served from this site (copied from the ``django-static-mathjax`` package), never from a CDN, so the
site works offline. ``npae.book`` stages the sources (symbolic links to the lessons, no copies) and
sets the execution mode; this file only configures Sphinx.
"""

import os
from pathlib import Path

project = "npae — NumPy AutoEncoders"
author = "the npae developers"
copyright = "the npae developers, MIT licence"
language = "en"

extensions = [
    "myst_nb",                 # notebooks (and jupytext .py files) as pages, executed at build time
    "sphinx.ext.autodoc",      # the API reference from the docstrings
    "sphinx.ext.napoleon",     # numpydoc-style sections (Parameters, Returns, Raises)
    "sphinx.ext.mathjax",
    "npae.book",               # links in the pages: lessons cited, glossary terms, exercises (npae.book.add_links)
]

# Lessons are jupytext percent-format scripts: myst-nb converts them with jupytext.
nb_custom_formats = {".py": ["npae.book.read_lesson", {}]}      # jupytext, the docstring cell hidden
source_suffix = {".md": "myst-nb", ".py": "myst-nb"}
myst_enable_extensions = ["dollarmath", "amsmath"]

# Execution: "cache" keeps each lesson's executed outputs in a jupyter-cache database keyed by the
# lesson's code, so a rebuild reruns only the lessons that changed. The mode (quick or full) is passed
# to the kernel through the environment (NPAE_QUICK), and each mode has its own cache.
nb_execution_mode = os.environ.get("NPAE_BOOK_EXECUTION", "cache")
nb_execution_cache_path = os.environ.get("NPAE_BOOK_CACHE", "_build/book/cache")
nb_execution_timeout = int(os.environ.get("NPAE_BOOK_TIMEOUT", "1200"))
nb_execution_raise_on_error = True      # a lesson that raises fails the build
nb_execution_show_tb = True
nb_execution_in_temp = True             # lessons run in a scratch folder; NPAE_FIGURES=figures, relative to it
nb_merge_streams = True
# A lesson speaks through print() and lesson.show(); the value a cell's last line happens to return (the
# number lesson.expect has just printed, say) is not shown a second time: plain-text reprs are not rendered.
nb_mime_priority_overrides = [("html", "text/plain", None)]
nb_kernel_rgx_aliases = {".*": "python3"}

# MathJax 3 (TeX input, CommonHTML output, MathJax's own TeX fonts) from this site's own _static folder:
# npae.book copies it there from the django-static-mathjax package (MathJax 3.2.2's files, fonts included),
# so that no page loads anything from another site. The "full" file holds every TeX extension, so nothing
# is fetched later. myst-parser adds the classes of the elements to typeset (options.processHtmlClass).
mathjax_path = "mathjax/tex-chtml-full.js"
mathjax3_config = {
    "tex": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]], "processEscapes": True},
}
html_favicon = "favicon.svg"
# The build's static folder (MathJax, copied by npae.book) and docs/book/static (the site's own CSS).
html_static_path = [str(Path(os.environ.get("NPAE_BOOK_STATIC", "_static"))), str(Path(__file__).parent / "static")]
html_css_files = ["npae.css"]

html_theme = "furo"
html_title = "npae: autoencoders by hand · 自编码器"
html_show_sourcelink = False

autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autodoc_member_order = "bysource"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_param = False      # parameter types stay text: "(n_samples, n_visible)" is a shape, not a name to link
napoleon_use_rtype = False

# lessons/NN_*.ipynb: each lesson as a notebook, written beside its page by npae.book for its download link
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "conf.py", "**/*.ipynb"]
# "ref.python": a numpydoc type such as "(n_samples, n_visible)" is a shape, not a reference; Sphinx would
# otherwise try to link each word of it to an attribute of that name.
# "mystnb.mime_priority": an echoed value has only text/plain, which nb_mime_priority_overrides drops on purpose.
suppress_warnings = ["mystnb.unknown_mime_type", "mystnb.mime_priority", "ref.python"]
napoleon_use_ivar = True        # "Attributes" sections as fields, not second descriptions of the same attribute


def _plain_text_math(app, what, name, obj, options, lines):
    """npae's docstrings write mathematics in plain Unicode (|z|, ‖x‖², σ′): keep reStructuredText from
    reading |z| as a substitution reference."""
    for i, line in enumerate(lines):
        lines[i] = line.replace("|", r"\|")


def setup(app):
    app.connect("autodoc-process-docstring", _plain_text_math)
