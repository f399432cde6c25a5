"""The dossier for a jury: cover, contents, evidence by competence with each note once, the
feedback once, the bibliography, and a selection that keeps a large portfolio's dossier short."""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from kit import ROOT, Portfolio, printed_pages
from mkdocs.exceptions import Abort
from sitecheck import broken_links

from cheminement import dossier, dossier_html
from cheminement.cli import main
from cheminement.dates import PartialDate
from cheminement.settings import DossierSelection

PNG = b"\x89PNG\r\n\x1a\n"  # what the build copies; no viewer opens it


def text(soup) -> str:
    return " ".join(soup.get_text(" ").split())


def the_dossier(folio: Portfolio) -> BeautifulSoup:
    return folio.html("dossier/index.html").select_one("div.chm-dossier")


def held(page: BeautifulSoup) -> set[str]:
    """The ids of the notes the dossier holds (in full, as a path entry, or feedback)."""
    return {item["id"] for item in page.select(".chm-dossier__item")}


@pytest.fixture
def rich(portfolio: Portfolio) -> Portfolio:
    """The base portfolio with a home page that links around, feedback, an image trace and citations."""
    portfolio.write("index.md", """
        # Alice Martin

        Vingt ans de vente, puis l'accompagnement : voir [les compétences](competences/index.md).

        ## Explorer le portfolio

        - [La chronologie](chronologie.md)
    """)
    portfolio.write("retours/sur-atelier.md", """
        ---
        auteur: Marie Dupont
        date: 2025-04-02
        sur: atelier
        visibilite: public
        competences:
          ecoute-active: validée
        ---
        Retour unique CANARYRETOUR sur l'atelier.
    """)
    (portfolio.docs / "traces" / "carte.png").write_bytes(PNG)
    portfolio.write("traces/carte.md", "---\ntitre: Ma carte\ndate: 2023-05\nfichier: carte.png\ncompetences: [evaluation]\n---\nLa carte.\n")
    portfolio.write("recits/libre.md", "---\ntitre: Une note libre\ndate: 2021\n---\nSans compétence, selon [@knowles1980].\n")
    (portfolio.root / "refs.bib").write_text(
        "@book{knowles1980, author={Knowles, Malcolm}, title={The Modern Practice of Adult Education}, year={1980}}\n",
        encoding="utf-8")
    portfolio.configure(options="bibliographie: refs.bib")
    return portfolio


def test_cover_names_the_person_the_certification_and_the_date(rich: Portfolio) -> None:
    rich.configure(options="""
        bibliographie: refs.bib
        profil:
          nom: Alice Martin
          formation: {intitule: Master Ingénierie de la formation, rncp: RNCP35912}
          resume: Vingt ans de vente, puis l'accompagnement.
    """)
    rich.build()
    cover = the_dossier(rich).select_one(".chm-dossier__cover")
    assert cover.select_one("h1").get_text(strip=True) == "Alice Martin"
    assert "Master Ingénierie de la formation" in text(cover) and "35912" in text(cover)
    today = dt.date.today()
    assert PartialDate(today.year, today.month, today.day).display("fr") in text(cover)
    assert "Sur 4 compétences" in text(cover)  # the coverage sentence
    presentation = the_dossier(rich).select_one("#dossier-presentation").parent
    assert "Vingt ans de vente, puis l'accompagnement." in text(presentation)


def test_without_a_profile_the_home_page_introduces_without_its_links(rich: Portfolio) -> None:
    site = rich.build()
    page = the_dossier(rich)
    assert page.select_one(".chm-dossier__cover h1").get_text(strip=True) == "Alice Martin"
    presentation = page.select_one("#dossier-presentation").parent
    assert "voir les compétences" in text(presentation)
    assert not presentation.select("a")  # links to the site's pages are text on paper
    assert "Explorer" not in text(page) and "La chronologie" not in text(page)
    assert "¶" not in text(page)
    assert broken_links(site) == []


