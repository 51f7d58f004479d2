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


# ---------------------------------------------------------------- the lessons' markdown, read as MyST reads it
LIST_ITEM = re.compile(r"([-+*]|\d{1,9}[.)])(\s|$)")


def _dollars(line):
    """The line with code spans and escaped dollars removed."""
    return re.sub(r"`[^`]*`", "", line.replace("\\$", ""))


def garbled_markdown(markdown):
    """(line number, problem) for the two ways a lesson's markdown garbles its mathematics in MyST."""
    problems = []
    in_display = open_inline = in_item = False
    for number, line in enumerate(markdown.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            open_inline = False
            if not in_display:
                in_item = False
            continue
        text = _dollars(stripped)
        if not in_display:
            starts_item = bool(LIST_ITEM.match(stripped))
            if starts_item and open_inline:
                problems.append((number, f"inline $…$ continues onto a line starting with "
                                         f"{stripped.split()[0]!r}, which MyST reads as a list item"))
            if starts_item and not line.startswith("    "):
                in_item = True
            elif not line.startswith(" "):
                in_item = in_item and not stripped.startswith("$$")   # a paragraph line continues its item
        if "$$" in text and in_item:
            problems.append((number, "$$…$$ inside a list item (MyST pairs its dollars wrongly there): end the "
                                     "list before the display, or write the formula inline"))
        if text.count("$$") % 2:
            in_display = not in_display
        if text.replace("$$", "").count("$") % 2 and not in_display:
            open_inline = not open_inline
    return problems


def markdown_cells(path):
    """(first line, markdown) of each ``# %% [markdown]`` cell of a jupytext percent-format lesson."""
    cells, current = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("# %%"):
            current = [number + 1, []] if "[markdown]" in line else None
            if current:
                cells.append(current)
        elif current is not None:
            current[1].append(line[2:] if line.startswith("# ") else "" if line.strip() in ("#", "") else line)
    return [(start, "\n".join(lines)) for start, lines in cells]


def markdown_sources():
    """(file, its line where the markdown starts, markdown) of every lesson's markdown cell and every page of
    docs/book and the glossary."""
    for lesson in LESSONS:
        for start, text in markdown_cells(lesson):
            yield f"lessons/{lesson.name}", start, text
    for page in [*sorted((ROOT / "docs" / "book").glob("*.md")), GLOSSARY]:
        yield str(page.relative_to(ROOT)), 1, page.read_text(encoding="utf-8")


def test_no_markdown_garbles_its_mathematics():
    """The two patterns that turned lessons 04, 09, 13, 15, 17, 23 and 27 into raw TeX and prose typeset as
    mathematics: an inline $…$ that wraps onto a line starting with '- ' or '+ ' (a list item to MyST),
    and a $$…$$ inside a list item."""
    found = [f"{name}, line {start + line - 1}: {problem}" for name, start, text in markdown_sources()
             for line, problem in garbled_markdown(text)]
    assert not found, "\n".join(found)


def test_the_garbling_check_finds_both_patterns():
    assert garbled_markdown("Gradient descent, $\\theta \\leftarrow \\theta\n- \\eta g$. Then\n")
    assert garbled_markdown("1. The loss:\n   $$J = x$$\n   and more.\n")
    assert not garbled_markdown("The loss\n\n$$J = \\frac1m\n+ \\lambda$$\n\n- a list item, $x$ inline\n")
    assert not garbled_markdown("1. An item $a\n   b$ wrapped inside its math.\n")


# ---------------------------------------------------------------- the site in a real browser
def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site to read: ``$NPAE_BOOK_HTML`` when set (.ci/run builds the whole site first and points it there),
    else a site of two lessons (01, 03) and every other page, built here."""
    pytest.importorskip("playwright.sync_api", reason="the browser test needs playwright: pip install -e .[book]")
    if chromium() is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium); .ci/run installs it")
    out = tmp_path_factory.mktemp("book")
    if os.environ.get("NPAE_BOOK_HTML"):
        html = Path(os.environ["NPAE_BOOK_HTML"]).resolve()
        assert (html / "index.html").exists(), f"NPAE_BOOK_HTML={html} holds no built site (python -m npae.book build)"
    else:
        pytest.importorskip("sphinx", reason="the book needs its extra: pip install -e .[book]")
        pytest.importorskip("myst_nb", reason="the book needs its extra: pip install -e .[book]")
        from npae.book import build

        html = build(out=out, only=["01", "03"], verbose=False).parent

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):         # keep the test's output for failures
            pass

    handler = functools.partial(QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", html, out
    server.shutdown()
    server.server_close()


# What a reader sees: the article's prose without code, outputs and MathJax's own output; the TeX source of
# every formula MathJax typeset (its list of math items); its error boxes; the cells' outputs.
READ_PAGE = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const article = document.querySelector('article') || document.body;
  const prose = article.cloneNode(true);
  prose.querySelectorAll('mjx-container, mjx-assistive-mml, pre, code, script, style, .cell_output, .output, '
                         + '.headerlink, .sig, dt').forEach(e => e.remove());
  const outputs = Array.from(article.querySelectorAll('.cell_output')).map(e => e.innerText).join('\\n');
  const maths = (window.MathJax && MathJax.startup && MathJax.startup.document)
      ? Array.from(MathJax.startup.document.math).map(m => m.math) : [];
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => ({href: a.href,
      cls: a.className, text: a.innerText}));
  return {prose: prose.textContent, outputs, maths, links,
          errors: article.querySelectorAll('mjx-merror').length,
          echoes: article.querySelectorAll('.cell_output .output.text_plain').length,
          typeset: article.querySelectorAll('mjx-container').length,
          unprocessed: article.querySelectorAll('.math').length,
          images: Array.from(document.images).map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0}))};
}"""

RAW_TEX = re.compile(r"\$|\\[A-Za-z]+|\\[()\[\]{}]")
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:tmp|home|root|work|Users|private/var)/|" + re.escape(str(ROOT)))
SKIPPED = re.compile(r"(?i)\bskipp(?:ed|ing)\b|\bnot installed\b|\binstall scikit")
LESSON_CITED = re.compile(r"\b[Ll]essons? (\d\d)\b")


