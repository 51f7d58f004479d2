"""The Chinese edition's message catalogues (docs/book/locale/zh_CN/LC_MESSAGES/<page>.po, one per page of the
site): complete for the pages docs/book/locale/zh_CN/complete.txt lists, up to date with the English pages, and
faithful — every translation keeps its English text's mathematics, code, link targets and lesson citations, and
spells every glossary term as docs/glossary.md does. The translators' guide is docs/book/locale/README.md."""

import collections
import csv
import functools
import re
from pathlib import Path

import pytest

from npae.book import KEY_TERMS, LOCALE, ROOT, _KEY_TERM_ZH, lesson_citations, read_toc

pytest.importorskip("babel", reason="the catalogues are read with Babel, which Sphinx installs: pip install -e .[book]")
pytest.importorskip("mdit_py_plugins", reason="the messages are parsed as MyST parses them: pip install -e .[book]")

from babel.messages.pofile import read_po  # noqa: E402
from markdown_it import MarkdownIt  # noqa: E402
from mdit_py_plugins.dollarmath import dollarmath_plugin  # noqa: E402
from mdit_py_plugins.myst_role import myst_role_plugin  # noqa: E402

LANGUAGE = "zh_CN"
FOLDER = LOCALE / LANGUAGE / "LC_MESSAGES"
CATALOGUES = {po.relative_to(FOLDER).with_suffix("").as_posix(): po for po in sorted(FOLDER.rglob("*.po"))}


