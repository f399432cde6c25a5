"""build-all stores the theme's files once for every portfolio, and publishes no source map.

Material's scripts and sheets, its search worker and language files, our sheets and the
institution's logo and colours are the same bytes in every portfolio: SITE/_assets/<key>/
holds one copy, written by the parent from the installed packages, and every page points
at it with relative URLs. These tests build real portfolios and look at the bytes on disk.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from kit import FIXTURES, Portfolio
from sitecheck import broken_links
from test_institution import LOGO, portfolio

from cheminement.cli import main
from cheminement.institution import Institution as InstitutionSettings
from cheminement.institution import Job, complete, institution_theme_files
from cheminement.shared_assets import STORE, Store, ThemeFiles, lunr_needed, share, theme_folders, tidy_site

EVIL = b"/* not the theme's */ document.title = 'remplace';\n"
MATERIAL = Path(theme_folders()[-1])


def build_all(root: Path, out: Path, *args: str):
    return CliRunner().invoke(main, ["build-all", str(root), "--out", str(out), *args])


def institution_root(base: Path, site_url: str | None = None) -> Path:
    """ROOT with a logo and colours, a French, a default and an English portfolio."""
    root = base / "root"
    root.mkdir(parents=True)
    (root / "logo.svg").write_bytes(LOGO)
    settings = "nom: Université de Test\nlogo: logo.svg\ncouleurs: {primaire: '#004a8f'}\n"
    if site_url:
        settings += f"mkdocs:\n  site_url: {site_url}\n"
    (root / "cheminement-institution.yml").write_text(settings, encoding="utf-8")
    portfolio(root, "alice", "site_name: Alice\ndocs_dir: portfolio\ntheme: {name: material, language: fr}\n")
    portfolio(root, "bob")
    portfolio(root, "eve", "site_name: Eve\ndocs_dir: portfolio\ntheme: {name: material, language: en}\n"
                           "plugins:\n  - cheminement: {langue: en}\n")
    return root


@dataclass
class Built:
    root: Path
    out: Path
    output: str
    exit_code: int

    @property
    def store(self) -> Path:
        [folder] = (self.out / STORE).iterdir()
        return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("assets")
    root = institution_root(base)
    # Mallory ships a file at the path of Material's script, with other bytes.
    mallory = portfolio(root, "mallory")
    bundle = next((MATERIAL / "assets" / "javascripts").glob("bundle.*.min.js"))
    forged = mallory / "portfolio" / "assets" / "javascripts" / bundle.name
    forged.parent.mkdir(parents=True)
    forged.write_bytes(EVIL)
    out = base / "site"
    result = build_all(root, out, "--processus", "2")
    return Built(root, out, result.output, result.exit_code)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_theme_files_are_stored_once(built: Built) -> None:
    assert [line for line in built.output.splitlines() if line.startswith(("alice", "bob", "eve"))]
    assert all("construit" in line for line in built.output.splitlines() if line.startswith(("alice ", "bob ", "eve ")))
    theme = institution_theme_files(InstitutionSettings.load(built.root))
    assert built.store.name == theme.key
    stored = {p.relative_to(built.store).as_posix(): p for p in files_under(built.store)}
    assert any(path.startswith("assets/javascripts/bundle.") for path in stored)
    for path, file in stored.items():
        assert file.read_bytes() == theme.published[path], path  # the installed theme's bytes
    # No portfolio keeps a copy: every file's bytes are on disk once.
    copies = Counter(digest(p) for p in files_under(built.out)
                     if p.parent != built.out and p.suffix in (".js", ".css", ".png", ".svg"))  # the index's logo aside
    assert [d for d, n in copies.items() if n > 1] == []
    for slug in ("alice", "bob", "eve"):
        assert not (built.out / slug / "assets" / "javascripts").exists()
        assert not (built.out / slug / "assets" / "stylesheets").exists()
        state = json.loads((built.out / slug / ".cheminement-build.json").read_text(encoding="utf-8"))
        assert state["assets"]["store"] == theme.key and set(state["assets"]["files"]) <= set(stored)
    portfolio_bytes = sum(p.stat().st_size for slug in ("alice", "bob", "eve") for p in files_under(built.out / slug))
    store_bytes = sum(p.stat().st_size for p in stored.values())
    assert store_bytes < 1_300_000 and portfolio_bytes < 3 * 600_000, (store_bytes, portfolio_bytes)


def test_every_reference_resolves_and_no_source_map_is_published(built: Built) -> None:
    assert broken_links(built.out) == []
    assert [p for p in files_under(built.out) if p.suffix == ".map"] == []
    assert [p for p in files_under(built.out) if p.suffix in (".js", ".css") and b"sourceMappingURL" in p.read_bytes()] == []
    page = (built.out / "alice" / "recits" / "atelier" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "lxml")
    config = json.loads(soup.find("script", id="__config").string)
    worker = Path(built.out / "alice" / "recits" / "atelier" / config["search"]).resolve()
    assert worker.is_file() and worker.is_relative_to(built.store)  # Material's worker, from the store
    assert config["search"].startswith("../../../_assets/")
    assert soup.find("link", rel="stylesheet")["href"].startswith("../../../_assets/")


def test_search_languages_follow_each_portfolio(built: Built) -> None:
    """Material's worker loads `../lunr/min/lunr.<lang>.min.js` beside itself: the store has
    those of the French portfolios, and no other language; the English one needs none."""
    lunr = {p.relative_to(built.store).as_posix() for p in files_under(built.store) if "/lunr/" in p.as_posix()}
    assert lunr == {"assets/javascripts/lunr/min/lunr.fr.min.js", "assets/javascripts/lunr/min/lunr.stemmer.support.min.js"}
    english = json.loads((built.out / "eve" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert english["config"]["lang"] == ["en"]
    assert not (built.out / "eve" / "assets" / "javascripts").exists()


def test_a_learner_file_named_like_a_theme_file_reaches_no_one(built: Built) -> None:
    line = next(line for line in built.output.splitlines() if line.startswith("mallory"))
    assert "ÉCHEC" in line and built.exit_code == 1
    assert [p for p in files_under(built.out) if EVIL in p.read_bytes()] == []
    bundle = next(built.store.glob("assets/javascripts/bundle.*.min.js"))
    installed = (MATERIAL / "assets" / "javascripts" / bundle.name).read_bytes()
    assert installed.startswith(bundle.read_bytes().rstrip(b"\n"))  # Material's, its map comment aside


def test_the_parent_stores_the_theme_bytes_whatever_the_child_says(tmp_path: Path) -> None:
    """A child's result only names paths: the store is written from the installed theme,
    never from the built site, and only at the theme's own paths."""
    out = tmp_path / "site"
    out.mkdir()
    theme = ThemeFiles.load(theme_folders())
    job = Job("mallory", tmp_path / "mallory", out / "mallory", InstitutionSettings(root=tmp_path), "h", Store(out, theme))
    bundle = next(path for path in theme.published if path.startswith("assets/javascripts/bundle."))
    forged = job.staging / bundle
    forged.parent.mkdir(parents=True)
    forged.write_bytes(EVIL)
    (job.staging / "index.html").write_text("<p>Bonjour</p>", encoding="utf-8")
    result = {"status": "built", "listed": True, "shared": [bundle, "../../evil.js", "assets/evil.js", 3]}
    assert complete(job, result).status == "built"
    stored = out / STORE / theme.key
    assert (stored / bundle).read_bytes() == theme.published[bundle]
    assert [p.relative_to(stored).as_posix() for p in files_under(stored)] == [bundle]
    assert not (tmp_path / "evil.js").exists() and not (out / "evil.js").exists()
    state = json.loads((out / "mallory" / ".cheminement-build.json").read_text(encoding="utf-8"))
    assert state["assets"] == {"store": theme.key, "files": [bundle]}


