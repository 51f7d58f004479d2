"""The exercises in Chinese: the gettext catalogue (npae/exercises/locale/) is complete, current, compiled and
faithful, and a Chinese-reading student can start, check and pass an exercise with every message in Chinese.

- the catalogue: every message of the sources (Babel's extraction) is in the zh_CN ``.po``, translated and not
  fuzzy, and the ``.mo`` shipped with the package is exactly what the ``.po`` compiles to;
- each translation keeps its msgid's ``{fields}`` (a missing one would crash ``.format``), its code spans and
  its formulas, and spells the terms as docs/glossary.md does;
- the stubs: ``start NAME --lang zh`` writes a stub whose statement is Chinese and whose code is the English
  stub's, token for token; the grader takes it for an untouched stub, at its level;
- the reports: every wrong solution of tests/wrong_solutions/ gets the same verdict in Chinese, with no
  English sentence left (words of the student's own file, of Python's exception messages and a few names —
  sigmoid, softmax, UFLDL, … — aside); the student's loop runs end to end through the command line;
- the language: --lang, lang=, LANGUAGE/LC_ALL/LANG; English unless asked, and an unknown language is a clear
  error. (The English output, byte for byte, is what tests/test_exercises*.py check.)
"""

import ast
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from npae.exercises import EXERCISES, check, grade, start
from npae.exercises.i18n import DOMAIN, LOCALE_DIR, available, language, normalise, translate_stub
from npae.exercises.stubgen import LEVELS
from npae.exercises.workspace import stub_file, stub_text

babel = pytest.importorskip("babel", reason="the catalogue's checks read the .po with Babel (pip install babel)")
from babel.messages.pofile import read_po  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
WRONG = sorted((ROOT / "tests" / "wrong_solutions").glob("*.py"))
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Names a Chinese text keeps in Latin letters: libraries, sources, functions and the padding modes.
LATIN_NAMES = {"sigmoid", "softmax", "Softmax", "logit", "UFLDL", "npae", "Python", "Frobenius", "ISTA", "argmax",
               "softmaxCost", "stackedAECost", "same", "valid", "full", "ndarray", "dict", "float", "tuple", "list"}


@pytest.fixture(scope="module")
def catalogue():
    with open(PO, "rb") as handle:
        return read_po(handle)


def _entries(catalogue):
    """(msgid, msgstr) pairs, plural forms included."""
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        yield message, [(i, s) for i in ids for s in strings]


# ------------------------------------------------------------------------------------------ the catalogue
def test_every_message_of_the_sources_is_in_the_catalogue_and_nothing_else():
    from npae.exercises.catalogue import extract
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in extract() if m.id}
    with open(PO, "rb") as handle:
        in_po = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert extracted - in_po == set(), "run python -m npae.exercises update-catalogue, then translate"
    assert in_po - extracted == set(), "obsolete messages: run python -m npae.exercises update-catalogue"


def test_no_message_is_untranslated_or_fuzzy(catalogue):
    untranslated = [m.id for m, pairs in _entries(catalogue) if any(not s for _, s in pairs)]
    fuzzy = [m.id for m, _ in _entries(catalogue) if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:3]}"
    assert len(catalogue) > 700


def test_the_shipped_mo_is_what_the_po_compiles_to():
    from npae.exercises.catalogue import compiled
    shipped = (PO.with_suffix(".mo")).read_bytes()
    assert shipped == compiled("zh_CN"), "recompile: python -m npae.exercises update-catalogue"


def _fields(text):
    return sorted(name for _, name, spec, _ in string.Formatter().parse(text) if name is not None)


def test_every_translation_keeps_the_fields_of_its_message(catalogue):
    bad = [(i, s) for _, pairs in _entries(catalogue) for i, s in pairs if "{" in i and _fields(i) != _fields(s)]
    assert not bad, bad[:3]


CODE_SPAN = re.compile(r"``.+?``|`[^`]+`", re.S)
MATH = set("=∂Σσδλρβγνεθ∘ᵀ²³⁴₁₂ᵢⱼₖₗ‖⟨⟩∇⊇≤≥×−√∞")
STRIP = " .,;:()[]{}，。；：（）、“”…—*"


def _formulas(text):
    """The text's formula tokens (whitespace-separated, holding a mathematical symbol and no English word),
    punctuation and possessives stripped."""
    text = CODE_SPAN.sub(" ", text)
    tokens = [t.strip(STRIP).removesuffix("'s").strip(STRIP) for t in re.split(r"[\s，。；：（）、“”—]+", text)]
    return sorted(t for t in tokens if MATH & set(t) and not re.search(r"(?<![\w])[a-z]{4,}(?![\w(])", t))