def test_evidence_by_competence_each_note_in_full_once(rich: Portfolio) -> None:
    rich.build()
    page = the_dossier(rich)
    sections = [h.get_text(strip=True) for h in page.select(".chm-dossier__competence h3")]
    assert sections == ["Pratiquer l'écoute active", "Construire l'alliance", "Concevoir un dispositif", "Évaluer"]
    listening = page.select_one("#dossier-competence-ecoute-active").find_parent("section")
    assert "J'écoute pour comprendre." in text(listening.select_one(".chm-dossier__words"))
    assert "validée" in text(listening.select_one(".chm-dossier__levels"))
    full = [a.select_one("h4, h3").get_text(strip=True) for a in page.select("article.chm-dossier__note")]
    assert sorted(full) == sorted(["Mon premier entretien", "Co-animer un atelier", "Ma grille d'entretien",
                                   "Ma carte", "Une note libre"])
    assert text(page).count("J'ai relu") == 1
    # Elsewhere, a short reference to the note's place in the dossier, with the level it shows there.
    design = page.select_one("#dossier-competence-conception").find_parent("section")
    reference = design.select_one(".chm-dossier__see-also a[href='#dossier-recit-atelier']")
    assert reference is not None and "niveau 2 sur 4" in text(reference.find_parent("li"))
    # Notes about no competence come after; parcours are a list of periods and organisations.
    assert page.select_one("#dossier-autres").find_parent("section").select_one("#dossier-recit-libre")
    path = text(page.select_one("ol.chm-dossier__path"))
    assert "Commerciale" in path and "Acme (Lyon)" in path and "1998" in path
    assert not page.select("article#dossier-parcours-vente")


def test_feedback_once_with_the_note_it_concerns(rich: Portfolio) -> None:
    rich.build()
    page = the_dossier(rich)
    assert text(page).count("CANARYRETOUR") == 1
    note = page.select_one("article#dossier-recit-atelier")
    assert "CANARYRETOUR" in text(note.select_one("article.chm-dossier__retour"))


def test_images_inline_and_works_cited_once(rich: Portfolio) -> None:
    site = rich.build()
    page = the_dossier(rich)
    image = page.select_one("#dossier-trace-carte img")
    assert image is not None and not image.get("loading")  # printed: never left for later
    assert (site / "dossier" / image["src"]).resolve() == (site / "traces" / "carte.png").resolve()
    works = page.select("#dossier-bibliographie ~ ul li")
    assert len(works) == 1 and "Knowles" in text(works[0])
    citation = page.select_one("#dossier-recit-libre .chm-cite a")
    assert citation["href"] == f"#{works[0]['id']}"
    assert not page.select("section.chm-references, aside.chm-fiche, section.chm-cited")


def test_markup_ids_unique_and_links_inside(rich: Portfolio) -> None:
    rich.build()
    page = the_dossier(rich)
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids))
    for link in page.select("a[href^='#']"):
        assert link["href"][1:] in ids, link
    # A link between two notes of the dossier stays in it.
    assert page.select_one("#dossier-recit-atelier a[href='#dossier-recit-premier-entretien']")


def test_text_around_our_panels_stays_escaped() -> None:
    # What is left of a page once its title and panels are out must not turn back into markup.
    page = '<h1>T</h1>&lt;script&gt;alert(1)&lt;/script&gt;<aside class="chm chm-fiche">x</aside>&lt;b&gt;'
    moved = dossier_html.note_body(page, "recits/t/", "dossier/", "n", [], {})
    assert "<script>" not in moved and "<b>" not in moved and "&lt;script&gt;" in moved
    assert "<script>" not in dossier_html.introduction("&lt;script&gt;x&lt;/script&gt;<p>Bonjour</p>", "", "dossier/")


def test_marked_notes_make_the_selection(rich: Portfolio) -> None:
    note = rich.docs / "recits" / "atelier.md"
    note.write_text(note.read_text(encoding="utf-8").replace("---\ntitre", "---\ndossier: true\ntitre", 1), encoding="utf-8")
    rich.build()
    page = the_dossier(rich)
    # The feedback on it follows; nothing else.
    assert held(page) == {"dossier-recit-atelier", "dossier-retour-sur-atelier"}
    assert "Sélection : 2 notes sur" in text(page.select_one(".chm-dossier__cover"))
    assert [h.get_text(strip=True) for h in page.select(".chm-dossier__competence h3")] == [
        "Pratiquer l'écoute active", "Concevoir un dispositif"]


