"""Authoring from an empty folder: init, new (each kind), build --strict, check; schemas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run(*args: str, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(BIN / args[0]), *args[1:]], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300)
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