def test_every_translation_keeps_the_code_and_the_formulas_of_its_message(catalogue):
    bad = []
    for _, pairs in _entries(catalogue):
        for msgid, msgstr in pairs:
            missing = [span for span in CODE_SPAN.findall(msgid) if span not in msgstr]
            formulas = [f for f in _formulas(msgid) if f not in _formulas(msgstr)]
            if missing or formulas:
                bad.append((msgid[:80], missing, formulas))
    assert not bad, f"{len(bad)} translations change code or formulas, e.g.\n" + "\n".join(map(str, bad[:5]))


def _glossary():
    """English term -> the Chinese term docs/glossary.md gives."""
    terms = {}
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] not in ("English", "---") and CJK.search(cells[1]):
            terms[cells[0]] = cells[1]
    return terms


#: Glossary terms whose English word the messages also use in another sense (a program's "code", a
#: "feature" of an exercise…) or inside a longer term that has its own entry; checked by the variants below.
OTHER_SENSES = {"code", "feature", "parameter", "gradient", "kernel", "depth", "representation", "score",
                "precision", "sparsity", "reconstruction", "autoencoder", "encoder", "decoder", "entropy",
                "convolution", "pooling", "dictionary", "capacity", "epoch", "inference", "prior", "saturation",
                "embedding", "visualisation", "subspace", "manifold", "posterior"}
#: Spellings other translations use, never these catalogues: each with the glossary's term.
VARIANTS = {"降噪自编码器": "去噪自编码器", "压缩自编码器": "收缩自编码器", "反向传导": "反向传播",
            "梯度检查": "梯度检验", "权值衰减": "权重衰减", "微调": "精调", "堆叠自编码器": "栈式自编码器",
            "雅克比": "Jacobian矩阵", "雅可比矩阵": "Jacobian矩阵", "共享权重": "绑定的权重", "权重绑定": "绑定的权重", "隐层单元": "隐藏单元",
            "稀疏自动编码器": "稀疏自编码器", "自动编码器": "自编码器", "交叉墒": "交叉熵", "软门限": "软阈值"}


def test_the_terms_are_spelled_as_the_glossary_spells_them(catalogue):
    glossary = _glossary()
    assert glossary["denoising autoencoder"] == "去噪自编码器" and glossary["weight decay"] == "权重衰减"
    for variant, right in VARIANTS.items():
        assert any(right in t for t in glossary.values()), right
    missing, variants = [], []
    for _, pairs in _entries(catalogue):
        for msgid, msgstr in pairs:
            for english, chinese in glossary.items():
                if english.lower() in OTHER_SENSES or english.lower() in chinese.lower():
                    continue                        # "sigmoid" kept as the "logistic sigmoid 函数" of the glossary
                if english.isupper() and english in msgstr:
                    continue                        # an acronym kept as it is (ISTA), spelled out where introduced
                flags = 0 if english.isupper() else re.I
                if re.search(rf"(?<![\w-]){re.escape(english)}(?![\w-])", msgid, flags) and chinese.lower() not in msgstr.lower():
                    missing.append((english, chinese, msgstr[:70]))
            variants += [(v, msgstr[:70]) for v in VARIANTS if v in msgstr]
    assert not missing, f"{len(missing)} glossary terms not used, e.g. " + "\n".join(map(str, missing[:6]))
    assert not variants, variants[:5]


