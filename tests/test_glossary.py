"""The glossary and the lessons spell every Chinese term the same way.

Every ``English (中文)`` pair of a lesson's ``**Key terms:**`` paragraph, and every such pair in its prose, names a
Chinese term of ``docs/glossary.md``, spelled as there (the test runs on every ``lessons/NN_*.py``, new ones too).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))
SOURCES = ("《深度学习》", "UFLDL 中文", "通用译法", "本课程")
CJK = re.compile(r"[\u4e00-\u9fff]")
# A pair's parenthesis holds a term only: Chinese, without a section number, a book title or a list.
TERM = re.compile(r"[^;；《》§\d]+")
PAIR = re.compile(r"([A-Za-z][\w'’\-]*(?: [\w'’\-]+)*?)\s*\(([^()]+)\)")


def normalised(english):
    """Case, hyphens, apostrophes and spaces do not matter: 'back-propagation' is 'backpropagation'."""
    return re.sub(r"[\s\-'’]", "", english.lower())


def glossary_rows():
    """The table's rows as lists of five cells (English, 中文, source, UFLDL 中文, meaning); ``\\|`` is a pipe."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("| ") and not line.startswith("| English"):
            rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))])
    return rows


def markdown_text(path):
    """A lesson's markdown, one string: its comment lines without the leading '#', joined by spaces."""
    return " ".join(line[1:].strip() for line in path.read_text(encoding="utf-8").splitlines()
                    if line.startswith("#") and not line.startswith("#!"))


def key_terms_paragraph(path):
    """The text of the ``**Key terms:**`` paragraph (it may span lines), or None."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("# **Key terms:**")), None)
    if start is None:
        return None
    text = [lines[start][len("# **Key terms:**"):]]
    for line in lines[start + 1:]:
        if not line.startswith("# ") or not line[2:].strip():
            break
        text.append(line[2:])
    return " ".join(t.strip() for t in text)


def key_term_pairs(paragraph):
    """[(English, 中文)] of a ``**Key terms:**`` paragraph: its comma-separated items ``English (中文)``."""
    pairs = []
    for item in re.split(r",\s*(?![^()]*\))", paragraph.strip().rstrip(".")):
        m = re.fullmatch(r"\s*(.+?)\s*\(([^()]*)\)\s*", item)
        if m:
            pairs.append((m.group(1), m.group(2).strip()))
    return pairs


def prose_chinese_terms(text):
    """The Chinese of every ``English (中文)`` pair in a text: a parenthesis holding a Chinese term only."""
    return [m.group(2).strip() for m in PAIR.finditer(text)
            if CJK.search(m.group(2)) and TERM.fullmatch(m.group(2))]


def test_glossary_table_is_well_formed():
    rows = glossary_rows()
    assert len(rows) >= 150
    for row in rows:
        assert len(row) == 5, f"a row needs 5 cells (English | 中文 | source | UFLDL 中文 | meaning): {row}"
        assert row[0] and row[1] and row[4], row
        assert row[2] in SOURCES, f"{row[0]}: the source must be one of {SOURCES}, got {row[2]!r}"
    english = [normalised(r[0]) for r in rows]
    assert len(english) == len(set(english)), "an English term appears twice"
    names = [r[0].lower() for r in rows]
    assert names == sorted(names), "keep the rows in alphabetical order of the English term"


@pytest.mark.parametrize("term, chinese", [
    ("Jacobian matrix", "Jacobian矩阵"), ("logit", "分对数"), ("principal subspace", "主元子空间"),
    ("tied weights", "绑定的权重"), ("stationary distribution", "平稳分布"), ("gradient checking", "梯度检验"),
    ("variational autoencoder", "变分自编码器"), ("evidence lower bound", "证据下界"),
    ("denoising score matching", "去噪得分匹配"), ("universal approximation theorem", "万能近似定理"),
])
def test_glossary_has_the_books_terms(term, chinese):
    by_english = {normalised(r[0]): r[1] for r in glossary_rows()}
    assert by_english.get(normalised(term)) == chinese


def test_pair_parsers():
    paragraph = "tied weights (绑定的权重), Jacobian matrix (Jacobian矩阵), softmax regression (softmax 回归)."
    assert key_term_pairs(paragraph) == [("tied weights", "绑定的权重"), ("Jacobian matrix", "Jacobian矩阵"),
                                         ("softmax regression", "softmax 回归")]
    prose = ("the code is a Markov chain (马尔可夫链) and §14.5 (14.5 去噪自编码器详解); see ch. 14 "
             "(《深度学习》第十四章 自编码器) or (sparse autoencoders; 14.2.1 稀疏自编码器)")
    assert prose_chinese_terms(prose) == ["马尔可夫链"]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lessons_spell_chinese_terms_as_the_glossary(lesson):
    rows = glossary_rows()
    chinese = {r[1] for r in rows}
    by_english = {normalised(r[0]): r[1] for r in rows}
    paragraph = key_terms_paragraph(lesson)
    assert paragraph, f"{lesson.name} has no '**Key terms:**' paragraph"
    wrong = []
    for english, term in key_term_pairs(paragraph):
        expected = by_english.get(normalised(english))
        if term not in chinese or (expected is not None and term != expected):
            wrong.append(f"{english} ({term}): the glossary has {expected or 'no such Chinese term'}")
    wrong += [f"({term}) in the prose: not a Chinese term of the glossary"
              for term in prose_chinese_terms(markdown_text(lesson)) if term not in chinese]
    assert not wrong, f"{lesson.name}: " + "; ".join(wrong)