def prose_in_math(tex):
    """Words typeset as mathematics: three or more words in a row outside \\text{} and its kin."""
    bare = re.sub(r"\\(?:text\w*|mathrm|operatorname|mbox|mathit|textbf)\s*\{[^{}]*\}", " ", tex)
    bare = re.sub(r"\\[A-Za-z]+", " ", bare)
    match = re.search(r"(?:\b[A-Za-z]{2,}\b[\s,.;:]+){2,}\b[A-Za-z]{2,}\b", bare)
    return match.group(0) if match else None


def test_prose_in_math_finds_words_typeset_as_math():
    assert prose_in_math(r"\tilde x. At the first step E[\Delta\theta^2] = 0")
    assert not prose_in_math(r"\frac1m\sum_i \lVert x_i - h_i D\rVert^2 + \lambda\lVert h_i\rVert_1")
    assert not prose_in_math(r"n_{\text{hidden}} \times n_{\text{visible}}, \mathrm{diag}(s)")


def read_page(page, base, name):
    page.goto(f"{base}/{name}", wait_until="networkidle")
    return page.evaluate(READ_PAGE)


def page_problems(info, name, html, base, lessons_built):
    """Everything a reader should not see on one page, as a list of sentences."""
    problems = []
    for match in list(RAW_TEX.finditer(info["prose"]))[:3]:
        problems.append(f"raw TeX {match.group(0)!r} in the text: …{info['prose'][max(0, match.start() - 60):match.end() + 40]!r}")
    if info["errors"]:
        problems.append(f"{info['errors']} MathJax error box(es)")
    if info["unprocessed"] and not info["typeset"]:
        problems.append(f"{info['unprocessed']} formulas left untypeset (MathJax did not run)")
    for tex in info["maths"]:
        words = prose_in_math(tex)
        if words:
            problems.append(f"prose typeset as mathematics: {words!r} in ${tex[:120]}$")
    if info["echoes"]:
        problems.append(f"{info['echoes']} echoed value(s) under cells")
    if MACHINE_PATH.search(info["outputs"]):
        found = MACHINE_PATH.search(info["outputs"])
        problems.append(f"a path of the building machine in the output: …{info['outputs'][max(0, found.start() - 60):found.end() + 60]!r}")
    if SKIPPED.search(info["outputs"]):
        found = SKIPPED.search(info["outputs"])
        problems.append(f"skipped content: …{info['outputs'][max(0, found.start() - 80):found.end() + 40]!r}")
    problems += [f"image did not load: {i['src']}" for i in info["images"] if not i["ok"]]
    if name.startswith("lessons/"):
        stem = name[len("lessons/"):-len(".html")]
        hrefs = [link["href"] for link in info["links"]]
        if not info["images"]:
            problems.append("no figure")
        for suffix in (".ipynb", ".py"):
            if not any(h.endswith(f"/{stem}{suffix}") for h in hrefs):
                problems.append(f"no download link for {stem}{suffix}")
        if not any("glossary.html#term-" in h for h in hrefs):
            problems.append("no link to the glossary from its key terms")
        if not any("api.html#module-npae" in h for h in hrefs):
            problems.append("no link to the API pages of the modules it uses")
        from npae.book import _exercises

        if any(Path(lesson).stem == stem for lesson in _exercises().values()) \
                and not any("exercises.html#exercise-" in h for h in hrefs):
            problems.append("no link to its exercises")
        for number in sorted(set(LESSON_CITED.findall(info["prose"])) & set(lessons_built) - {stem[:2]}):
            if not any(h.split("#")[0].endswith(f"lessons/{lessons_built[number]}.html") for h in hrefs):
                problems.append(f"cites lesson {number} without a link to it")
    return problems