def complete_pages():
    """The pages of complete.txt (``*``: every page of the site: every lesson and the four other pages)."""
    lines = [line.strip() for line in (LOCALE / LANGUAGE / "complete.txt").read_text(encoding="utf-8").splitlines()]
    pages = [line for line in lines if line and not line.startswith("#")]
    if pages == ["*"]:
        return ["index", "glossary", "exercises", "api",
                *(f"lessons/{p.stem}" for p in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py")))]
    return pages


COMPLETE = complete_pages()


def messages(page):
    """The catalogue's messages (not its header, not the obsolete ``#~`` ones)."""
    with open(CATALOGUES[page], "rb") as f:
        return [m for m in read_po(f) if m.id]


def translated(page):
    return [m for m in messages(page) if m.string and not m.fuzzy]


# ---------------------------------------------------------------- complete where required
def test_complete_txt_names_real_pages():
    assert COMPLETE, "complete.txt lists no page"
    unknown = [page for page in COMPLETE if page not in CATALOGUES]
    assert not unknown, (f"complete.txt lists {unknown}, which have no catalogue under {FOLDER}: "
                         f"python -m npae.book update-po --only ... creates it")


@pytest.mark.parametrize("page", COMPLETE)
def test_required_catalogue_is_fully_translated(page):
    if page not in CATALOGUES:
        pytest.fail(f"no catalogue for {page}: python -m npae.book update-po --only {Path(page).name[:2]}")
    fuzzy = [m.id for m in messages(page) if m.fuzzy]
    missing = [m.id for m in messages(page) if not m.string]
    assert not fuzzy and not missing, (
        f"{CATALOGUES[page].relative_to(ROOT)}: {len(fuzzy)} fuzzy message(s) (the English changed after the "
        f"translation: check the translation against the new English, then delete the '#, fuzzy' line) and "
        f"{len(missing)} untranslated; first: {(fuzzy + missing)[0][:200]!r}")


@pytest.mark.slow
def test_required_catalogues_hold_every_message_of_the_english_pages(tmp_path):
    """The catalogues against the English pages as they are now (``sphinx-build -b gettext``): a paragraph added
    or changed in English since the last ``update-po`` is a message the catalogue lacks."""
    pytest.importorskip("sphinx", reason="the book needs its extra: pip install -e .[book]")
    pytest.importorskip("myst_nb", reason="the book needs its extra: pip install -e .[book]")
    from npae.book import extract_messages

    lessons = sorted({Path(p).name[:2] for p in COMPLETE if p.startswith("lessons/")})
    pot = extract_messages(out=tmp_path, only=lessons or ["01"])
    stale = {}
    for page in COMPLETE:
        with open(pot / f"{page}.pot", "rb") as f:
            english = {m.id for m in read_po(f) if m.id}
        have = {m.id for m in messages(page)} if page in CATALOGUES else set()
        if english - have:
            stale[page] = sorted(english - have)
    report = "\n".join(f"{page}: {len(ids)} new or changed message(s), first {ids[0][:160]!r}"
                       for page, ids in stale.items())
    assert not stale, (f"the English of these pages changed since their catalogues were updated; run "
                       f"python -m npae.book update-po --only {' '.join(stale)} and translate what it marks:\n{report}")


# ---------------------------------------------------------------- mathematics, code, links unchanged
MARKDOWN = MarkdownIt("commonmark").use(dollarmath_plugin, allow_space=True, allow_digits=True,
                                        double_inline=False).use(myst_role_plugin)


def parts(text):
    """What a translation must keep, read as MyST reads the message: its mathematics, code spans, link targets
    (links and roles such as {doc}`text <target>`), lesson citations; and its plain text."""
    kept, plain = collections.Counter(), []
    for token in MARKDOWN.parse(text):
        for child in token.children or [token]:
            if child.type.startswith(("math", "code")):
                plain.append(" ")                        # a formula or code span reads as a gap between words
            if child.type.startswith("math"):
                kept["math " + child.content.strip()] += 1
            elif child.type == "code_inline":
                kept["code " + child.content] += 1
            elif child.type == "link_open":
                kept["link " + child.attrs["href"]] += 1
            elif child.type == "myst_role":
                target = re.search(r"<([^<>]+)>\s*$", child.content)
                kept[f"{{{child.meta['name']}}} " + (target.group(1) if target else child.content)] += 1
            elif child.type == "text":
                plain.append(child.content)
    plain = "".join(plain)
    for number in lesson_citations(plain):
        kept["lesson " + number] += 1
    return kept, plain


def test_parts_reads_math_code_links_roles_and_citations():
    kept, plain = parts(r"See $x_1$ and `f(x)`, the {doc}`glossary <glossary>`, [a](b.html), lessons 01 and 02.")
    assert kept == collections.Counter({"math x_1": 1, "code f(x)": 1, "{doc} glossary": 1, "link b.html": 1,
                                        "lesson 01": 1, "lesson 02": 1})
    kept_zh, _ = parts(r"见 $x_1$ 和 `f(x)`、{doc}`术语表 <glossary>`、[甲](b.html)，第 01 课和第 02 课。")
    assert kept_zh == kept
    assert parts("第 01、02 和 04 课")[0] == collections.Counter({"lesson 01": 1, "lesson 02": 1, "lesson 04": 1})
    assert "**" in parts("**关键术语：**自编码器")[1]         # CommonMark ends no emphasis between "：" and a letter


@pytest.mark.parametrize("page", sorted(CATALOGUES))
def test_translations_keep_mathematics_code_links_and_citations(page):
    """Character for character: each $…$, each `code` span, each link target, each lesson cited ("lesson 13" is
    "第 13 课"); and no emphasis marker left as text (a ** that CommonMark did not close)."""
    problems = []
    for message in translated(page):
        english, _ = parts(message.id)
        chinese, plain = parts(message.string)
        if english != chinese:
            lost, added = english - chinese, chinese - english
            problems.append(f"{message.id[:100]!r}:\n    lost {sorted(lost)}\n    added {sorted(added)}")
        _, english_plain = parts(message.id)
        if "*" in plain and "*" not in english_plain:
            problems.append(f"{message.string[:100]!r}: a * shown as text (put full-width punctuation outside "
                            f"the emphasis: **关键术语**：, not **关键术语：**)")
    assert not problems, f"{CATALOGUES[page].relative_to(ROOT)}:\n" + "\n".join(problems)


# ---------------------------------------------------------------- the glossary's terms
@functools.lru_cache(maxsize=None)
def glossary():
    """English term -> its Chinese (docs/glossary.md's first two columns)."""
    terms = {}
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if line.startswith("| ") and len(cells) >= 2 and cells[0] != "English" and not set(cells[0]) <= set("-: "):
            terms[cells[0]] = cells[1]
    return terms


@functools.lru_cache(maxsize=None)
def variants():
    """(variant, the glossary's term, words containing the variant that are fine), from variants.tsv."""
    with open(LOCALE / LANGUAGE / "variants.tsv", encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        return [(row["variant"], row["glossary"], [w for w in (row["fine inside"] or "").split(",") if w])
                for row in rows]


# Single English words checked like the multi-word terms: they have one meaning in the course, so their Chinese
# is always the glossary's. (Not "code", "sparsity", "sigmoid", "feature", "kernel", ...: used more loosely.)
ONE_WORD_TERMS = {"autoencoder", "encoder", "decoder", "backpropagation", "whitening", "minibatch", "hyperparameter",
                  "overcomplete", "undercomplete", "eigenvalue", "manifold", "convolution", "pooling", "upsampling",
                  "reconstruction", "subspace"}


def checked_terms():
    """English term -> (pattern finding it in English prose, its Chinese): the glossary's multi-word and
    hyphenated terms and ONE_WORD_TERMS, whose Chinese is not the English itself."""
    checked = {}
    for english, chinese in glossary().items():
        if (" " in english or "-" in english or english in ONE_WORD_TERMS) and re.search(r"[\u4e00-\u9fff]", chinese):
            words = [re.escape(w) for w in re.split(r"[\s-]+", english)]
            pattern = re.compile(r"\b" + r"[\s-]?".join(words) + r"(?:s|es)?\b", re.I)
            checked[english] = (pattern, chinese)
    return checked


def bare(text):
    """Plain text of a message without emphasis markers (``**欠完备**自编码器`` reads 欠完备自编码器)."""
    return parts(text)[1].replace("*", "")


@pytest.mark.parametrize("page", sorted(CATALOGUES))
def test_glossary_terms_are_spelled_as_the_glossary_spells_them(page):
    """Three checks of every translation: (1) no variant of variants.tsv (the UFLDL words, the lessons' 堆叠自编码器
    and the like) unless the English quotes it; (2) an English glossary term of the English text (multi-word and
    hyphenated terms, and ONE_WORD_TERMS) appears in the translation as the glossary writes it in Chinese (or
    kept in English, as in a title; the Latin letters of a term in either case, Softmax 回归 at a sentence's start) —
    this finds variants no list knows; (3) the Key terms line gives each term
    as the glossary's Chinese followed by its English in parentheses, every term of the English line."""
    problems, terms = [], checked_terms()
    for message in translated(page):
        chinese = bare(message.string)
        for variant, right, fine in variants():
            text = chinese
            for word in fine:
                text = text.replace(word, "")
            if variant in text and variant not in message.id:
                problems.append(f"{variant!r} in {message.string[:80]!r}: the glossary writes {right!r}")
        english = bare(message.id)
        for name, (pattern, zh) in terms.items():
            if pattern.search(english) and zh.lower() not in chinese.lower() and not pattern.search(chinese):
                problems.append(f"{name!r} ({zh}) is not in the translation of {message.id[:80]!r}: "
                                f"{message.string[:80]!r}")
        if message.id.startswith(("**Key terms:**", "Key terms:")):
            problems += key_term_problems(message.id, message.string)
    assert not problems, f"{CATALOGUES[page].relative_to(ROOT)}:\n" + "\n".join(problems)


def key_term_problems(english, chinese):
    """The Chinese Key terms line against the English one and the glossary."""
    problems = []
    plain = bare(chinese)
    if not plain.lstrip().startswith(KEY_TERMS):
        problems.append(f"the Key terms line must start with **关键术语**：, not {chinese[:20]!r}")
    wanted = re.findall(r"(?:^|,)\s*([^,()]+?)\s*\(", bare(english).split(":", 1)[-1])
    given = []
    for match in _KEY_TERM_ZH.finditer(plain.split("：", 1)[-1] if "：" in plain else plain):
        names = re.split(r"[，,]", match.group(4))[0].strip().split(" / ")
        labels = match.group(2).strip().split(" / ")
        given += names
        for name, label in zip(names, labels):
            if glossary().get(name) not in (None, label.strip()):
                problems.append(f"key term {name!r} is written {label.strip()!r}; the glossary writes "
                                f"{glossary()[name]!r}")
    wanted_names = [n.strip() for w in wanted for n in w.split(" / ")]
    if sorted(given) != sorted(wanted_names):
        problems.append(f"the Key terms line names {sorted(given)}, the English one {sorted(wanted_names)}: write "
                        f"each as 中文（english）, separated by 、")
    return problems


def test_key_term_check_finds_a_misspelt_or_missing_term():
    english = "**Key terms:** stacked autoencoder (栈式自编码器), fine-tuning (精调)."
    assert not key_term_problems(english, "**关键术语**：栈式自编码器（stacked autoencoder）、精调（fine-tuning）。")
    assert key_term_problems(english, "**关键术语**：堆叠自编码器（stacked autoencoder）、精调（fine-tuning）。")
    assert key_term_problems(english, "**关键术语**：栈式自编码器（stacked autoencoder）。")


def test_term_check_finds_a_variant_no_list_knows():
    pattern, chinese = checked_terms()["stacked autoencoder"]
    assert pattern.search("Stacked autoencoders are deep") and chinese == "栈式自编码器"
    assert pattern.search("a stacked-autoencoder run")


@pytest.mark.parametrize("page", [p for p in sorted(CATALOGUES) if p.startswith("lessons/")])
def test_lesson_title_is_the_table_of_contents_title(page):
    """A lesson's Chinese title is docs/book/toc.tsv's, which the Chinese edition's table of contents shows."""
    stem = Path(page).name
    title = next((m for m in translated(page) if re.fullmatch(r"\d\d · .+", m.id)), None)
    if title is not None:
        assert title.string == f"{stem[:2]} · {read_toc()[stem]['zh']}", \
            f"{page}: title {title.string!r}; docs/book/toc.tsv gives {read_toc()[stem]['zh']!r}"
