"""Authoring from an empty folder: init, new (each kind), build --strict, check; schemas."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from cheminement.authoring import journal_folder
from cheminement.settings import Settings

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run(*args: str, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    # No terminal on stdin: a command that would ask a question refuses instead.
    result = subprocess.run([str(BIN / args[0]), *args[1:]], cwd=cwd, env=ENV, capture_output=True, text=True,
                            timeout=300, stdin=subprocess.DEVNULL)
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_from_an_empty_folder_to_a_strict_build(tmp_path: Path) -> None:
    folio = tmp_path / "mon-portfolio"
    run("cheminement", "init", str(folio), cwd=tmp_path)
    assert (folio / ".gitignore").read_text(encoding="utf-8").startswith("#")
    assert "site/" in (folio / ".gitignore").read_text(encoding="utf-8")
    attestation = tmp_path / "attestation stage.pdf"
    attestation.write_bytes(b"%PDF-1.4\n% attestation\n")

    created = run("cheminement", "new", "recit", "L'écoute : mon premier atelier", "--competences",
                  "communiquer,cooperer", "--modele", "kolb", cwd=folio).stdout
    assert "portfolio/recits/" in created and "l-ecoute-mon-premier-atelier.md" in created
    run("cheminement", "new", "parcours", "Stage chez Acme", cwd=folio)
    run("cheminement", "new", "trace", "Attestation de stage", "--fichier", str(attestation), "--competences", "organiser", cwd=folio)
    run("cheminement", "new", "trace", "Article en ligne", "--lien", "https://example.org/article", cwd=folio)
    run("cheminement", "new", "competence", "Organiser", cwd=folio)
    run("cheminement", "new", "competence", "Négocier un accord", "--domaine", "relation", cwd=folio)

    recit = next((folio / "portfolio" / "recits").glob("*-l-ecoute-mon-premier-atelier.md"))
    text = recit.read_text(encoding="utf-8")
    assert 'titre: "L\'écoute : mon premier atelier"' in text
    assert "## Expérience concrète" in text and "*Qu'ai-je vécu, concrètement ?*" in text
    assert "  communiquer: Découverte" in text
    assert (folio / "portfolio" / "traces" / "attestation stage.pdf").read_bytes().startswith(b"%PDF")

    run("mkdocs", "build", "--strict", cwd=folio)
    check = run("cheminement", "check", cwd=folio).stdout
    assert "0 erreur(s), 0 avertissement(s)" in check
    site = folio / "site"
    soup = BeautifulSoup((site / "competences" / "negocier-un-accord" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert "Négocier un accord" in soup.h1.get_text()
    assert (site / "traces" / "attestation stage.pdf").is_file()
    assert not (site / "journal").exists()
    timeline = (site / "chronologie" / "index.html").read_text(encoding="utf-8")
    assert "L&#39;écoute : mon premier atelier" in timeline or "L'écoute : mon premier atelier" in timeline


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Le mien\n", encoding="utf-8")
    result = run("cheminement", "init", str(tmp_path), cwd=tmp_path, ok=False)
    assert result.returncode == 1
    assert "mkdocs.yml" in result.stderr and "écrasés" in result.stderr
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Le mien\n"
    assert not (tmp_path / "portfolio").exists()


def test_new_refuses_unknown_competences_and_existing_notes(tmp_path: Path) -> None:
    run("cheminement", "init", str(tmp_path), cwd=tmp_path)
    before = sorted((tmp_path / "portfolio").rglob("*"))
    result = run("cheminement", "new", "recit", "Un récit", "--competences", "comuniquer", cwd=tmp_path, ok=False)
    assert result.returncode == 1
    assert "Compétence inconnue « comuniquer »" in result.stderr and "« communiquer »" in result.stderr
    result = run("cheminement", "new", "trace", "Sans source", cwd=tmp_path, ok=False)
    assert result.returncode == 1 and "--fichier" in result.stderr
    assert sorted((tmp_path / "portfolio").rglob("*")) == before
    run("cheminement", "new", "parcours", "Poste", cwd=tmp_path)
    result = run("cheminement", "new", "parcours", "Poste", cwd=tmp_path, ok=False)
    assert result.returncode == 1 and "existe déjà" in result.stderr


def test_english_portfolio_and_reflection_prompts(tmp_path: Path) -> None:
    run("cheminement", "init", str(tmp_path), "--langue", "en", cwd=tmp_path)
    run("cheminement", "new", "recit", "First workshop", "--modele", "gibbs", cwd=tmp_path)
    recit = next((tmp_path / "portfolio" / "recits").glob("*-first-workshop.md")).read_text(encoding="utf-8")
    assert "## Feelings" in recit and "*What did I feel and think at the time?*" in recit
    run("mkdocs", "build", "--strict", cwd=tmp_path)
    soup = BeautifulSoup((tmp_path / "site" / "chronologie" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert soup.select_one("article h1").get_text().strip() == "Timeline"


def test_schemas_describe_the_portfolio(tmp_path: Path) -> None:
    run("cheminement", "init", str(tmp_path), cwd=tmp_path)
    out = run("cheminement", "schema", cwd=tmp_path).stdout
    folder = tmp_path / ".cheminement" / "schemas"
    assert sorted(p.name for p in folder.iterdir()) == [
        "competence.schema.json", "parcours.schema.json", "recit.schema.json",
        "referentiel.schema.json", "retour.schema.json", "trace.schema.json",
    ]
    assert "recit.schema.json" in out
    recit = json.loads((folder / "recit.schema.json").read_text(encoding="utf-8"))
    competences = recit["properties"]["competences"]["oneOf"][1]
    assert competences["propertyNames"]["enum"] == ["analyser-sa-pratique", "communiquer", "cooperer", "organiser"]
    level = competences["additionalProperties"]["oneOf"][0]["oneOf"][0]
    assert level["enum"] == ["Découverte", "Application", "Maîtrise", "Expertise"]
    assert recit["required"] == ["date", "titre"]
    assert "modele" in recit["properties"] and recit["properties"]["modele"]["description"]


def test_lines_format_for_editors(tmp_path: Path) -> None:
    run("cheminement", "init", str(tmp_path), cwd=tmp_path)
    note = tmp_path / "portfolio" / "recits" / "mon-premier-recit.md"
    note.write_text(note.read_text(encoding="utf-8").replace("date: ", "date: 2025-13-01 #"), encoding="utf-8")
    result = run("cheminement", "check", "--format", "lignes", cwd=tmp_path, ok=False)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("recits/mon-premier-recit.md:3: erreur: « 2025-13-01 »")



def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_new_retour_is_the_exact_feedback_note_and_the_site_shows_it(tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    run("cheminement", "init", str(tmp_path), cwd=tmp_path)
    run("cheminement", "new", "recit", "Premier atelier", "--competences", "communiquer", cwd=tmp_path)
    recit_id = f"{today}-premier-atelier"
    out = run("cheminement", "new", "retour", "--sur", recit_id, "--auteur", "Marie: Dupont #1",
              "--competence", "communiquer=validée", "--competence", "cooperer", "--relecture", "--public",
              cwd=tmp_path).stdout
    retour = tmp_path / "portfolio" / "retours" / f"{today}-{recit_id}-marie-dupont-1.md"
    assert f"Créé : portfolio/retours/{retour.name}" in out and "sera publié" in out
    assert retour.read_text(encoding="utf-8").startswith(
        f'---\nauteur: "Marie: Dupont #1"\ndate: {today}\nsur: recits/{recit_id}\n'
        "competences:\n  communiquer: validée\n  cooperer: relue\nrelecture: true\nvisibilite: public\n---\n")
    assert front_matter(retour)["auteur"] == "Marie: Dupont #1"
    # Private by default: the folder says so, no key is needed; a file path is accepted as --sur.
    out = run("cheminement", "new", "retour", "--sur", f"portfolio/recits/{recit_id}.md", "--auteur", "Paul",
              "Notes de séance", cwd=tmp_path).stdout
    assert "reste privé" in out
    private = tmp_path / "portfolio" / "retours" / f"{today}-{recit_id}-paul.md"
    assert front_matter(private) == {"auteur": "Paul", "date": dt.date.today(), "sur": f"recits/{recit_id}",
                                     "titre": "Notes de séance"}
    refused = run("cheminement", "new", "retour", "--sur", "Organiser", "--auteur", "Paul", cwd=tmp_path, ok=False)
    assert refused.returncode == 1 and "Vouliez-vous dire « organiser » ?" in refused.stderr
    run("cheminement", "new", "retour", "--sur", "organiser", "--auteur", "Paul", cwd=tmp_path)
    assert front_matter(tmp_path / "portfolio" / "retours" / f"{today}-organiser-paul.md")["sur"] == "competences/organiser"

    assert "0 erreur(s), 0 avertissement(s)" in run("cheminement", "check", cwd=tmp_path).stdout
    run("mkdocs", "build", "--strict", cwd=tmp_path)
    page = BeautifulSoup((tmp_path / "site" / "competences" / "communiquer" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert "validée" in page.select_one("dl.chm-facts").get_text()
    site_text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html"))
    assert "Marie: Dupont #1" in site_text and "Notes de séance" not in site_text


def test_new_retour_refuses_unknown_and_ambiguous_ids(tmp_path: Path) -> None:
    run("cheminement", "init", str(tmp_path), cwd=tmp_path)
    run("cheminement", "new", "trace", "Grille", "--lien", "https://example.org/grille", cwd=tmp_path)
    (tmp_path / "portfolio" / "recits" / "grille.md").write_text("---\ntitre: Grille\ndate: 2024\n---\n", encoding="utf-8")
    before = sorted((tmp_path / "portfolio").rglob("*"))
    refusals = {
        ("--sur", "mon-premeir-recit", "--auteur", "A"): ["--sur « mon-premeir-recit »", "« mon-premier-recit »"],
        ("--sur", "grille", "--auteur", "A"): ["plusieurs notes", "recits/grille, traces/grille"],
        ("--sur", "Mon premier récit", "--auteur", "A"): ["Vouliez-vous dire « mon-premier-recit » ?"],
        ("--sur", "grille", "--auteur", "A", "--competence", "comuniquer=relue"): ["plusieurs notes"],
        ("--sur", "traces/grille", "--auteur", "A", "--competence", "comuniquer=relue"): [
            "Compétence inconnue « comuniquer »", "« communiquer »"],
        ("--sur", "traces/grille", "--auteur", "A", "--competence", "communiquer=acquise"): [
            "« acquise »", "relue, validee"],
        ("--sur", "traces/grille"): ["--auteur"],
    }
    for args, expected in refusals.items():
        result = run("cheminement", "new", "retour", *args, cwd=tmp_path, ok=False)
        assert result.returncode == 1, args
        assert all(part in result.stderr for part in expected), (args, result.stderr)
    result = run("cheminement", "new", "retour", "--auteur", "A", cwd=tmp_path, ok=False)
    assert result.returncode == 2 and "--sur" in result.stderr
    assert sorted((tmp_path / "portfolio").rglob("*")) == before
    run("cheminement", "new", "retour", "--sur", "Traces/grille", "--auteur", "A", cwd=tmp_path)
    written = next((tmp_path / "portfolio" / "retours").glob("*-grille-a.md"))
    assert front_matter(written)["sur"] == "traces/grille"
    result = run("cheminement", "new", "retour", "--sur", "traces/grille", "--auteur", "A", cwd=tmp_path, ok=False)
    assert result.returncode == 1 and "existe déjà" in result.stderr
    assert "0 erreur(s)" in run("cheminement", "check", cwd=tmp_path).stdout


def test_new_journal_is_private_by_its_folder(tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    run("cheminement", "init", str(tmp_path), cwd=tmp_path)
    out = run("cheminement", "new", "journal", "Doutes : la suite", cwd=tmp_path).stdout
    entry = tmp_path / "portfolio" / "journal" / f"{today}-doutes-la-suite.md"
    assert f"portfolio/journal/{entry.name}" in out and "privée par son dossier (journal/)" in out
    assert front_matter(entry) == {"titre": "Doutes : la suite", "date": dt.date.today()}
    assert "0 erreur(s), 0 avertissement(s)" in run("cheminement", "check", cwd=tmp_path).stdout
    published = run("cheminement", "publication", "--format", "json", cwd=tmp_path).stdout
    assert f"journal/{entry.name}" in json.loads(published)["private"]
    result = run("cheminement", "new", "journal", cwd=tmp_path, ok=False)
    assert result.returncode == 2 and "titre" in result.stderr


def test_journal_folder_is_a_private_folder_holding_no_note_kind(tmp_path: Path) -> None:
    assert journal_folder(Settings(docs_dir=tmp_path)) == "journal"
    assert journal_folder(Settings(docs_dir=tmp_path, private_folders=("retours", "Carnet"))) == "carnet"
    # `retours/` is private but holds feedback: a logbook entry there would be read as one.
    assert journal_folder(Settings(docs_dir=tmp_path, private_folders=("retours",))) is None


def test_new_competence_recognises_a_title(tmp_path: Path) -> None:
    run("cheminement", "init", str(tmp_path), cwd=tmp_path)
    out = run("cheminement", "new", "competence", "coopérer dans l’ÉQUIPE", cwd=tmp_path, ok=False)
    assert out.returncode == 1 and "--domaine" in out.stderr  # not the title: a new competence
    out = run("cheminement", "new", "competence", "Coopérer dans une EQUIPE", cwd=tmp_path).stdout
    assert "Créé : portfolio/competences/cooperer.md" in out and "« cooperer »" in out
    assert front_matter(tmp_path / "portfolio" / "competences" / "cooperer.md") == {
        "niveau": "Découverte", "objectif": "Expertise"}
    result = run("cheminement", "new", "competence", "Communiquer avec des publics variés", cwd=tmp_path, ok=False)
    assert result.returncode == 1 and "« communiquer » a déjà sa page" in result.stderr
    assert not list((tmp_path / "portfolio" / "competences").glob("communiquer-*"))
    assert "0 erreur(s), 0 avertissement(s)" in run("cheminement", "check", cwd=tmp_path).stdout
