"""Helpers for the browser tests: build the sample portfolio, serve it, drive Chromium.

The sample portfolio (root mkdocs.yml, notes in content/) is built into a temporary folder
and served by a small threaded `http.server` on 127.0.0.1, either at the root of the
server or under a sub-path (a parent folder holds the site at portfolios/claire/), the way
an organisation hosts many learners' portfolios on one site.
"""

from __future__ import annotations

import functools
import http.server
import importlib
import os
import sys
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BROWSER_TESTS = Path(__file__).resolve().parent
TESTS = BROWSER_TESTS.parent
ROOT = TESTS.parent
ARTIFACTS = ROOT / "artifacts"

# Debian's Chromium: Playwright drives it, nothing is downloaded (`playwright install` is
# never needed). The flags keep the browser from calling home while the tests run.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

SUBPATH = "/portfolios/claire/"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCHEMES = {"light": "default", "dark": "slate"}  # Playwright colour scheme -> Material's


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; in CI (CI set) the browser tests must run, so fail."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


def require(module: str):
    """Import a test dependency; outside CI, skip the module's tests when it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"{module} is not installed: pip install -e '.[test]'", allow_module_level=True)


def shared_helpers():
    """tests/kit.py, the helpers tests/conftest.py uses (Portfolio builds a site for real)."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    import kit

    return kit


# -- Serving --------------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files; a missing file gets the site's 404.html, like GitHub Pages or nginx."""

    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.server.not_found_page
        if code != HTTPStatus.NOT_FOUND or page is None or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    not_found_page: Path | None = None

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the browser hangs up on purpose when it navigates away; that is no failure


class StaticServer:
    """A threaded http.server on 127.0.0.1 and a free port, serving one folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._server = _Server(("127.0.0.1", 0), functools.partial(_Handler, directory=str(directory)))
        self.port = self._server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"site-{self.port}", daemon=True)

    def start(self, not_found_page: Path | None = None) -> None:
        self._server.not_found_page = not_found_page
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Site:
    """One build of the sample portfolio, served."""

    name: str
    directory: Path
    base_url: str  # ends with "/"
    directory_urls: bool
    subpath: bool
    server: StaticServer = field(repr=False)

    @property
    def origin(self) -> str:
        return self.server.origin

    def url(self, page: str = "") -> str:
        """URL of a page named as with directory URLs ("", "competences/", "recits/x/").

        Without directory URLs MkDocs writes `recits/x.md` as recits/x.html and
        `competences/index.md` as competences/index.html: the built files tell which."""
        if not self.directory_urls and (not page or page.endswith("/")):
            if (self.directory / page / "index.html").is_file():
                page += "index.html"
            else:
                page = page.rstrip("/") + ".html"
        return self.base_url + page

    def pages(self) -> list[str]:
        """Every HTML page of the site (the 404 page aside), named as for `url()`."""
        names = []
        for path in sorted(self.directory.rglob("*.html")):
            rel = path.relative_to(self.directory).as_posix()
            if rel == "404.html":
                continue
            if self.directory_urls:
                rel = rel[: -len("index.html")] if rel.endswith("index.html") else rel
            names.append(rel)
        return names

    def page_urls(self) -> list[str]:
        return [self.base_url + name for name in self.pages()]

    def is_internal(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    def pick(self, folder: str, preferred: str, *, contains: str | None = None) -> str:
        """A page of `folder`: `preferred` if the sample still has it, else the first one
        (whose HTML contains `contains`, when given). Other people edit content/."""
        wanted = f"{folder}/{preferred}/"
        if (self.directory / wanted / "index.html").is_file() or (self.directory / f"{folder}/{preferred}.html").is_file():
            return wanted
        candidates = sorted(p for p in (self.directory / folder).glob("*/index.html"))
        if not candidates:
            candidates = sorted(p for p in (self.directory / folder).glob("*.html") if p.name != "index.html")
        for path in candidates:
            if contains is None or contains in path.read_text(encoding="utf-8"):
                name = path.parent.name if path.name == "index.html" else path.stem
                return f"{folder}/{name}/"
        pytest.fail(f"the sample portfolio has no page in {folder}/ to test")


def build_site(tmp: Path, helpers, *, subpath: bool, directory_urls: bool) -> Site:
    """Build the sample portfolio into `tmp` and serve it (root or sub-path)."""
    served = tmp / "www"
    served.mkdir(parents=True)
    server = StaticServer(served)
    if subpath:
        site_dir = served / SUBPATH.strip("/")
        # Material's 404 page is served at any URL, so MkDocs gives it absolute links taken
        # from site_url's path: under a sub-path, site_url is required.
        site_url = server.origin + SUBPATH
        base_url = site_url
    else:
        site_dir = served
        site_url = None  # as in the sample mkdocs.yml
        base_url = server.origin + "/"
    helpers.Portfolio(ROOT).build(site_dir=str(site_dir), use_directory_urls=directory_urls, site_url=site_url)
    server.start(not_found_page=site_dir / "404.html")
    name = ("subpath" if subpath else "root") + ("-dirurls" if directory_urls else "-files")
    return Site(name, site_dir, base_url, directory_urls, subpath, server)


# -- Pages -----------------------------------------------------------------------------------


@dataclass
class Traffic:
    """Every request a browser context made, and every answer that was not a success."""

    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def attach(self, context) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("requestfailed", lambda request: self.failures.append(f"{request.url} ({request.failure})"))
        context.on(
            "response",
            lambda response: self.failures.append(f"{response.url} -> {response.status}") if response.status >= 400 else None,
        )

    def third_party(self) -> list[str]:
        """Requests that left 127.0.0.1 (data: and blob: URLs are not requests to anyone)."""
        outside = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname != "127.0.0.1":
                outside.append(url)
        return outside


def settle(page, scheme: str = "light") -> None:
    """Wait for Material's palette (chosen from prefers-color-scheme by its script) and for
    its colour transitions to end, so that what we measure is what a visitor sees."""
    expected = SCHEMES[scheme]
    page.wait_for_function(
        "expected => document.body && document.body.getAttribute('data-md-color-scheme') === expected"
        " && document.getAnimations().every(a => a.playState !== 'running')",
        arg=expected,
    )


def goto(page, url: str, scheme: str = "light", expect_status: int = 200):
    response = page.goto(url, wait_until="load")
    assert response is not None, url
    assert response.status == expect_status, f"{url}: HTTP {response.status}"
    settle(page, scheme)
    return response


def main_pages(site) -> dict[str, str]:
    """The pages every browser check visits: one of each kind the plugin renders."""
    return {
        "home": "",
        "competences": "competences/",
        "competence": site.pick("competences", "ecoute-active", contains="chm-chart"),
        "chronologie": "chronologie/",
        "recit": site.pick("recits", "2022-02-premier-entretien"),
        "parcours": site.pick("parcours", "2019-bilan-de-competences"),
        "trace": site.pick("traces", "carte-mentale-atelier", contains="chm-trace__image"),
        "dossier": "dossier/",
    }
