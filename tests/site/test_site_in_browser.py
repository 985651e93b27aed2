"""The documentation site, checked in a real browser: every page of site/ (``make docs``) loads in headless
Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright) with no failed request, no script error,
no broken image, no formula MathJax could not typeset, and no link to a missing page or anchor; the
search box finds things.

Marked ``browser``: ``make test`` leaves it out (it needs the site built, Playwright and Chromium);
``make docs-check`` runs it with ``CHAINRULE_DOCS_CHECK=1``, which turns a missing prerequisite from a
skip into a failure. Links to other sites are not followed (no network here); they are counted.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

SITE = Path(__file__).resolve().parents[2] / "site"
CHROMIUM = os.environ.get("CHAINRULE_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# after the page's load event: MathJax (the notebooks) has typeset everything, or is not there
MATH_DONE = "() => !window.MathJax || (MathJax.isReady && MathJax.Hub.queue.pending === 0)"
BROKEN_IMAGES = "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
IDS = "() => [...document.querySelectorAll('[id]')].map(e => e.id)"
# MathJax 2 probes its web fonts against a font-face "MathJax_Blank" at about:blank, which Chromium refuses
# and reports; that is no resource of the site
MATHJAX_PROBE = "about:blank"


def _note(visit: Visit, problem: str) -> None:
    if MATHJAX_PROBE not in problem:
        visit.problems.append(problem)


def _missing(what: str) -> None:
    if os.environ.get("CHAINRULE_DOCS_CHECK"):
        pytest.fail(f"{what} (make docs-check needs it)")
    pytest.skip(what)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    if not (SITE / "index.html").is_file():
        _missing("the site is not built: run make docs")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (the docs extra: pip install -e '.[docs]')")
    if shutil.which(CHROMIUM) is None:
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


def _pages() -> list[str]:
    return sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*.html") if "assets" not in p.parts)


class Visit:
    """What one page showed: its problems, its links and the anchors it has."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()


def _visit(browser: Any, base: str, page_path: str) -> Visit:
    visit = Visit()
    host = urllib.parse.urlsplit(base).netloc
    page = browser.new_page()

    def route(request_route: Any) -> None:  # nothing leaves the machine
        if urllib.parse.urlsplit(request_route.request.url).netloc in (host, ""):
            request_route.continue_()
        else:
            visit.problems.append(f"requests {request_route.request.url} from another site")
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: _note(visit, f"script error: {error}"))
    page.on("console", lambda m: m.type == "error" and _note(visit, f"console: {m.text} {m.location['url']}"))
    page.on("requestfailed", lambda r: _note(visit, f"failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and _note(visit, f"HTTP {r.status}: {r.url}"))
    response = page.goto(base + page_path, wait_until="load")
    if response is None or response.status != 200:
        visit.problems.append(f"status {None if response is None else response.status}")
    page.wait_for_function(MATH_DONE, timeout=60_000)
    visit.problems += [f"broken image {src}" for src in page.evaluate(BROKEN_IMAGES)]
    if "Math Processing Error" in page.inner_text("body"):
        visit.problems.append("MathJax: Math Processing Error")
    visit.links = page.evaluate(LINKS)
    visit.ids = set(page.evaluate(IDS))
    page.close()
    return visit


def test_every_page_loads_and_every_link_leads_somewhere(browser: Any, server: str) -> None:
    pages = _pages()
    assert "index.html" in pages
    assert any(p.startswith("api/") for p in pages), "no API reference"
    assert any(p.startswith("examples/") for p in pages), "no notebooks"
    visits = {path: _visit(browser, server, path) for path in pages}
    problems = [f"{path}: {problem}" for path, v in visits.items() for problem in v.problems]
    external = set()
    for path, visit in visits.items():
        for link in visit.links:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme not in ("http", "https"):
                continue
            if not link.startswith(server):
                external.add(link)
                continue
            target = urllib.parse.unquote(parts.path[1:]) or "index.html"
            if not (SITE / target).is_file():
                problems.append(f"{path}: link to a missing {target}")
            elif parts.fragment and target in visits and parts.fragment not in visits[target].ids:
                problems.append(f"{path}: link to a missing anchor {target}#{parts.fragment}")
    assert not problems, "\n".join(problems)
    print(f"{len(pages)} pages, {len(external)} links to other sites not followed")


@pytest.mark.parametrize("where", ["served", "opened from disk"])
def test_the_search_box_finds_a_function(browser: Any, server: str, where: str) -> None:
    base = server if where == "served" else SITE.as_uri() + "/"  # README: "open site/index.html"
    page = browser.new_page()
    page.goto(base + "index.html", wait_until="load")
    page.click("input.md-search__input")
    page.keyboard.type("jacobian")  # key by key, as a reader types: the search runs on input events
    page.wait_for_selector(".md-search-result__item", timeout=60_000)
    found = page.inner_text(".md-search-result")
    page.close()
    assert "jacobian" in found.lower()