def test_a_damaged_store_file_is_written_again(tmp_path: Path) -> None:
    theme = ThemeFiles.load(theme_folders())
    path = next(p for p in theme.published if p.endswith(".css"))
    Store(tmp_path, theme).add([path])
    target = tmp_path / STORE / theme.key / path
    target.write_bytes(target.read_bytes()[:100])  # an interrupted copy
    Store(tmp_path, theme).add([path])
    assert target.read_bytes() == theme.published[path]


def test_share_leaves_a_file_with_other_bytes_where_it_is(tmp_path: Path) -> None:
    theme = ThemeFiles.load(theme_folders())
    bundle = next(path for path in theme.published if path.startswith("assets/javascripts/bundle."))
    sheet = next(path for path in theme.published if path.startswith("assets/stylesheets/main."))
    site = tmp_path / "site"
    (site / bundle).parent.mkdir(parents=True)
    (site / bundle).write_bytes(EVIL)
    (site / sheet).parent.mkdir(parents=True)
    (site / sheet).write_bytes(theme.published[sheet])
    (site / "recits").mkdir()
    (site / "recits" / "index.html").write_text(
        f'<!doctype html><html><head><link rel="stylesheet" href="../{sheet}?v=1"></head>'
        f'<body><script src="../{bundle}"></script><a href="https://example.org/{sheet}">x</a></body></html>',
        encoding="utf-8")
    assert share(site, theme) == [sheet]
    soup = BeautifulSoup((site / "recits" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert soup.find("link")["href"] == f"../../_assets/{theme.key}/{sheet}?v=1"
    assert soup.find("script")["src"] == f"../{bundle}"  # not the theme's bytes: stays, unshared
    assert soup.find("a")["href"] == f"https://example.org/{sheet}"
    assert (site / bundle).read_bytes() == EVIL and not (site / sheet).exists()


def test_pages_differ_only_by_the_theme_files_urls(built: Built, tmp_path: Path) -> None:
    """The pages are parsed and written again: their text, elements and Material's settings
    stay the same (the worker's URL aside)."""
    alone = tmp_path / "alone"
    assert build_all(built.root, alone, "--autonome").exit_code == 1  # Mallory
    pages = sorted((alone / "alice").rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        relative = page.relative_to(alone / "alice")
        before = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        after = BeautifulSoup((built.out / "alice" / relative).read_text(encoding="utf-8"), "lxml")
        assert [t.name for t in before.find_all(True)] == [t.name for t in after.find_all(True)], relative
        assert _settings(before) == _settings(after), relative
        assert before.get_text().split() == after.get_text().split(), relative


def _settings(soup: BeautifulSoup) -> dict[str, object]:
    """Material's `__config`, taken out of the page, without the worker's URL."""
    script = soup.find("script", id="__config")
    config = json.loads(script.string)
    script.decompose()
    return {key: value for key, value in config.items() if key != "search"}


def test_autonome_keeps_each_site_whole(built: Built, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(built.root, root, ignore=shutil.ignore_patterns("mallory"))
    out = tmp_path / "site"
    first = build_all(root, out, "--autonome")
    assert first.exit_code == 0, first.output
    assert not (out / STORE).exists()
    for slug in ("alice", "bob", "eve"):
        assert broken_links(out / slug) == []
        assert (out / slug / "assets" / "stylesheets").is_dir()
        assert [p for p in files_under(out / slug) if p.suffix == ".map"] == []
    lunr = {p.name for p in (out / "alice").rglob("lunr*.js")}
    assert lunr == {"lunr.fr.min.js", "lunr.stemmer.support.min.js"}
    assert not list((out / "eve").rglob("lunr*.js"))
    second = build_all(root, out)  # sharing on: every site is built again, to share
    assert "3 construit(s), 0 inchangé(s)" in second.output
    assert not (out / "alice" / "assets" / "stylesheets").exists() and broken_links(out) == []


def test_unused_store_folders_are_removed_and_lost_files_restored(built: Built, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(built.root, root, ignore=shutil.ignore_patterns("mallory"))
    out = tmp_path / "site"
    assert build_all(root, out).exit_code == 0
    [key] = [p.name for p in (out / STORE).iterdir()]
    (out / STORE / "0ld" / "assets").mkdir(parents=True)  # from a previous version: nobody names it
    (out / STORE / "k3pt" / "assets").mkdir(parents=True)  # named by a portfolio not rebuilt
    (out / "zoe").mkdir()
    (out / "zoe" / ".cheminement-build.json").write_text(json.dumps({"hash": "x", "assets": {"store": "k3pt", "files": []}}))
    lost = next((out / STORE / key).rglob("*.css"))
    lost.unlink()
    again = build_all(root, out)
    assert "0 construit(s), 3 inchangé(s)" in again.output
    assert sorted(p.name for p in (out / STORE).iterdir()) == sorted([key, "k3pt"])
    assert lost.is_file() and broken_links(out) == []
    # A portfolio folder whose state cannot be read might name any store: nothing is removed.
    (out / "zoe" / ".cheminement-build.json").unlink()
    (out / STORE / "0ld").mkdir()
    build_all(root, out)
    assert (out / STORE / "0ld").is_dir()


def test_the_404_page_names_the_store_under_site_url(tmp_path: Path) -> None:
    root = institution_root(tmp_path, site_url="https://portfolios.example/promo-2026/")
    out = tmp_path / "site"
    assert build_all(root, out).exit_code == 0
    soup = BeautifulSoup((out / "alice" / "404.html").read_text(encoding="utf-8"), "lxml")
    sheets = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assert sheets and all(href.startswith("/promo-2026/_assets/") for href in sheets), sheets
    for href in sheets:
        assert (out / href.removeprefix("/promo-2026/")).is_file()


def test_a_portfolio_built_alone_keeps_its_theme_files_without_maps(tmp_path: Path) -> None:
    """`cheminement build` (and `mkdocs build`, then tidy_site): self-contained, no source
    map, only the search languages the site uses."""
    folder = Portfolio(tmp_path)
    shutil.copytree(FIXTURES / "base", folder.docs)
    folder.configure()
    site = folder.build()
    assert list(site.rglob("*.map"))  # MkDocs copies Material's maps…
    tidy_site(site)
    assert list(site.rglob("*.map")) == []  # …published no more
    assert {p.name for p in site.rglob("lunr*.js")} == {"lunr.fr.min.js", "lunr.stemmer.support.min.js"}
    assert not list(site.rglob("wordcut.js")) and not list(site.rglob("tinyseg.js"))
    assert [p for p in site.rglob("*.js") if b"sourceMappingURL" in p.read_bytes()] == []
    assert broken_links(site) == []
    assert list(site.glob("assets/javascripts/bundle.*.min.js")) and list(site.glob("assets/javascripts/workers/search.*.min.js"))


@pytest.mark.parametrize(("langs", "expected"), [
    (["en"], set()),
    (["fr"], {"min/lunr.stemmer.support.min.js", "min/lunr.fr.min.js"}),
    (["ja", "en"], {"min/lunr.stemmer.support.min.js", "tinyseg.js", "min/lunr.ja.min.js", "min/lunr.multi.min.js"}),
    (["th"], {"min/lunr.stemmer.support.min.js", "wordcut.js", "min/lunr.th.min.js"}),
])
def test_search_languages_as_material_loads_them(tmp_path: Path, langs: list[str], expected: set[str]) -> None:
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps({"config": {"lang": langs}, "docs": []}))
    needed = lunr_needed(tmp_path, ThemeFiles.load(theme_folders()))
    assert needed == {"assets/javascripts/lunr/" + name for name in expected}


def test_search_languages_all_kept_when_unknown(tmp_path: Path) -> None:
    assert lunr_needed(tmp_path, ThemeFiles.load(theme_folders())) is None  # no search index


def test_the_benchmark_counts_the_bytes_of_build_all(tmp_path: Path) -> None:
    """benchmarks/institution.py's measure_build_all (called by benchmarks/run.py)."""
    import sys

    from kit import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from institution import measure_build_all
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    shared = measure_build_all(2, 15, tmp_path)
    assert shared["built"] == 2 and shared["theme_bytes"] == 0 and shared["map_bytes"] == 0
    assert 0 < shared["store_bytes"] < 1_300_000 and shared["own_bytes"] > 100_000
    assert shared["total_bytes"] == shared["own_bytes"] + shared["store_bytes"] + (
        sum(p.stat().st_size for p in (tmp_path / "site").iterdir() if p.is_file()))
    alone = measure_build_all(2, 15, tmp_path, "--autonome")
    assert alone["store_bytes"] == 0 and alone["theme_bytes"] > shared["store_bytes"]
