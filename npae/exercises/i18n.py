"""The exercises' languages: one gettext catalogue (domain ``npae-exercises``), English as the source.

Every sentence a student meets in an exercise — the grader's report (:mod:`npae.exercises.messages`), the
catalogue of mistakes, the titles and problem labels, the command line's help, the statement of each stub —
is an English message; ``locale/<LANG>/LC_MESSAGES/npae-exercises.mo`` translates them. The language is, in
this order: the one a caller asks for (``--lang zh``, ``check(..., lang="zh")``, :func:`language`), else the
environment as gettext reads it (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English.

The catalogue is kept with Babel (``python -m npae.exercises update-catalogue``): ``locale/npae-exercises.pot``
is extracted by Babel from the sources (``_``, ``N_``, ``plural`` calls; the stubs' prose by :func:`extract_stub`),
``locale/zh_CN/LC_MESSAGES/npae-exercises.po`` is updated from it and compiled to the ``.mo`` that ships
with the package (``tests/test_exercises_zh.py`` checks that it is exactly what the ``.po`` compiles to).
"""

import ast
import gettext
import io
import os
import re
import tokenize
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "npae-exercises"
LOCALE_DIR = Path(__file__).parent / "locale"
#: Short names a student may type, for the catalogues' locale names.
ALIASES = {"zh": "zh_CN", "zh-cn": "zh_CN", "zh_cn": "zh_CN", "zh-hans": "zh_CN", "zh_hans": "zh_CN"}

_forced = None          # the NullTranslations/GNUTranslations a caller asked for, or None: the environment's


def available():
    """The languages there is a catalogue for, English first: ``["en", "zh_CN"]``."""
    found = sorted(p.parents[1].name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return ["en"] + found


def normalise(lang):
    """The catalogue name of ``lang`` ("zh", "zh-CN", "zh_CN.UTF-8" -> "zh_CN"; "en", "C" -> "en").

    Raises
    ------
    TypeError
        If ``lang`` is not a string.
    ValueError
        If there is no catalogue for ``lang`` (the message lists the available languages).
    """
    if not isinstance(lang, str):
        raise TypeError(f"lang must be a string such as 'zh' or 'en', got {type(lang).__name__}")
    key = lang.strip().split(".")[0].replace("-", "_")
    languages = available()
    if key.lower() in ("en", "c", "posix") or key.lower().startswith("en_"):
        return "en"
    key = ALIASES.get(key.lower(), key)
    for name in languages:
        if name.lower() == key.lower():
            return name
    raise ValueError(f"lang: no exercise messages in {lang!r}; available: "
                     + ", ".join(f"{name} ({_SHORT.get(name, name)})" for name in languages))


_SHORT = {"en": "English", "zh_CN": "zh, 简体中文"}


def translation(lang=None):
    """The gettext translation object of ``lang`` (None: the one in force, see :func:`current`)."""
    if lang is None:
        return current()
    name = normalise(lang)
    if name == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[name])


#: The variable through which :func:`language` passes its language to the process that runs a student's code.
ENVIRONMENT = "NPAE_EXERCISES_LANG"


def translations(text):
    """``text`` and its translation in every catalogue (a set)."""
    return {translation(lang).gettext(text) for lang in available()}


def current():
    """The translation in force: the language a caller set, else the environment's (gettext's own rules)."""
    if _forced is not None:
        return _forced
    if os.environ.get(ENVIRONMENT):
        return translation(os.environ[ENVIRONMENT])
    return gettext.translation(DOMAIN, LOCALE_DIR, fallback=True)


def language(lang):
    """A context manager: within its block, every exercise message is in ``lang`` (None: leave the language
    as it is).

    Raises
    ------
    TypeError, ValueError
        At once (not on entering the block) if ``lang`` is not a string or has no catalogue (:func:`normalise`).
    """
    if lang is not None:
        normalise(lang)
    return _language(lang)


