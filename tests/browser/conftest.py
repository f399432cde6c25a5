"""Fixtures of the browser tests: Chromium through Playwright, and the sample portfolio served.

Outside CI the tests skip, with the reason, when Playwright or /usr/bin/chromium is missing;
with CI set they fail instead (.ci/run installs Debian's chromium).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest
from browserkit import CHROMIUM, CHROMIUM_ARGS, DESKTOP, Site, Traffic, build_site, shared_helpers, unavailable


# Module scope, not session: a running sync Playwright owns the thread's event loop, and
# other tests (tests/test_review.py prints a PDF through Playwright) need it back.
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed: pip install -e '.[test]'")
    if not CHROMIUM.exists():
        unavailable(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver) -> Iterator[object]:
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def sample_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Site]]:
    """The sample portfolio built and served on demand: root or sub-path, with or without
    directory URLs; each variant is built once per session."""
    helpers = shared_helpers()
    built: dict[tuple[bool, bool], Site] = {}

    def get(*, subpath: bool = False, directory_urls: bool = True) -> Site:
        key = (subpath, directory_urls)
        if key not in built:
            tmp = tmp_path_factory.mktemp("site-" + ("subpath" if subpath else "root") + ("-dirurls" if directory_urls else "-files"))
            built[key] = build_site(tmp, helpers, subpath=subpath, directory_urls=directory_urls)
        return built[key]

    yield get
    for site in built.values():
        site.server.stop()


@pytest.fixture(scope="session")
def site(sample_sites: Callable[..., Site]) -> Site:
    """The sample portfolio at the root of the server, with directory URLs (MkDocs' default)."""
    return sample_sites()


@pytest.fixture
def open_page(browser) -> Iterator[Callable[..., tuple[object, Traffic]]]:
    """open_page(scheme="light"|"dark", viewport=DESKTOP) -> (page, traffic): a fresh
    browser context that records every request it makes."""
    contexts = []

    def open_(scheme: str = "light", viewport: dict[str, int] = DESKTOP, **options: object) -> tuple[object, Traffic]:
        context = browser.new_context(color_scheme=scheme, viewport=viewport, service_workers="block", **options)
        contexts.append(context)
        traffic = Traffic()
        traffic.attach(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page, traffic

    yield open_
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()
