"""The built site in headless Chromium (Playwright): every page loads cleanly, search, tables, screenshots.

Playwright cannot download its own browser here, so it drives the system Chromium (Debian's
``chromium`` package) through ``executable_path``. Without one the test is skipped with the
reason; ``make docs-check`` sets IPERNITY_DOCS_CHECK=required, which turns the skip into a failure.
Screenshots of the home page, the reference index and one method page go to ``site-check/``.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Request, Response

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "site-check"
METHOD_PAGE = "reference/methods/upload.checkTickets/"
# (query, the method page that must come first)
SEARCHES = [
    ("check_tickets", "upload.checkTickets"),
    ("upload.checkTickets", "upload.checkTickets"),
    ("get_quota", "account.getQuota"),
    ("account.getQuota", "account.getQuota"),
]


def _chromium() -> tuple[str | None, str]:
    """(path of a usable Chromium, or None, and why not)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return None, "playwright is not installed (pip install -e '.[docs]')"
    path = shutil.which(os.environ.get("IPERNITY_CHROMIUM") or "chromium") or shutil.which("chromium-browser")
    if path is None:
        return None, "no Chromium found (apt-get install chromium, or set IPERNITY_CHROMIUM to its path)"
    return path, ""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No request log on the test's output."""


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The built site on 127.0.0.1, on a free port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path, reason = _chromium()
    if path is None:
        if _required():
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _required() -> bool:
    return os.environ.get("IPERNITY_DOCS_CHECK") == "required"


def _pages(site: Path) -> list[str]:
    """Every page of the site (the strict build fails on a page left out of the navigation).

    ``make test`` loads a sample to stay quick: every page written by hand or indexing the
    reference, and a few method and model pages; ``make docs-check`` loads them all.
    """
    found = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    pages = ["" if path == "." else path + "/" for path in found]
    if _required():
        return pages
    methods = [p for p in pages if p.startswith("reference/methods/")]
    models = [p for p in pages if p.startswith("reference/models/")]
    sample = set(methods[:3] + models[:3] + [METHOD_PAGE, "reference/methods/doc.get/"])
    return [p for p in pages if p in sample or p not in methods + models]


class Problems(list[str]):
    """What went wrong while pages loaded: console errors, script errors, failed requests."""

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.append(f"console: {message.text}")

    def script(self, error: Exception) -> None:
        self.append(f"script error: {error}")

    def request(self, request: Request) -> None:
        # A request the next page load cut short (the search index, the favicon) did not fail.
        if request.failure != "net::ERR_ABORTED":
            self.append(f"failed: {request.url} ({request.failure})")

    def response(self, response: Response) -> None:
        if response.status >= 400:
            self.append(f"{response.status}: {response.url}")


def test_every_page_loads_without_console_errors_or_failed_requests(browser: Browser, served: str, site: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    problems = Problems()
    page.on("console", problems.console)
    page.on("pageerror", problems.script)
    page.on("requestfailed", problems.request)
    page.on("response", problems.response)
    for path in _pages(site):
        before = len(problems)
        page.goto(served + path, wait_until="load")
        assert page.locator("h1").count() >= 1, path
        problems[before:] = [f"{path or '/'}: {problem}" for problem in problems[before:]]
    context.close()
    assert problems == []


def test_search_finds_python_and_api_names(browser: Browser, served: str) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(served)
    search = page.locator("input.md-search__input")
    first = page.locator(".md-search-result__item > a").first
    for query, expected in SEARCHES:
        # A query typed before the search index has loaded finds nothing: type it again until
        # the first result is that of this query, for at most a minute.
        for attempt in range(12):
            search.click()
            search.fill("")
            search.press_sequentially(query)  # key by key, as a reader types: search listens to keys
            try:
                expect(first).to_have_attribute("href", re.compile(rf"/{re.escape(expected)}/"), timeout=5_000)
                break
            except AssertionError:
                if attempt == 11:
                    raise
        page.keyboard.press("Escape")
    page.close()


def test_method_page_tables_and_screenshots(browser: Browser, served: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + METHOD_PAGE)
    tables = page.locator("article table")
    columns = [tables.nth(i).locator("thead th").count() for i in range(tables.count())]
    assert columns == [2, 6, 4], columns
    for index, count in enumerate(columns):
        rows = tables.nth(index).locator("tbody tr")
        assert all(rows.nth(r).locator("td").count() == count for r in range(rows.count()))
    parameters = tables.nth(1).locator("tbody tr").first.locator("td")
    assert parameters.nth(2).inner_text() == "Sequence[str] | str"
    page.screenshot(path=str(SCREENSHOTS / "method-upload.checkTickets.png"), full_page=True)
    for name, path in (("home", ""), ("reference-index", "reference/")):
        page.goto(served + path)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.close()