@contextmanager
def _language(lang):
    global _forced
    if lang is None:
        yield
        return
    previous, previous_environment = _forced, os.environ.get(ENVIRONMENT)
    _forced = translation(lang)
    os.environ[ENVIRONMENT] = normalise(lang)
    try:
        yield
    finally:
        _forced = previous
        if previous_environment is None:
            os.environ.pop(ENVIRONMENT, None)
        else:
            os.environ[ENVIRONMENT] = previous_environment


def gettext_(text):
    """``text`` in the language in force."""
    return current().gettext(text)


def ngettext_(one, many, n):
    """``one`` or ``many`` for ``n``, by the plural rule of the language in force."""
    return current().ngettext(one, many, n)


# -------------------------------------------------------------------------------------- the stubs' prose
# A stub's statement is its docstrings and its comments. Each docstring paragraph (text between blank lines)
# is one message, a numpydoc heading ("Parameters") one of its own, and so is the text of each whole-line
# comment and of each `raise NotImplementedError("YOUR CODE HERE: ...")`; code and the literal blocks that
# hold only equations are copied unchanged.

def N_(text):
    """Marks ``text`` as a message (for extraction) without translating it here."""
    return text


#: The stubs' comment markers, translated as words of their own.
MARKERS = {"HINT": N_("HINT"), "DERIVE": N_("DERIVE")}
YOUR_CODE = "YOUR CODE HERE: "
_YOUR_CODE_MESSAGE = N_("YOUR CODE HERE: {hint}")
_RAISE = "raise NotImplementedError("
_COMMENT = re.compile(r"#(:?)\s*(?:(HINT|DERIVE):\s*)?(.*)")
_QUOTES = ('"' * 3, "'" * 3)


# A literal block (the equations) is a message only when it has prose in it (two words in a row, such as
# "squared error" beside an equation, or a label such as "tied:"): its translation keeps every equation
# and translates those words.
_ANNOTATED = re.compile(r"\b[a-z]{2,} [a-z]{2,}\b|\b[a-z]{3,}(-[a-z]+)?: ")


