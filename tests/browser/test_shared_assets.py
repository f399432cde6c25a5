"""build-all's shared theme files in a real browser, under a sub-path.

`cheminement build-all` stores Material's scripts, sheets, search worker and language files
once, in SITE/_assets/<key>/, and every portfolio's pages name them with relative URLs.
Here SITE is served under /portfolios/ by a static server on 127.0.0.1, as an institution
would host it: each portfolio's pages load, its search runs (the worker, loaded from the
store, fetches the portfolio's own index and its language file beside itself), and no
request fails, for two portfolios in French and one in English; the 404 page (absolute
URLs from site_url) is styled too.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browserkit import StaticServer, goto, shared_helpers

PREFIX = "/portfolios/"


@dataclass
class Served:
    out: Path
    server: StaticServer

    def url(self, path: str) -> str:
        return self.server.origin + PREFIX + path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    kit = shared_helpers()
    from click.testing import CliRunner

    from cheminement.cli import main

    base = tmp_path_factory.mktemp("shared-assets")
    www = base / "www"
    out = www / PREFIX.strip("/")
    out.mkdir(parents=True)
    server = StaticServer(www)
    root = base / "root"
    root.mkdir()
    (root / "cheminement-institution.yml").write_text(
        f"nom: Université de Test\nmkdocs:\n  site_url: {server.origin}{PREFIX}\n", encoding="utf-8")
    for slug, language in (("alice", "fr"), ("bob", "fr"), ("eve", "en")):
        shutil.copytree(kit.FIXTURES / "base", root / slug / "portfolio")
        (root / slug / "mkdocs.yml").write_text(
            f"site_name: {slug}\ndocs_dir: portfolio\n"
            f"theme: {{name: material, language: {language}, palette: {{scheme: default}}}}\n"
            f"plugins:\n  - cheminement: {{langue: {language}}}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build-all", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "_assets").is_dir() and not (out / "alice" / "assets" / "javascripts").exists()
    server.start(not_found_page=out / "alice" / "404.html")
    yield Served(out, server)
    server.stop()


@pytest.mark.parametrize(("slug", "query"), [("alice", "atelier"), ("bob", "entretien"), ("eve", "atelier")])
def test_search_runs_from_the_shared_worker_under_a_sub_path(served: Served, open_page, slug: str, query: str) -> None:
    page, traffic = open_page()
    goto(page, served.url(f"{slug}/chronologie/"))
    page.locator(".md-search__input").click()
    page.keyboard.type(query)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="attached")
    hrefs = results.evaluate_all("els => els.map(e => e.href)")
    assert hrefs, "search found nothing"
    for href in hrefs[:5]:
        assert urlsplit(href).path.startswith(f"{PREFIX}{slug}/"), href  # the portfolio's own pages
        assert page.request.get(href.split("#")[0]).status == 200, href
    paths = [urlsplit(url).path for url in traffic.requests]
    assert any(p.startswith(f"{PREFIX}_assets/") and "/workers/search." in p for p in paths), paths
    assert f"{PREFIX}{slug}/search/search_index.json" in paths
    lunr = [p for p in paths if "/lunr/" in p]
    if slug == "eve":
        assert lunr == []  # English needs no language file
    else:
        assert any(p.startswith(f"{PREFIX}_assets/") and p.endswith("/lunr.fr.min.js") for p in lunr), paths
    assert not traffic.failures, traffic.failures
    assert not traffic.third_party()


def test_pages_load_every_file_from_the_store(served: Served, open_page) -> None:
    page, traffic = open_page()
    for path in ("alice/", "alice/competences/", "bob/recits/atelier/", "eve/dossier/"):
        goto(page, served.url(path))
        colour = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), (path, colour)  # Material's sheet applied
    stored = [url for url in traffic.requests if urlsplit(url).path.startswith(f"{PREFIX}_assets/")]
    assert any(url.endswith(".css") for url in stored) and any(url.endswith(".js") for url in stored)
    # The worker's language files are cancelled when the next page is opened: not a failure.
    assert [f for f in traffic.failures if not f.endswith("(net::ERR_ABORTED)")] == []


def test_the_404_page_is_styled_at_any_depth(served: Served, open_page) -> None:
    page, traffic = open_page()
    goto(page, served.url("alice/pas/de/page/"), expect_status=404)
    colour = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), colour
    assert not [f for f in traffic.failures if "/pas/de/page/" not in f], traffic.failures
