"""Coach review: feedback notes, evidence statuses, what changed, the printable dossier."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import Portfolio
from sitecheck import broken_links

from cheminement import pdf
from cheminement.cli import main


def text(soup) -> str:
    return " ".join(soup.get_text(" ").split())


@pytest.fixture
def reviewed(portfolio: Portfolio) -> Portfolio:
    portfolio.write("retours/atelier-marie.md", """
        ---
        auteur: Marie Dupont
        date: 2025-04-02
        sur: atelier
        visibilite: public
        competences:
          ecoute-active: validée
          conception: relue
        ---
        Très beau récit : on voit ce que [[premier-entretien]] t'a appris.
    """)
    portfolio.write("retours/alliance.md", """
        ---
        auteur: Marie Dupont
        date: 2025-05
        sur: competences/alliance
        visibilite: public
        ---
        Pense à relier l'alliance à ton expérience de bénévole.
    """)
    portfolio.write("retours/prive.md", """
        ---
        auteur: Marie Dupont
        date: 2025-06
        sur: premier-entretien
        competences:
          evaluation: validée
        ---
        Retour privé CANARYK001 : à garder entre nous.
    """)
    return portfolio


def row(folio: Portfolio, title: str) -> dict[str, str]:
    index = folio.html("competences/index.html")
    found = next(r for r in index.select("tbody tr") if title in r.th.get_text())
    headers = [text(th) for th in found.find_parent("table").select("thead th")][1:]
    return dict(zip(headers, (text(td) for td in found.find_all("td")), strict=True))


def test_statuses_from_evidence_and_feedback(reviewed: Portfolio) -> None:
    reviewed.build()
    assert row(reviewed, "écoute active")["Statut"] == "✔ validée"
    assert row(reviewed, "Concevoir")["Statut"] == "◉ relue"
    assert row(reviewed, "alliance")["Statut"] == "◉ relue"  # feedback about the competence itself
    assert row(reviewed, "Évaluer")["Statut"] == "○ sans élément"  # the private feedback does not count
    index = reviewed.html("competences/index.html")
    assert text(index.select_one(".chm-coverage__sentence")) == (
        "Sur 4 compétences : 3 étayées par un récit, une trace ou un retour "
        "(dont 1 validée et 2 relues par l'accompagnant·e) ; 1 sans élément.")
    groups = [text(s) for s in index.select("details.chm-by-status__group > summary")]
    assert groups == ["✔ validée : 1", "◉ relue : 2", "○ sans élément : 1"]
    page = reviewed.html("competences/ecoute-active/index.html")
    assert "✔ validée" in text(page.select_one("dl.chm-facts"))


def test_statuses_without_feedback(portfolio: Portfolio) -> None:
    portfolio.write("competences/evaluation.md", "---\nniveau: 2\n---\nJe m'y mets.\n")
    portfolio.build()
    assert row(portfolio, "écoute active")["Statut"] == "● étayée"  # récits and a trace
    assert row(portfolio, "Évaluer")["Statut"] == "◐ déclarée"  # a self-assessed level only


def test_feedback_block_on_the_target_page(reviewed: Portfolio) -> None:
    reviewed.build()
    block = reviewed.html("recits/atelier/index.html").select_one("section.chm-retours")
    assert text(block.h2) == "Retours de l'accompagnant·e"
    retour = block.select_one("article.chm-retour")
    assert text(retour.select_one(".chm-retour__meta")) == "Marie Dupont · 2 avril 2025"
    link = retour.select_one(".chm-retour__body a")
    assert text(link) == "Mon premier entretien" and link["href"] == "../premier-entretien/"
    assert retour.select_one(".chm-retour__link a")["href"] == "../../retours/atelier-marie/"
    competence = reviewed.html("competences/alliance/index.html").select_one("section.chm-retours")
    assert "Pense à relier l'alliance" in text(competence)
    assert reviewed.html("recits/premier-entretien/index.html").select_one("section.chm-retours") is None


def test_feedback_page_and_listing(reviewed: Portfolio) -> None:
    site = reviewed.build()
    listing = reviewed.html("retours/index.html").select_one("article")
    assert [text(a) for a in listing.select(".chm-card__title a")] == ["Retour de Marie Dupont", "Retour de Marie Dupont"]
    nav = [text(a) for a in reviewed.html("index.html").select("nav.md-nav--primary > ul > li > a")]
    assert "Retours" in nav
    page = reviewed.html("retours/atelier-marie/index.html").select_one("aside.chm-fiche")
    assert "Marie Dupont" in text(page) and "Co-animer un atelier" in text(page)
    assert not (site / "retours" / "prive").exists()
    leaked = [p for p in site.rglob("*") if p.is_file() and b"CANARYK001" in p.read_bytes()]
    assert leaked == []
    assert broken_links(site) == []


def test_no_feedback_section_without_public_feedback(portfolio: Portfolio) -> None:
    portfolio.write("retours/prive.md", "---\nauteur: M\ndate: 2025\nsur: atelier\n---\nPrivé.\n")
    site = portfolio.build()
    assert not (site / "retours").exists()
    nav = [text(a) for a in portfolio.html("index.html").select("nav.md-nav--primary > ul > li > a")]
    assert "Retours" not in nav


def test_feedback_problems_have_lines(portfolio: Portfolio) -> None:
    portfolio.write("retours/mauvais.md", "---\nauteur: M\ndate: 2025\nsur: ateliers\ncompetences:\n  alliance: bof\n---\n")
    result = CliRunner().invoke(main, ["check", str(portfolio.root / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "ligne 4 · erreur : « sur » cite « ateliers »" in result.output and "« atelier »" in result.output
    assert "ligne 6 · erreur : « bof » n'est pas une valeur possible pour « competences »" in result.output


def test_changes_since_a_previous_build(reviewed: Portfolio, tmp_path: Path) -> None:
    first = reviewed.build(site_dir=str(tmp_path / "before"))
    note = reviewed.docs / "recits" / "atelier.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nUn paragraphe de plus.\n", encoding="utf-8")
    reviewed.write("recits/nouveau.md", "---\ntitre: Un nouveau récit\ndate: 2026-01\n---\n")
    (reviewed.docs / "parcours" / "vente.md").unlink()
    reviewed.configure(options=f"depuis: {first}")
    reviewed.build()
    page = reviewed.html("nouveautes/index.html").select_one("article")
    assert [text(a) for a in page.select("#nouvelles ~ ol .chm-card__title a")] == ["Un nouveau récit"]
    changed = page.select_one("section[aria-labelledby=modifiees]")
    assert [text(a) for a in changed.select(".chm-card__title a")] == ["Co-animer un atelier"]
    assert "Commerciale" not in text(page)  # a removed note may have become private: not shown


def test_changes_since_a_date_in_a_git_repository(portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    env = {"GIT_AUTHOR_DATE": "2024-01-10T10:00:00", "GIT_COMMITTER_DATE": "2024-01-10T10:00:00"}
    subprocess.run(["git", "init", "-q", str(portfolio.root)], check=True)
    subprocess.run([*git, "-C", str(portfolio.root), "add", "."], check=True)
    subprocess.run([*git, "-C", str(portfolio.root), "commit", "-qm", "old"], check=True, env={**env, "PATH": "/usr/bin:/bin"})
    note = portfolio.docs / "recits" / "premier-entretien.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nRelu.\n", encoding="utf-8")
    monkeypatch.setenv("CHEMINEMENT_DEPUIS", "2025-06-01")
    portfolio.build()
    page = portfolio.html("nouveautes/index.html").select_one("article")
    assert "depuis le 1er juin 2025" in text(page)
    assert [text(a) for a in page.select(".chm-card__title a")] == ["Mon premier entretien"]


def test_bad_since_value_fails_clearly(portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.exceptions import Abort

    monkeypatch.setenv("CHEMINEMENT_DEPUIS", "la semaine dernière")
    with pytest.raises(Abort):
        portfolio.build()


def test_dossier_contains_every_public_recit_once(reviewed: Portfolio) -> None:
    reviewed.write("recits/secret.md", "---\ntitre: Secret\ndate: 2024\nvisibilite: prive\n---\nCANARYK002\n")
    site = reviewed.build()
    page = reviewed.html("dossier/index.html").select_one("article")
    recits = [text(h) for h in page.select("article.chm-dossier__note[id^=dossier-recit-] > .chm-dossier__head > h4")]
    assert recits == ["Mon premier entretien", "Co-animer un atelier"]  # at their first competence, by date
    assert text(page).count("J'ai relu") == 1  # each récit's text exactly once
    assert "CANARYK002" not in (site / "dossier" / "index.html").read_text(encoding="utf-8")
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert broken_links(site) == []
    assert reviewed.html("dossier/index.html").find("meta", attrs={"name": "robots"}) is not None
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"location":"dossier/' not in index.replace(" ", "")


def test_dossier_pdf(reviewed: Portfolio, tmp_path: Path) -> None:
    if pdf.chromium_path() is None:
        pytest.skip("no Chromium on this machine (CI installs Debian's chromium)")
    output = tmp_path / "dossier.pdf"
    result = CliRunner().invoke(main, ["dossier", str(reviewed.root / "mkdocs.yml"), "--pdf", str(output)])
    assert result.exit_code == 0, result.output
    assert "dossier.pdf" in result.output
    data = output.read_bytes()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(output)
    assert len(reader.pages) >= 3
    first = reader.pages[0].extract_text()
    assert "Portfolio de test" in first and re.search(r"1 / \d+", first)  # the cover, numbered


def test_dossier_pdf_without_engine_fails_clearly(reviewed: Portfolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_engine(page: Path, output: Path) -> str:
        raise pdf.NoEngine()

    monkeypatch.setattr(pdf, "write_pdf", no_engine)
    result = CliRunner().invoke(main, ["dossier", str(reviewed.root), "--pdf", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "Aucun moteur PDF" in result.output and "WeasyPrint" in result.output
    assert not (tmp_path / "x.pdf").exists()
    shutil.rmtree(reviewed.root / "site", ignore_errors=True)