@pytest.mark.slow
def test_every_page_reads_correctly_in_a_browser(site):
    """Every page of the site in headless Chromium, as a reader sees it: no raw TeX, no MathJax error box, no
    prose typeset as mathematics, no echoed value, no path of the building machine, nothing skipped, every
    image and font loaded, no request leaving the site, every internal link (and its #anchor) resolving;
    each lesson with its figures, its downloads and its links (glossary, exercises, API, lessons it cites)."""
    from playwright.sync_api import sync_playwright

    base, html, out = site
    names = sorted(str(p.relative_to(html)) for p in html.rglob("*.html") if "_static" not in p.parts)
    lessons_built = {Path(n).stem[:2]: Path(n).stem for n in names if n.startswith("lessons/")}
    shots = out / "screenshots"
    shots.mkdir(exist_ok=True)
    found, seen_links = {}, set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        current, outside = {"name": None}, []
        errors, failed = [], []
        # a request for anything outside the site is refused and recorded
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                   or route.request.url.startswith(("data:", "about:", "blob:"))
                   else (outside.append(f"{current['name']}: {route.request.url}"), route.abort()))
        page.on("console", lambda m: errors.append(f"{current['name']}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"{current['name']}: {e}"))
        # a request cancelled because the test moved on to the next page (ERR_ABORTED) is not a failure
        page.on("requestfailed", lambda r: failed.append(f"{current['name']}: {r.failure} {r.url}")
                if r.url.startswith(base) and "ERR_ABORTED" not in (r.failure or "") else None)
        page.on("response", lambda r: failed.append(f"{current['name']}: {r.status} {r.url}")
                if r.status >= 400 else None)
        for name in names:
            current["name"] = name
            info = read_page(page, base, name)
            page.screenshot(path=str(shots / (name.replace("/", "_") + ".png")), full_page=False)
            problems = page_problems(info, name, html, base, lessons_built)
            if name.startswith("lessons/"):
                for link in info["links"]:
                    if link["href"].endswith((".ipynb", ".py")):
                        response = page.request.get(link["href"])
                        if response.status != 200 or len(response.body()) < 100:
                            problems.append(f"download {link['href']} gives HTTP {response.status}")
            if problems:
                found[name] = problems
            seen_links.update(link["href"] for link in info["links"] if link["href"].startswith(base))
        browser.close()
    # every internal link resolves to a file of the site, and its #anchor to an id of that page
    for link in sorted(seen_links):
        path, _, anchor = link[len(base):].lstrip("/").partition("#")
        target = html / (path or "index.html")
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            found.setdefault("links", []).append(f"broken internal link: {link}")
        elif anchor and target.suffix == ".html" and f'id="{anchor}"' not in target.read_text(encoding="utf-8"):
            found.setdefault("links", []).append(f"no #{anchor} in {path}: {link}")
    for label, items in (("requests outside the site", outside), ("console errors", errors),
                         ("failed requests", failed)):
        if items:
            found[label] = sorted(set(items))[:20]
    if os.environ.get("NPAE_BOOK_SCREENSHOTS"):
        shutil.copytree(shots, os.environ["NPAE_BOOK_SCREENSHOTS"], dirs_exist_ok=True)
    report = "\n".join(f"{name}:\n  " + "\n  ".join(problems) for name, problems in sorted(found.items()))
    assert not found, f"{len(found)} of {len(names)} pages (and checks) with problems:\n{report}"
    assert len(list(shots.glob("*.png"))) == len(names)