def test_selection_by_competences_and_dates(rich: Portfolio) -> None:
    rich.configure(options="""
        bibliographie: refs.bib
        selection_dossier: {competences: [conception], depuis: 2024, jusqu_a: 2025-06}
    """)
    rich.build()
    page = the_dossier(rich)
    assert held(page) == {"dossier-recit-atelier", "dossier-parcours-master", "dossier-retour-sur-atelier"}
    assert [h.get_text(strip=True) for h in page.select(".chm-dossier__competence h3")] == ["Concevoir un dispositif"]
    assert not page.select("#dossier-bibliographie")  # the citing note is not in it


def test_command_line_selection_replaces_the_configured_one(rich: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    rich.configure(options="bibliographie: refs.bib\nselection_dossier: {competences: [conception]}")
    monkeypatch.setenv(dossier.SELECTION_VARIABLE, dossier.command_line(("evaluation",), None, None))
    rich.build()
    assert held(the_dossier(rich)) == {"dossier-trace-carte"}


@pytest.mark.parametrize(("option", "expected"), [
    ("selection_dossier: {depuis: 2020-13}", ["mkdocs.yml", "selection_dossier.depuis", "2020-13", "2020-09"]),
    ("selection_dossier: {competences: [concepton]}", ["mkdocs.yml", "concepton", "conception"]),
    ("selection_dossier: {competence: ecoute-active, jusqua: 2020, depuis: 2024}", ["jusqu_a", "Échangez"]),
    ("selection_dossier: {periode: 2020}", ["periode", "competences, depuis, jusqu_a"]),
])
def test_a_wrong_selection_fails_clearly(portfolio: Portfolio, caplog: pytest.LogCaptureFixture, option: str,
                                         expected: list[str]) -> None:
    portfolio.configure(options=option)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for part in expected:
        assert part in logged, logged


def test_selection_reader_in_english() -> None:
    with pytest.raises(dossier.SelectionError) as raised:
        dossier.read_selection({"depuis": "soon"})
    assert raised.value.describe("en") == (
        'mkdocs.yml: selection_dossier.depuis: "soon" is not a date. Write a year (2020), a month (2020-09) or a day (2020-09-15).')
    assert dossier.read_selection({"Jusqu-à": "2025-06", "competences": "a"}) == DossierSelection(("a",), None, PartialDate(2025, 6))


def test_command_checks_its_options_then_prints_the_selection(rich: Portfolio, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(main, ["dossier", str(rich.root), "--pdf", str(tmp_path / "x.pdf"), "--depuis", "hier"])
    assert result.exit_code == 2 and "--depuis" in result.output and "n'est pas une date" in result.output
    printed = printed_pages(monkeypatch)
    result = CliRunner().invoke(main, ["dossier", str(rich.root), "--pdf", str(tmp_path / "x.pdf"),
                                       "--competence", "evaluation", "--competence", "alliance", "--jusqu-a", "2023"])
    assert result.exit_code == 0, result.output
    assert held(BeautifulSoup(printed[0], "lxml")) == {"dossier-recit-premier-entretien", "dossier-trace-carte"}
    assert dossier.SELECTION_VARIABLE not in __import__("os").environ


def test_a_thousand_notes_with_twenty_chosen_give_a_dossier_of_twenty(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    generate.generate(1000, tmp_path)
    folio = Portfolio(tmp_path)
    public = [p for p in sorted((tmp_path / "docs").glob("*/*.md"))
              if p.parent.name in ("recits", "traces", "parcours") and "visibilite: prive" not in p.read_text(encoding="utf-8")]
    chosen = public[::len(public) // 20][:20]
    for path in chosen:
        path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\ndossier: true\n", 1), encoding="utf-8")
    folio.build()
    page = the_dossier(folio)
    assert re.search(r"Sélection : 20 notes sur \d+", text(page))
    expected = {f"dossier-{ {'recits': 'recit', 'traces': 'trace', 'parcours': 'parcours'}[p.parent.name]}-{p.stem}"
                for p in chosen}
    assert held(page) == expected
    size = (folio.site / "dossier" / "index.html").stat().st_size
    assert size < 400_000, f"the dossier of 20 notes weighs {size} bytes"