# ------------------------------------------------------------------------------------------------ the stubs
def _code_only(source):
    """The stub's syntax tree with its docstrings and NotImplementedError texts blanked (comments are gone)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            body[0].value.value = ""
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            node.exc.args = []
    return ast.dump(tree)


def _latin_words(text):
    """Words of four or more Latin letters outside code spans, paths, identifiers and the LATIN_NAMES."""
    text = re.sub(r":\w+:(?=`)", " ", text)                                    # Sphinx roles, :func:
    text = CODE_SPAN.sub(" ", text)
    text = re.sub(r"\S*[/\\]\S*|\S*\.py\b|'[^']*'|\"[^\"]*\"", " ", text)
    text = re.sub(r"[\w.]+\([^()]*\)", " ", text)                               # calls: np.where(keep, X, 0)
    words = re.findall(r"(?<![\w.])[A-Za-z]{4,}(?![\w(.\[=])", text)
    return [w for w in words if w not in LATIN_NAMES]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_chinese_stub_has_the_english_stubs_code_and_a_chinese_statement(name, level):
    english = stub_file(name, level).read_text(encoding="utf-8")
    chinese = stub_text(name, level, "zh")
    assert _code_only(chinese) == _code_only(english)
    statement = [ast.get_docstring(n, clean=False) or "" for n in ast.walk(ast.parse(chinese))
                 if isinstance(n, (ast.Module, ast.FunctionDef))]
    statement += [line.strip() for line in chinese.splitlines() if line.strip().startswith("#")]
    assert CJK.search(statement[0]) and all(CJK.search(line) for line in statement[-3:] if line.startswith("#"))
    prose = [line for line in "\n".join(statement).splitlines() if not re.search(r"[=∂Σσδ]", line)]
    leftover = {w for line in prose for w in _latin_words(line)}
    allowed = {"Goodfellow", "Vincent", "Rifai", "Kavukcuoglu", "Ranzato", "LeCun", "Beck", "Teboulle", "Keras",
               "Lipschitz", "Bernoulli", "ReLU", "Autoencoders", "sparsity", "Backpropagation", "Algorithm",
               "BFGS", "softplus", "callable", "anything", "theta", "beta", "gamma", "delta", "grad", "grads",
               "loss", "cost", "data", "energy", "threshold", "level", "method", "step", "padding", "params",
               "exercises", "solutions", "dtype", "channels", "height", "width", "windows", "winner", "routed",
               "reshape", "transpose", "gradient", "left", "right", "bottom", "mean", "none", "central", "cols"}
    assert leftover <= allowed, sorted(leftover - allowed)
    assert grade(name, _written(chinese, name, level)).status == "not started"


def _written(text, name, level, folder=[]):  # noqa: B006 - one temporary folder for the module
    import tempfile
    if not folder:
        folder.append(Path(tempfile.mkdtemp()))
    path = folder[0] / f"{name}{'_derive' if level == 'derive' else ''}.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_chinese_derive_stub_is_read_as_the_derive_level(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(stub_text("contractive", "derive", "zh"), encoding="utf-8")
    report = grade("contractive", path, lang="zh")
    assert report.level == "derive" and report.status == "not started"
    assert "推导级" in report.text and "先在纸上推导梯度" in report.text


def test_translate_stub_is_the_identity_in_english():
    source = stub_file("tied_weights").read_text(encoding="utf-8")
    assert translate_stub(source, "tied_weights", "guided", "en") == source


# ---------------------------------------------------------------------------------------------- the reports
def _header(path):
    fields = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"# ([a-z-]+): (.*)$", line)
        if not match:
            break
        fields.setdefault(match.group(1), []).append(match.group(2))
    return fields


#: Python's own text quoted in a report: an exception's message, a syntax error's.
PYTHON_TEXT = re.compile(r"(?:\b[A-Za-z]*(?:Error|Exception|Exit)|失败|语法错误)：[^。）\n]*")


def _english_left(report_text, source):
    """Latin words of the report that are neither the student's, nor Python's, nor a name."""
    lines = [line for line in report_text.splitlines() if not line.startswith("    |")]   # what the code printed
    text = PYTHON_TEXT.sub(" ", "\n".join(lines))
    return sorted({w for w in _latin_words(text) if w not in source})


@pytest.mark.parametrize("path", WRONG, ids=[p.stem for p in WRONG])
def test_every_wrong_solution_gets_its_verdict_in_chinese(path):
    fields = _header(path)
    time_limit = float(fields.get("time-limit", ["20"])[0])
    report = grade(fields["exercise"][0], path, time_limit=time_limit, lang="zh")
    assert report.status == fields["status"][0], report.text
    if "mistake" in fields:
        assert report.mistake == (None if fields["mistake"][0] == "none" else fields["mistake"][0])
    assert not _english_left(report.text, path.read_text(encoding="utf-8")), report.text
    assert {"passing": "结果：通过", "failing": "结果：未通过", "not started": "结果：未开始"}[report.status] in report.text


def test_a_catalogued_mistake_is_named_with_its_hint_in_chinese():
    report = grade("sparse_autoencoder_cost", ROOT / "tests" / "wrong_solutions" / "sparse_kl_after_slope.py",
                   lang="zh")
    assert report.mistake == "kl_delta_after_slope"
    assert "这与一个经典错误相符，`kl_delta_after_slope`：KL 稀疏惩罚项的残差在 sigmoid 的斜率之后" in report.text
    assert "试试：惩罚是 H 的函数" in report.text
    assert "W2, b2 正确；W1, b1 错误 → 编码器之上的各层都是对的" in report.text
    assert repr(report).startswith("<Report sparse_autoencoder_cost (引导级): 未通过；错误：W1, b1")


def _cli(*args, env=None, cwd=None):
    environment = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    environment.update({"PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", **(env or {})})
    return subprocess.run([sys.executable, "-m", "npae.exercises", *args], capture_output=True, text=True,
                          env=environment, cwd=cwd, timeout=300)


def test_a_chinese_students_loop_through_the_command_line(tmp_path):
    env = {"NPAE_WORKSPACE": str(tmp_path)}
    started = _cli("start", "autoencoder_backprop", "--lang", "zh", env=env)
    assert started.returncode == 0 and "已开始 autoencoder_backprop（引导级）" in started.stdout, started.stderr
    stub = (tmp_path / "autoencoder_backprop.py").read_text(encoding="utf-8")
    assert stub.startswith("# 练习骨架（引导级）") and "手工写出两层自编码器的前向传播和反向传播" in stub
    assert "def loss_and_grads(params, X):" in stub and "Z2 = H W2 + b2,   X̂ = σ(Z2)" in stub

    reports = {}
    untouched = _cli("check", "autoencoder_backprop", "--lang", "zh", env=env)
    reports["untouched"] = untouched
    assert untouched.returncode == 1 and "未开始：你的文件仍是骨架" in untouched.stdout

    wrong = ROOT / "tests" / "wrong_solutions" / "ae_transposed_gradient.py"
    (tmp_path / "autoencoder_backprop.py").write_text(wrong.read_text(encoding="utf-8"), encoding="utf-8")
    failing = _cli("check", "autoencoder_backprop", "--lang", "zh", env=env)
    reports["wrong"] = failing
    assert failing.returncode == 1 and "诊断" in failing.stdout and "试试：" in failing.stdout
    assert "这与一个经典错误相符，`transposed_weight_gradient`" in failing.stdout, failing.stdout

    solution = ROOT / "npae" / "exercises" / "solutions" / "autoencoder_backprop.py"
    (tmp_path / "autoencoder_backprop.py").write_text(solution.read_text(encoding="utf-8"), encoding="utf-8")
    passing = _cli("check", "autoencoder_backprop", env={**env, "LANGUAGE": "zh_CN"})      # the locale alone
    reports["passing"] = passing
    assert passing.returncode == 0 and "结果：通过，所有检查均已通过。" in passing.stdout
    assert "下一步：推导级只给出模型和代价" in passing.stdout

    status = _cli("status", env={**env, "LC_ALL": "zh_CN.UTF-8"})
    assert "引导级" in status.stdout and "通过" in status.stdout
    for kind, result in reports.items():
        assert not result.stderr, result.stderr
        left = _english_left(result.stdout, wrong.read_text(encoding="utf-8") if kind == "wrong" else "")
        assert not left, f"{kind}: English left {left}\n{result.stdout}"


def test_english_unless_a_language_is_asked(tmp_path):
    env = {"NPAE_WORKSPACE": str(tmp_path)}
    default = _cli("check", "tied_weights", env=env).stdout
    assert default.startswith("Exercise tied_weights (guided level)") and "Result: NOT STARTED." in default
    assert _cli("check", "tied_weights", "--lang", "en", env={**env, "LANGUAGE": "zh_CN"}).stdout == default
    assert _cli("check", "tied_weights", env={**env, "LANG": "zh_CN.UTF-8"}).stdout.startswith("练习 tied_weights")


def test_an_unknown_language_is_a_clear_error(tmp_path):
    result = _cli("check", "tied_weights", "--lang", "fr", env={"NPAE_WORKSPACE": str(tmp_path)})
    assert result.returncode == 2
    assert "no exercise messages in 'fr'; available: en (English), zh_CN (zh, 简体中文)" in result.stderr
    with pytest.raises(ValueError, match="available: en"):
        check("tied_weights", lang="klingon")
    with pytest.raises(ValueError, match="available: en"):
        start("tied_weights", lang="fr")
    with pytest.raises(TypeError, match="lang must be a string"):
        grade("tied_weights", lang=3)
    assert available() == ["en", "zh_CN"]
    assert [normalise(x) for x in ("zh", "zh-CN", "zh_CN.UTF-8", "en", "en_GB", "C")] == \
        ["zh_CN", "zh_CN", "zh_CN", "en", "en", "en"]


def test_the_language_is_restored_after_a_call():
    before = os.environ.get("NPAE_EXERCISES_LANG")
    report = grade("tied_weights", lang="zh")
    assert report.text.startswith("练习") and os.environ.get("NPAE_EXERCISES_LANG") == before
    with language("zh"):
        assert grade("tied_weights").text.startswith("练习")
    assert grade("tied_weights", lang="en").text.startswith("Exercise")
