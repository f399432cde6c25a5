"""Real builds of small portfolios, with assertions on the parsed HTML."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from kit import ROOT, Portfolio
from mkdocs.exceptions import Abort
from sitecheck import broken_links


def text(soup) -> str:
    return " ".join(soup.get_text(" ").split())


def article(folio: Portfolio, path: str):
    return folio.html(path).select_one("article.md-content__inner")


# -- The sample portfolio -----------------------------------------------------------------


def test_sample_portfolio_builds_strict_with_every_page(tmp_path: Path) -> None:
    folio = Portfolio(ROOT)
    site = folio.build(strict=True, site_dir=str(tmp_path / "site"))
    for page in ("index.html", "competences/index.html", "chronologie/index.html",
                 "parcours/index.html", "recits/index.html", "traces/index.html"):
        assert (site / page).is_file(), page
    competence_pages = [p for p in (site / "competences").iterdir() if p.is_dir()]
    assert len(competence_pages) >= 12
    assert not (site / "journal").exists()
    assert broken_links(site) == []


# -- Competence index and pages -------------------------------------------------------------


def test_competence_index_counts_levels_and_coverage(portfolio: Portfolio) -> None:
    portfolio.build()
    page = article(portfolio, "competences/index.html")
    row = next(r for r in page.select("tbody tr") if "Pratiquer l'écoute active" in r.th.get_text())
    headers = [text(th) for th in row.find_parent("table").select("thead th")][1:]
    cells = dict(zip(headers, (text(td) for td in row.find_all("td")), strict=True))
    assert cells["Statut"] == "● étayée"
    assert cells["Niveau estimé"].startswith("Maîtrise (niveau 3 sur 4)")
    assert "Expertise (niveau 4 sur 4)" in cells["Objectif"]
    assert "Maîtrise (niveau 3 sur 4)" in cells["Dernier niveau démontré"]  # 2025-03
    assert text(row.select_one("details.chm-evidence summary")).startswith("2 récits, 1 trace, 1 parcours")
    assert row.select("td")[-1].find("time")["datetime"] == "2025-03"
    coverage = page.select_one("section.chm-coverage")
    uncovered = [text(li.a) for li in coverage.select("#statut-aucun li")]
    assert uncovered == ["Évaluer"]
    assert "Sur 4 compétences : 3 étayées" in text(coverage)
    domains = [text(h2) for h2 in page.select("section.chm-domain h2")]
    assert domains == ["Relation", "Ingénierie"]


def test_competence_page_merges_learner_text_evidence_and_progression(portfolio: Portfolio) -> None:
    site = portfolio.build()
    assert sorted(p.name for p in (site / "competences").glob("ecoute-active*")) == ["ecoute-active"]
    page = article(portfolio, "competences/ecoute-active/index.html")
    assert text(page.h1) == "Pratiquer l'écoute active"
    assert "J'écoute pour comprendre." in text(page)
    assert "RNCP35504BC02" in text(page.select_one("dl.chm-facts"))
    cards = page.select("ol.chm-cards article")
    titles = [text(card.select_one(".chm-card__title")) for card in cards]
    assert titles == ["Commerciale", "Ma grille d'entretien", "Mon premier entretien", "Co-animer un atelier"]
    svg = page.select_one("figure.chm-chart svg")
    assert svg["role"] == "img" and svg.title
    steps = [text(li) for li in page.select("ol.chm-chart__text li")]
    assert steps[0].startswith("9 février 2022 : Application (niveau 2 sur 4)")
    assert steps[1].startswith("mars 2025 : Maîtrise (niveau 3 sur 4)")
    assert len(svg.select("circle")) == 2
    # A competence without a page of its own still gets a generated one.
    other = article(portfolio, "competences/evaluation/index.html")
    assert "Aucune note publiée ne mentionne encore cette compétence." in text(other)


# -- Timeline ---------------------------------------------------------------------------


def test_timeline_groups_by_year_newest_first(portfolio: Portfolio) -> None:
    portfolio.build()
    page = article(portfolio, "chronologie/index.html")
    years = [int(h2["id"].removeprefix("annee-")) for h2 in page.select("section.chm-year h2")]
    assert years == sorted(years, reverse=True) == [2025, 2024, 2022, 1998]
    events = page.select("li.chm-event")
    starts = [e.select_one(".chm-event__when time")["datetime"] for e in events]
    assert starts == ["2025-03", "2024-09", "2022-02-09", "2022-01", "1998-09"]
    master = events[1]
    assert master["data-kind"] == "parcours"
    assert "en cours" in text(master.select_one(".chm-event__when"))
    vente = events[-1]
    assert [t["datetime"] for t in vente.select("time")] == ["1998-09", "2006"]
    assert "Acme, Lyon" in text(vente)


def test_timeline_order_is_configurable(portfolio: Portfolio) -> None:
    portfolio.configure(options="ordre_chronologie: ancien")
    portfolio.build()
    page = article(portfolio, "chronologie/index.html")
    starts = [t["datetime"] for t in page.select("li.chm-event .chm-event__when time:first-of-type")]
    assert starts == ["1998-09", "2022-01", "2022-02-09", "2024-09", "2025-03"]


# -- Note pages ---------------------------------------------------------------------------


def test_recit_page_has_panel_chips_links_and_wikilinks(portfolio: Portfolio) -> None:
    portfolio.build()
    page = article(portfolio, "recits/premier-entretien/index.html")
    panel = page.select_one("aside.chm-fiche")
    assert "Cycle de Gibbs" in text(panel)
    assert panel.select_one("time")["datetime"] == "2022-02-09"
    chips = {text(a): a["href"] for a in panel.select("a.chm-chip")}
    assert chips == {
        "Pratiquer l'écoute active · Application": "../../competences/ecoute-active/",
        "Construire l'alliance · Découverte": "../../competences/alliance/",
    }
    links = {text(a): a["href"] for a in panel.select("ul.chm-inline a")}
    assert links == {"Master ingénierie de formation": "../../parcours/master/", "Ma grille d'entretien": "../../traces/grille/"}
    body_links = {text(a): a["href"] for a in page.select("p a")}
    assert body_links["Commerciale"] == "../../parcours/vente/"
    assert body_links["l'écoute"] == "../../competences/ecoute-active/"


def test_backlinks_list_citing_notes(portfolio: Portfolio) -> None:
    portfolio.build()
    master = article(portfolio, "parcours/master/index.html").select_one("section.chm-cited")
    assert [text(a) for a in master.select("a")] == ["Mon premier entretien"]
    grille = article(portfolio, "traces/grille/index.html").select_one("section.chm-cited")
    assert [text(a) for a in grille.select("a")] == ["Mon premier entretien"]
    cited = article(portfolio, "recits/premier-entretien/index.html").select_one("section.chm-cited")
    assert [text(a) for a in cited.select("a")] == ["Co-animer un atelier"]


def test_trace_pages_show_images_and_publish_files(portfolio: Portfolio) -> None:
    shutil.copy(ROOT / "content" / "traces" / "carte-mentale-atelier.png", portfolio.docs / "traces" / "carte.png")
    portfolio.write("traces/carte.md", """
        ---
        titre: Carte mentale
        date: 2023
        fichier: carte.png
        ---
    """)
    site = portfolio.build()
    assert (site / "traces" / "grille.pdf").is_file()
    assert (site / "traces" / "carte.png").is_file()
    grille = article(portfolio, "traces/grille/index.html")
    assert grille.select_one("a.chm-button")["href"] == "../grille.pdf"
    carte = article(portfolio, "traces/carte/index.html")
    image = carte.select_one("figure.chm-trace__image img")
    assert image["src"] == "../carte.png" and image["alt"]


def test_listing_pages_and_navigation(portfolio: Portfolio) -> None:
    portfolio.build()
    listing = article(portfolio, "recits/index.html")
    assert [text(a) for a in listing.select(".chm-card__title a")] == ["Co-animer un atelier", "Mon premier entretien"]
    nav = portfolio.html("index.html").select_one("nav.md-nav--primary > ul.md-nav__list")
    titles = [text(a) for a in nav.select(":scope > li > a")]
    assert titles == ["Portfolio de test", "Parcours", "Compétences", "Récits", "Traces", "Chronologie", "Dossier"]


# -- Links, URLs, escaping, language -------------------------------------------------------


@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_internal_link_resolves(portfolio: Portfolio, directory_urls: bool) -> None:
    site = portfolio.build(use_directory_urls=directory_urls)
    assert broken_links(site) == []
    if not directory_urls:
        page = article(portfolio, "recits/premier-entretien.html")
        assert page.select_one("a.chm-chip")["href"] == "../competences/ecoute-active.html"


HOSTILE = "<script>alert('titre')</script>"


def test_hostile_values_are_escaped_everywhere(portfolio: Portfolio) -> None:
    portfolio.write("recits/hostile.md", f"""
        ---
        titre: "{HOSTILE}"
        date: 2023-05
        resume: "<img src=x onerror=alert('resume')>"
        competences: [ecoute-active]
        tags: ["<b>gras</b>"]
        ---
        Texte.
    """)
    portfolio.write("parcours/hostile.md", """
        ---
        titre: Poste
        debut: 2010
        organisation: "<svg onload=alert('org')>"
        ---
    """)
    site = portfolio.build()
    pages = list(site.rglob("*.html"))
    assert pages
    for path in pages:
        soup = portfolio.html(str(path.relative_to(site)))
        for script in soup.find_all("script"):
            assert "alert(" not in script.get_text(), path
        assert not soup.find_all(attrs={"onerror": True}), path
        assert not soup.find_all(attrs={"onload": True}), path
        assert not soup.find_all("b", string="gras"), path
    recit = portfolio.html("recits/hostile/index.html")
    assert HOSTILE in recit.title.get_text()
    assert HOSTILE in text(recit.select_one("article h1"))
    timeline = article(portfolio, "chronologie/index.html")
    assert HOSTILE in text(timeline)


def test_english_labels_and_dates(portfolio: Portfolio) -> None:
    portfolio.configure(language="en")
    portfolio.build()
    index = article(portfolio, "competences/index.html")
    headers = [text(th) for th in index.select("thead th")]
    assert headers[:3] == ["Competence", "Status", "Self-assessed level"]
    assert "Mastery" not in text(index)  # labels of the référentiel stay as the learner wrote them
    recit = article(portfolio, "recits/premier-entretien/index.html")
    assert "9 February 2022" in text(recit.select_one("aside"))
    assert "Gibbs' cycle" in text(recit.select_one("aside"))
    timeline = portfolio.html("chronologie/index.html")
    assert text(timeline.select_one("article h1")) == "Timeline"


def test_langue_option_overrides_theme_language(portfolio: Portfolio) -> None:
    portfolio.configure(options="langue: en", language="fr")
    portfolio.build()
    assert text(portfolio.html("competences/index.html").select_one("article h1")) == "Competences"


# -- Problems during a build --------------------------------------------------------------------


def test_unknown_wikilink_is_a_warning_that_fails_strict(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write("recits/lien.md", """
        ---
        titre: Lien cassé
        date: 2024
        ---
        Voir [[ecoute-activ]].
    """)
    with caplog.at_level(logging.WARNING):
        portfolio.build()
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("mkdocs.plugins.cheminement")]
    assert any("recits/lien.md:5" in w and "[[ecoute-activ]]" in w and "ecoute-active" in w for w in warnings)
    paragraph = article(portfolio, "recits/lien/index.html").select_one("p")
    assert text(paragraph) == "Voir ecoute-activ."
    assert paragraph.find("a") is None
    with pytest.raises(Abort):
        portfolio.build(strict=True)


def test_errors_fail_the_build_listing_every_problem(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write("recits/a.md", "---\ntitre: A\ndate: 2025-13-01\n---\n")
    portfolio.write("parcours/b.md", "---\ntitre: B\ndebut: 2020\ncompetences: [ecoute]\n---\n")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "recits/a.md:3" in logged and "2025-13-01" in logged
    assert "parcours/b.md:4" in logged and "ecoute-active" in logged
    assert not (portfolio.root / "site" / "recits" / "a").exists()


def test_front_matter_never_reaches_the_page_as_text(portfolio: Portfolio) -> None:
    # MkDocs alone would render a front matter it cannot parse as page text.
    portfolio.write("recits/tags.md", "---\ntitre: Tags\ndate: 2024\ntags: [a, b]\n---\nCorps du récit.\n")
    portfolio.build()
    page = article(portfolio, "recits/tags/index.html")
    assert "titre:" not in text(page)
    assert "Corps du récit." in text(page)
