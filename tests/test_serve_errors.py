"""Errors shown in the browser under `mkdocs serve` (issue #18, part 2).

Under serve a portfolio with errors still builds: the files in error are left out (with
what only they use), a page the previous build showed keeps its address with a stand-in,
and every page carries a banner naming file, line, problem and fix. `mkdocs build` still
fails. One real `mkdocs serve`; the other cases rebuild in-process with the plugin instance
kept, as serve does.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from kit import Portfolio
from mkdocs.commands.build import build
from mkdocs.config import load_config
from serving import MkDocsServe, fetch, wait_for

from cheminement import errorbanner
from cheminement.model import Problem, Severity

SERVE_URL = "http://127.0.0.1:8000/"
ATELIER = "recits/atelier.md"
# The récit's own words: never in the site while it is left out.
ATELIER_WORDS = "Co-animer un atelier"
# How long to poll the served site: generous, for a machine busy with other builds.
LOADED = 180


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def serve(portfolio: Portfolio) -> Iterator[Callable[[], Path]]:
    """Rebuilds as `mkdocs serve` runs them: `on_startup(serve)` once, then a fresh
    configuration per build (MkDocs keeps the plugin instance, which defines on_startup)."""
    site = portfolio.root / "site"

    def config() -> object:
        return load_config(config_file=str(portfolio.root / "mkdocs.yml"), site_dir=str(site))

    first = config()
    first.plugins.on_startup(command="serve", dirty=False)  # type: ignore[attr-defined]

    def rebuild() -> Path:
        build(config(), serve_url=SERVE_URL)  # type: ignore[arg-type]
        portfolio.site = site
        return site

    yield rebuild
    first.plugins.on_shutdown()  # type: ignore[attr-defined]


def banner(site: Path, page: str = "index.html") -> BeautifulSoup | None:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "lxml").select_one("aside.chm-errors")


def site_text(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file())


def test_real_serve_shows_the_error_in_the_browser_and_keeps_serving(portfolio: Portfolio) -> None:
    with MkDocsServe(portfolio.root / "mkdocs.yml") as server:
        base = server.base
        wait_for(base + "recits/atelier/", ATELIER_WORDS.encode(), timeout=LOADED)
        assert b"chm-errors" not in wait_for(base, b"</html>", timeout=LOADED)

        edit(portfolio.docs / ATELIER, "date: 2025-03", "date: 2025-13")
        # The page the learner is looking at reloads onto the banner: file, line, problem, fix.
        body = wait_for(base + "recits/atelier/", b"chm-errors", timeout=LOADED)
        found = BeautifulSoup(body, "lxml").select_one("aside.chm-errors")
        assert found is not None
        text = found.get_text(" ", strip=True)
        assert "recits/atelier.md" in text and "ligne 3" in text
        assert "« 2025-13 » n'est pas une date valide" in text and "AAAA-MM-JJ" in text
        # …and shows none of the broken récit (the stand-in keeps its address, not its words).
        assert ATELIER_WORDS.encode() not in body
        # The other pages are still served, whole, with the banner; the terminal says it too.
        status, other = fetch(base + "recits/premier-entretien/")
        assert status == 200 and b"Mon premier entretien" in other and b"chm-errors" in other
        assert "recits/atelier.md:3" in server.log and "Traceback" not in server.log
        assert server.process.poll() is None

        edit(portfolio.docs / ATELIER, "date: 2025-13", "date: 2025-04")
        body = wait_for(base + "recits/atelier/", ATELIER_WORDS.encode(), timeout=LOADED)
        assert b"chm-errors" not in body
        assert b"chm-errors" not in fetch(base + "recits/premier-entretien/")[1]


@pytest.mark.parametrize(("old", "new", "line", "said"), [
    ("date: 2025-03", "date: 2025-13", 3, "« 2025-13 » n'est pas une date valide"),
    ("ecoute-active: Maîtrise", "ecoute-active: Virtuose", 5, "Virtuose"),
    ("modele: kolb", "modele: [kolb", None, "YAML"),
], ids=["bad-date", "unknown-level", "broken-yaml"])
def test_each_kind_of_error_leaves_the_file_out_and_names_it(
        portfolio: Portfolio, serve: Callable[[], Path], old: str, new: str, line: int | None, said: str) -> None:
    serve()
    edit(portfolio.docs / ATELIER, old, new)
    site = serve()
    for page in ("index.html", "chronologie/index.html", "recits/premier-entretien/index.html", "404.html"):
        found = banner(site, page)
        assert found is not None, page
        where = found.select_one(".chm-errors__where").get_text()
        assert where.startswith("recits/atelier.md") and (line is None or f"ligne {line}" in where)
        assert said in found.get_text()
        assert found.select_one(".chm-errors__fix").get_text().strip()
    # Built from no broken text: the récit is out of every page, its address a stand-in.
    assert ATELIER_WORDS not in site_text(site)
    assert "Page en attente de correction" in (site / "recits/atelier/index.html").read_text(encoding="utf-8")
    # `mkdocs build` on the same folder still refuses.
    run = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "-q"], cwd=portfolio.root,
                         capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""})
    assert run.returncode != 0 and "recits/atelier.md" in run.stderr + run.stdout


def test_the_fix_takes_the_banner_away(portfolio: Portfolio, serve: Callable[[], Path]) -> None:
    serve()
    edit(portfolio.docs / ATELIER, "date: 2025-03", "date: 2025-13")
    assert banner(serve()) is not None
    edit(portfolio.docs / ATELIER, "date: 2025-13", "date: 2025-03")
    site = serve()
    assert all(banner(site, str(page.relative_to(site))) is None for page in site.rglob("*.html"))
    assert ATELIER_WORDS in (site / "recits/atelier/index.html").read_text(encoding="utf-8")


def test_a_new_broken_note_is_simply_left_out(portfolio: Portfolio, serve: Callable[[], Path]) -> None:
    serve()
    portfolio.write("recits/nouveau.md", "---\ntitre: Un récit tout neuf\ndate: 2025-02-30\n---\nMots neufs.\n")
    site = serve()
    assert banner(site) is not None and "recits/nouveau.md" in banner(site).get_text()
    assert not (site / "recits/nouveau").exists()
    assert "Mots neufs" not in site_text(site) and "Un récit tout neuf" not in site_text(site)


def test_the_banner_escapes_what_it_quotes(portfolio: Portfolio, serve: Callable[[], Path]) -> None:
    edit(portfolio.docs / ATELIER, "date: 2025-03", 'date: "<script>alert(1)</script><b>x</b>"')
    site = serve()
    page = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "lxml")
    found = page.select_one("aside.chm-errors")
    assert found is not None and "<script>alert(1)</script><b>x</b>" in found.get_text()
    assert found.find("script") is None and found.find("b") is None
    assert not any("alert(1)" in (script.string or "") for script in page.find_all("script"))


def test_english_with_the_site_in_english(portfolio: Portfolio, serve: Callable[[], Path]) -> None:
    portfolio.configure(options="langue: en", language="en")
    edit(portfolio.docs / ATELIER, "date: 2025-03", "date: 2025-13")
    found = banner(serve())
    assert found is not None
    text = found.get_text(" ", strip=True)
    assert "The portfolio has 1 error" in text and "line 3" in text and "is not a valid date" in text
    assert "ligne" not in text


def test_a_private_note_in_error_is_named_in_the_terminal_only(portfolio: Portfolio,
                                                                serve: Callable[[], Path]) -> None:
    """The banner says a private note has an error; its path and quoted values, which the
    message would repeat (« 2025-13 SECRETDATE »), stay in the terminal."""
    portfolio.write("journal/doutes.md", "---\ntype: recit\ntitre: Mes doutes secrets\ndate: 2025-13\n---\nUn carnet très privé.\n")
    portfolio.write("recits/cache.md", "---\ntitre: Caché\nvisibilite: prive\ndate: 2025-13 SECRETDATE\n---\nTexte caché.\n")
    site = serve()
    found = banner(site)
    assert found is not None and found.get_text().count("Une note privée (ou dont l'en-tête ne se lit pas) a une erreur") == 2
    text = site_text(site)
    for private in ("journal/doutes.md", "recits/cache.md", "SECRETDATE", "Mes doutes secrets", "carnet très privé", "Texte caché"):
        assert private not in text


def test_what_only_the_broken_note_used_stays_out(portfolio: Portfolio, serve: Callable[[], Path]) -> None:
    (portfolio.docs / "recits" / "atelier-photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    edit(portfolio.docs / ATELIER, "Voir [[premier-entretien]].", "Voir [[premier-entretien]].\n\n![](atelier-photo.png)")
    assert (serve() / "recits" / "atelier-photo.png").exists()
    edit(portfolio.docs / ATELIER, "date: 2025-03", "date: 2025-13")
    site = serve()
    assert banner(site) is not None
    assert not (site / "recits" / "atelier-photo.png").exists()


def test_an_error_outside_the_notes_shows_nothing_of_the_portfolio(portfolio: Portfolio,
                                                                    serve: Callable[[], Path]) -> None:
    serve()
    edit(portfolio.docs / "referentiel.yml", "echelle: [Découverte", "echelle: [[Découverte")
    site = serve()
    found = banner(site)
    assert found is not None and "referentiel.yml" in found.get_text()
    assert "rien du portfolio n'est montré" in found.get_text()
    text = site_text(site)
    for words in (ATELIER_WORDS, "Mon premier entretien", "Pratiquer l'écoute active", "Un carnet privé"):
        assert words not in text
    # The pages the learner had open keep their address, and reload onto the explanation.
    assert banner(site, "recits/premier-entretien/index.html") is not None


def test_many_errors_fold_after_the_first(portfolio: Portfolio, serve: Callable[[], Path]) -> None:
    for number in range(7):
        portfolio.write(f"recits/casse-{number}.md", f"---\ntitre: Cassé {number}\ndate: 2025-13\n---\nTexte.\n")
    found = banner(serve())
    assert found is not None
    assert "7 erreurs" in found.select_one(".chm-errors__title").get_text()
    assert len(found.select("ol.chm-errors__list")[0].find_all("li")) == 5
    more = found.select_one("details.chm-errors__more")
    assert more is not None and "2 autres erreurs" in more.summary.get_text()
    assert more.select_one("ol")["start"] == "6"


def test_mkdocs_build_still_fails_on_the_same_errors(portfolio: Portfolio) -> None:
    edit(portfolio.docs / ATELIER, "date: 2025-03", "date: 2025-13")
    with pytest.raises(SystemExit):
        portfolio.build()
    assert not (portfolio.site / "index.html").exists()


def test_a_dirty_serve_keeps_nothing_of_the_last_build_when_nothing_is_shown(portfolio: Portfolio) -> None:
    site = portfolio.root / "site"
    config = load_config(config_file=str(portfolio.root / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=True)
    try:
        build(config, serve_url=SERVE_URL, dirty=True)
        assert ATELIER_WORDS in site_text(site)
        edit(portfolio.docs / "referentiel.yml", "echelle: [Découverte", "echelle: [[Découverte")
        build(load_config(config_file=str(portfolio.root / "mkdocs.yml"), site_dir=str(site)), serve_url=SERVE_URL,
              dirty=True)
    finally:
        config.plugins.on_shutdown()
    assert banner(site) is not None
    text = site_text(site)
    assert ATELIER_WORDS not in text and "Pratiquer l'écoute active" not in text


def test_the_private_preview_still_leaves_a_broken_note_out(portfolio: Portfolio, serve: Callable[[], Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHEMINEMENT_APERCU_PRIVE", "1")
    edit(portfolio.docs / ATELIER, "titre: Co-animer un atelier", "titre: Co-animer un atelier\nvisibilite: prive")
    assert ATELIER_WORDS in site_text(serve())  # previewed while it reads well
    edit(portfolio.docs / ATELIER, "date: 2025-03", "date: 2025-13")
    site = serve()
    assert banner(site) is not None and ATELIER_WORDS not in site_text(site)


def test_pages_that_link_to_the_left_out_note_still_build(portfolio: Portfolio, serve: Callable[[], Path]) -> None:
    edit(portfolio.docs / "recits" / "premier-entretien.md", "J'ai relu [[vente]]", "J'ai relu [[atelier]], [[vente]]")
    edit(portfolio.docs / ATELIER, "date: 2025-03", "date: 2025-13")
    site = serve()
    page = BeautifulSoup((site / "recits/premier-entretien/index.html").read_text(encoding="utf-8"), "lxml")
    assert page.select_one("aside.chm-errors") is not None
    assert "J'ai relu" in page.get_text() and not page.select('a[href*="atelier"]')


def test_an_incremental_serve_updates_the_banner_on_every_page(portfolio: Portfolio) -> None:
    """`serve --dirty` keeps the pages no edit reaches: a change in the errors reaches all."""
    site = portfolio.root / "site"

    def config() -> object:
        return load_config(config_file=str(portfolio.root / "mkdocs.yml"), site_dir=str(site))

    def titles() -> set[str]:
        return {banner(site, str(page.relative_to(site))).select_one(".chm-errors__title").get_text()
                for page in site.rglob("*.html")}

    first = config()
    first.plugins.on_startup(command="serve", dirty=True)  # type: ignore[attr-defined]
    try:
        edit(portfolio.docs / ATELIER, "date: 2025-03", "date: 2025-13")
        edit(portfolio.docs / ATELIER, "ecoute-active: Maîtrise", "ecoute-active: Virtuose")
        build(first, serve_url=SERVE_URL, dirty=True)  # type: ignore[arg-type]
        assert titles() == {"Le portfolio contient 2 erreurs : corrigez-les et enregistrez, cette page se mettra à jour."}
        # One fixed, one left: the same files are published, yet every page must say so.
        edit(portfolio.docs / ATELIER, "date: 2025-13", "date: 2025-03")
        build(config(), serve_url=SERVE_URL, dirty=True)  # type: ignore[arg-type]
        assert titles() == {"Le portfolio contient 1 erreur : corrigez-la et enregistrez, cette page se mettra à jour."}
    finally:
        first.plugins.on_shutdown()  # type: ignore[attr-defined]


def error_in(path: str) -> Problem:
    return Problem(path, 3, Severity.ERROR, "bad-date", {"key": "date", "value": "2025-13"}, (("bad-date.fix", {}),))


def test_leaving_a_file_out_may_leave_others_out_and_stops_at_what_cannot_be() -> None:
    asked: list[frozenset[str]] = []

    def republish(left: frozenset[str]) -> list[Problem]:
        asked.append(left)
        # Without a.md, its photo's absence is an error in b.md; then nothing more.
        return [error_in("a.md")] + ([error_in("b.md")] if len(asked) == 1 else [error_in("a.md")])

    left, seen = errorbanner.leave_out([error_in("a.md")], {"a.md", "b.md", "c.md"}, republish)
    assert left == {"a.md", "b.md"} and asked == [{"a.md"}, {"a.md", "b.md"}]
    assert [p.file for p in seen] == ["a.md", "b.md"]
    left, seen = errorbanner.leave_out([error_in("a.md"), error_in("referentiel.yml")], {"a.md"}, republish)
    assert left is None and [p.file for p in seen] == ["a.md", "referentiel.yml"]


def test_a_long_list_of_errors_ends_with_a_pointer_to_the_terminal() -> None:
    made = errorbanner.banner([error_in(f"recits/n{number:03}.md") for number in range(103)], "en")
    assert len(made.xpath(".//li")) == errorbanner.SHOWN_AT_MOST
    assert made.xpath("string(.//p[@class='chm-errors__rest'])") == "And 3 more errors, listed in the terminal."
