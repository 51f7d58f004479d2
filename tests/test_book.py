"""The course as a book: every lesson has a bilingual title, every key term is in the glossary, and the
site, built in quick mode and served on 127.0.0.1, reads correctly in a real browser (headless Chromium)."""

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from npae.book import ROOT, lesson_titles, read_toc

LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))
GLOSSARY = ROOT / "docs" / "glossary.md"


def normalised(term):
    """Case, hyphens and spaces do not matter: 'back-propagation' is 'backpropagation'."""
    return term.lower().replace("-", "").replace(" ", "")


def glossary_terms():
    terms = set()
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) >= 2 and cells[0] not in ("English", "---"):
            terms.add(normalised(cells[0]))
    return terms


def key_terms(path):
    """The English terms of a lesson's ``**Key terms:** a (甲), b (乙)`` paragraph (it may span lines)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("# **Key terms:**")), None)
    if start is None:
        return []
    text = lines[start][len("# **Key terms:**"):]
    for line in lines[start + 1:]:
        if not line.startswith("# ") or not line[2:].strip():
            break
        text += " " + line[2:]
    terms = []
    for item in re.split(r",\s*(?![^()]*\))", text.strip().rstrip(".")):
        english = re.sub(r"\s*\(.*?\)\s*$", "", item).strip()
        if english:
            terms.append(english)
    return terms


def test_glossary_is_bilingual_and_cites_its_sources():
    text = GLOSSARY.read_text(encoding="utf-8")
    rows = [l for l in text.splitlines() if l.startswith("| ") and not l.startswith("| English")]
    assert len(rows) >= 60
    for row in rows:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        assert cells[0] and re.search(r"[\u4e00-\u9fff]|[A-Za-z]", cells[1]), row
        assert cells[2] in ("《深度学习》", "UFLDL 中文", "通用译法", "本课程"), row
    assert "人民邮电出版社" in text and "ISBN" in text


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_key_term_of_a_lesson_is_in_the_glossary(lesson):
    known = glossary_terms()
    # "softmax regression / multinomial logistic regression": each name of the pair is in the glossary
    missing = [name for t in key_terms(lesson) for name in t.split(" / ") if normalised(name) not in known]
    assert key_terms(lesson), f"{lesson.name} has no '**Key terms:**' line in its first markdown cell"
    assert not missing, f"{lesson.name}: add {missing} to docs/glossary.md (English | 中文 | source | UFLDL | meaning)"


def test_key_term_parser():
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, encoding="utf-8") as f:
        f.write("# **Key terms:** fine-tuning (精调), tied weights (绑定的权重, W2 = W1ᵀ),\n# KL divergence (KL 散度).\n#\n# x\n")
    try:
        assert key_terms(Path(f.name)) == ["fine-tuning", "tied weights", "KL divergence"]
    finally:
        os.unlink(f.name)


def test_every_lesson_has_a_chinese_title_and_section_in_the_table_of_contents():
    toc = read_toc()
    for stem, title in lesson_titles():
        assert stem in toc, f"docs/book/toc.tsv has no row for lessons/{stem}.py"
        assert re.search(r"[\u4e00-\u9fff]", toc[stem]["zh"]), stem
        assert toc[stem]["section"], stem


def test_exercises_page_lists_every_exercise():
    exercises = pytest.importorskip("npae.exercises", reason="the exercises package is not installed")
    names = getattr(exercises, "EXERCISES", None) or getattr(exercises, "NAMES", None)
    if names is None:
        pytest.skip("npae.exercises exposes no list of exercise names")
    page = (ROOT / "docs" / "book" / "exercises.md").read_text(encoding="utf-8")
    missing = [n for n in names if f"`{n}`" not in page]
    assert not missing, f"docs/book/exercises.md does not list {missing}"


# ---------------------------------------------------------------- the site in a real browser
def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("sphinx", reason="the book needs its extra: pip install -e .[book]")
    pytest.importorskip("myst_nb", reason="the book needs its extra: pip install -e .[book]")
    pytest.importorskip("playwright.sync_api", reason="the browser test needs playwright: pip install -e .[book]")
    if chromium() is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium); .ci/run installs it")
    from npae.book import build

    out = tmp_path_factory.mktemp("book")
    # Two lessons are enough to test what a reader sees; CI builds the whole site separately.
    index = build(out=out, only=["01", "03"], verbose=False)
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):         # keep the test's output for failures
            pass

    handler = functools.partial(QuietHandler, directory=str(index.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", index.parent, out
    server.shutdown()
    server.server_close()


CHECK_PAGE = """() => {
  const images = Array.from(document.images).map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0}));
  const main = document.querySelector('article') || document.body;
  const text = main.innerText;
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.href)
      .filter(h => h.startsWith(location.origin));
  return {images, text, links, mathjax: document.querySelectorAll('.MathJax, mjx-container').length,
          raw_math: /\\$\\$|\\\\\\(|\\\\\\[/.test(text)};
}"""


@pytest.mark.slow
def test_site_reads_correctly_in_a_browser(site, tmp_path):
    from playwright.sync_api import sync_playwright

    base, html, out = site
    pages = ["index.html", "lessons/03_sparse_autoencoder.html", "glossary.html"]
    shots = out / "screenshots"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        errors, failed = [], []
        # MathJax 2's HTML-CSS output probes web-font support with a font at about:blank ("MathJax_Blank"),
        # which Chromium reports as a blocked request: that probe, and only it, is not an error of the site.
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not (
            "about:blank" in m.text or m.location.get("url") == "about:blank") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        # a request cancelled because the test moved on to the next page (ERR_ABORTED) is not a failure
        page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}")
                if r.url != "about:blank" and "ERR_ABORTED" not in (r.failure or "") else None)
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        seen_links = set()
        for name in pages:
            page.goto(f"{base}/{name}", wait_until="networkidle")
            if "lessons/" in name:
                page.wait_for_function("document.querySelectorAll('.MathJax').length > 0", timeout=60000)
            info = page.evaluate(CHECK_PAGE)
            page.screenshot(path=str(shots / (name.replace("/", "_") + ".png")), full_page=False)
            bad = [i["src"] for i in info["images"] if not i["ok"]]
            assert not bad, f"{name}: images that did not load: {bad}"
            if "lessons/" in name:
                assert info["images"], f"{name} shows no figure"
                assert info["mathjax"] > 0, f"{name}: no typeset mathematics"
                assert not info["raw_math"], f"{name}: raw TeX delimiters left in the text"
            if name == "glossary.html":
                assert "自编码器" in info["text"] and "autoencoder" in info["text"]
            seen_links.update(l.split("#")[0] for l in info["links"])
        assert not errors, f"console errors: {errors}"
        assert not failed, f"failed requests: {failed}"
        # every internal link of these pages resolves to a file of the site
        for link in sorted(seen_links):
            path = link[len(base):].lstrip("/") or "index.html"
            target = html / path
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"broken internal link: {link}"
        # nothing is fetched from outside the machine
        assert "cdn." not in (html / "lessons" / "03_sparse_autoencoder.html").read_text(encoding="utf-8")
        browser.close()
    assert len(list(shots.glob("*.png"))) == len(pages)
    if os.environ.get("NPAE_BOOK_SCREENSHOTS"):
        shutil.copytree(shots, os.environ["NPAE_BOOK_SCREENSHOTS"], dirs_exist_ok=True)