def _docstring_nodes(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                yield first.value


def _indent(line):
    return len(line) - len(line.lstrip())


def _is_prose(text):
    """Whether a message has words to translate (not only code, symbols or numbers)."""
    return any(c.isalpha() and c.isascii() for c in text)


def _docstring_units(lines, node):
    """The translatable paragraphs of one docstring, as dicts: ``start``, ``stop`` (line indices of the file),
    ``head`` (what precedes the text on the first line: the indentation, and the quotes on the docstring's
    first line), ``base`` (the indentation of the other lines), ``tail`` (the closing quotes when they end the
    paragraph's last line) and ``text`` (the message: the lines without their common indentation)."""
    first, last = node.lineno - 1, node.end_lineno - 1
    opening = lines[first]
    at = _indent(opening)
    quote_at = min(i for i in (opening.find(q, at) for q in _QUOTES) if i >= 0)
    quote = opening[quote_at:quote_at + 3]
    body = lines[first:last + 1]
    body[0] = body[0][quote_at + 3:]
    end = body[-1].rfind(quote)
    tail = body[-1][end:]
    body[-1] = body[-1][:end]
    base = min((_indent(line) for line in body[1:] if line.strip()), default=at)
    units, start = [], None
    for i, line in enumerate(body + [""]):
        if line.strip() and start is None:
            start = i
        elif not line.strip() and start is not None:
            para = body[start:i]
            if start and min(_indent(x) for x in para) > base and not any(_ANNOTATED.search(x) for x in para):
                start = None
                continue                         # a literal block of code or equations only: never translated
            pieces = [(start, i)]
            if len(para) >= 2 and para[0].strip().isalpha() and set(para[1].strip()) == {"-"}:
                pieces = [(start, start + 1)] + ([(start + 2, i)] if len(para) > 2 else [])   # a numpydoc heading
            for a, b in pieces:
                text = "\n".join(x if k == 0 else x[base:] for k, x in zip(range(a, b), body[a:b]))
                if _is_prose(text):
                    units.append({"start": first + a, "stop": first + b, "base": base, "text": text,
                                  "head": opening[:quote_at + 3] if a == 0 else " " * base,
                                  "tail": tail if first + b - 1 == last and body[-1].strip() else ""})
            start = None
    return units


def _comment_units(source):
    """Whole-line comments: dicts with ``line`` (index), ``column``, ``colon`` ("#:" comments), ``marker``
    (HINT, DERIVE or None) and ``text``."""
    units = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and not token.line[:token.start[1]].strip():
            colon, marker, text = _COMMENT.fullmatch(token.string.rstrip()).groups()
            if _is_prose(text) and not re.fullmatch(r"(BEGIN|END) (SOLUTION|DERIVE)", text):
                units.append({"line": token.start[0] - 1, "column": token.start[1], "colon": colon,
                              "marker": marker, "text": text})
    return units


def _raise_units(lines):
    """The `raise NotImplementedError("YOUR CODE HERE: ...")` lines: (index, the hint)."""
    units = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(_RAISE) and stripped.endswith(")"):
            said = ast.literal_eval(stripped[len(_RAISE):-1])
            if said.startswith(YOUR_CODE):
                units.append((i, said[len(YOUR_CODE):]))
    return units


HEADER_LINES = 2            # the generated header comment (npae.exercises.stubgen.HEADER)


def stub_messages(source):
    """Every message of a stub's statement (but its header, a message of stubgen): list of (line number, text)."""
    lines = source.splitlines()
    out = []
    for node in _docstring_nodes(ast.parse(source)):
        out += [(u["start"] + 1, u["text"]) for u in _docstring_units(lines, node)]
    out += [(u["line"] + 1, u["text"]) for u in _comment_units(source) if u["line"] >= HEADER_LINES]
    out += [(i + 1, hint) for i, hint in _raise_units(lines)]
    return sorted(out)


def translate_stub(source, name, level, lang=None):
    """The stub ``source`` of exercise ``name`` at ``level`` with its statement in ``lang`` (None: the language
    in force): code, identifiers and the docstrings' literal blocks unchanged."""
    from npae.exercises.stubgen import HEADER, header_fields
    with language(lang):
        t = current()
        if not isinstance(t, gettext.GNUTranslations):
            return source
        lines = source.splitlines()
        replace = {0: (HEADER_LINES, t.gettext(HEADER).format(**header_fields(name, level)).splitlines())}
        for node in _docstring_nodes(ast.parse(source)):
            for u in _docstring_units(lines, node):
                new = t.gettext(u["text"]).split("\n")
                new = [u["head"] + new[0]] + [" " * u["base"] + x if x else x for x in new[1:]]
                new[-1] += u["tail"]
                replace[u["start"]] = (u["stop"], new)
        for u in _comment_units(source):
            if u["line"] >= HEADER_LINES:
                marker = t.gettext(MARKERS[u["marker"]]) + ": " if u["marker"] else ""
                replace[u["line"]] = (u["line"] + 1, [" " * u["column"] + "#" + u["colon"] + " " + marker
                                                      + t.gettext(u["text"])])
        for i, hint in _raise_units(lines):
            said = t.gettext(_YOUR_CODE_MESSAGE).format(hint=t.gettext(hint))
            replace[i] = (i + 1, [lines[i][:_indent(lines[i])] + _RAISE + repr(said) + ")"])
    out, i = [], 0
    while i < len(lines):
        stop, new = replace.get(i, (i + 1, [lines[i]]))
        out += new
        i = stop
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


def extract_stub(fileobj, keywords, comment_tags, options):
    """Babel's extraction method for the stubs (``babel.cfg``): yields (line, funcname, message, comments)."""
    for line, text in stub_messages(fileobj.read().decode("utf-8")):
        yield line, None, text, []
