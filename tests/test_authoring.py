"""Authoring from an empty folder: init, new (each kind), build --strict, check; the editor's setup."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup
from kit import run_command

from cheminement import frontmatter, schema
from cheminement.authoring import init, journal_folder
from cheminement.check import analyse
from cheminement.editor import SNIPPETS
from cheminement.model import Kind
from cheminement.settings import Settings


def test_from_an_empty_folder_to_a_strict_build(tmp_path: Path) -> None:
    folio = tmp_path / "mon-portfolio"
    run_command("cheminement", "init", str(folio), cwd=tmp_path)
    assert (folio / ".gitignore").read_text(encoding="utf-8").startswith("#")
    assert "site/" in (folio / ".gitignore").read_text(encoding="utf-8")
    attestation = tmp_path / "attestation stage.pdf"
    attestation.write_bytes(b"%PDF-1.4\n% attestation\n")

    created = run_command("cheminement", "new", "recit", "L'écoute : mon premier atelier", "--competences",
                  "communiquer,cooperer", "--modele", "kolb", cwd=folio).stdout
    assert "portfolio/recits/" in created and "l-ecoute-mon-premier-atelier.md" in created
    run_command("cheminement", "new", "parcours", "Stage chez Acme", cwd=folio)
    run_command("cheminement", "new", "trace", "Attestation de stage", "--fichier", str(attestation), "--competences", "organiser", cwd=folio)
    run_command("cheminement", "new", "trace", "Article en ligne", "--lien", "https://example.org/article", cwd=folio)
    run_command("cheminement", "new", "competence", "Organiser", cwd=folio)
    run_command("cheminement", "new", "competence", "Négocier un accord", "--domaine", "relation", cwd=folio)

    recit = folio / "portfolio" / "recits" / "l-ecoute-mon-premier-atelier.md"  # the title's slug, no date
    text = recit.read_text(encoding="utf-8")
    assert 'titre: "L\'écoute : mon premier atelier"' in text
    assert "## Expérience concrète" in text and "*Qu'ai-je vécu, concrètement ?*" in text
    assert "  communiquer: À compléter  # Découverte | Application | Maîtrise | Expertise" in text
    fill_in(folio / "portfolio")
    assert (folio / "portfolio" / "traces" / "attestation stage.pdf").read_bytes().startswith(b"%PDF")

    run_command("mkdocs", "build", "--strict", cwd=folio)
    check = run_command("cheminement", "check", cwd=folio).stdout
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
    result = run_command("cheminement", "init", str(tmp_path), cwd=tmp_path, ok=False)
    assert result.returncode == 1
    assert "mkdocs.yml" in result.stderr and "écrasés" in result.stderr
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Le mien\n"
    assert not (tmp_path / "portfolio").exists()


def test_new_refuses_unknown_competences_and_existing_notes(tmp_path: Path) -> None:
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    before = sorted((tmp_path / "portfolio").rglob("*"))
    result = run_command("cheminement", "new", "recit", "Un récit", "--competences", "comuniquer", cwd=tmp_path, ok=False)
    assert result.returncode == 1
    assert "Compétence inconnue « comuniquer »" in result.stderr and "« communiquer »" in result.stderr
    result = run_command("cheminement", "new", "trace", "Sans source", cwd=tmp_path, ok=False)
    assert result.returncode == 1 and "--fichier" in result.stderr
    assert sorted((tmp_path / "portfolio").rglob("*")) == before
    run_command("cheminement", "new", "parcours", "Poste", cwd=tmp_path)
    result = run_command("cheminement", "new", "parcours", "Poste", cwd=tmp_path, ok=False)
    assert result.returncode == 1 and "existe déjà" in result.stderr


def test_english_portfolio_and_reflection_prompts(tmp_path: Path) -> None:
    run_command("cheminement", "init", str(tmp_path), "--langue", "en", cwd=tmp_path)
    run_command("cheminement", "new", "recit", "First workshop", "--modele", "gibbs", cwd=tmp_path)
    recit = (tmp_path / "portfolio" / "recits" / "first-workshop.md").read_text(encoding="utf-8")
    assert "## Feelings" in recit and "*What did I feel and think at the time?*" in recit
    run_command("mkdocs", "build", "--strict", cwd=tmp_path)
    soup = BeautifulSoup((tmp_path / "site" / "chronologie" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert soup.select_one("article h1").get_text().strip() == "Timeline"


def test_lines_format_for_editors(tmp_path: Path) -> None:
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    note = tmp_path / "portfolio" / "recits" / "mon-premier-recit.md"
    note.write_text(note.read_text(encoding="utf-8").replace("date: ", "date: 2025-13-01 #"), encoding="utf-8")
    result = run_command("cheminement", "check", "--format", "lignes", cwd=tmp_path, ok=False)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("portfolio/recits/mon-premier-recit.md:3: erreur: « 2025-13-01 »")


def fill_in(docs: Path) -> None:
    """Every « À compléter » replaced by the first value its comment offers (or a date)."""
    for note in docs.rglob("*.md"):
        text = note.read_text(encoding="utf-8")
        text = re.sub(r": À compléter  # ([^|\n]+?) \|.*", r": \1", text)
        text = re.sub(r"^fin: À compléter  #.*", "fin: en cours", text, flags=re.MULTILINE)
        note.write_text(re.sub(r": À compléter  #.*", ": 2024-09", text), encoding="utf-8")


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_new_retour_is_the_exact_feedback_note_and_the_site_shows_it(tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    run_command("cheminement", "new", "recit", "Premier atelier", "--competences", "communiquer", cwd=tmp_path)
    recit_id = "premier-atelier"
    fill_in(tmp_path / "portfolio")
    out = run_command("cheminement", "new", "retour", "--sur", recit_id, "--auteur", "Marie: Dupont #1",
              "--competence", "communiquer=validée", "--competence", "cooperer", "--relecture", "--public",
              cwd=tmp_path).stdout
    retour = tmp_path / "portfolio" / "retours" / f"{today}-{recit_id}-marie-dupont-1.md"
    assert f"Créé : portfolio/retours/{retour.name}" in out and "sera publié" in out
    assert retour.read_text(encoding="utf-8").startswith(
        f'---\nauteur: "Marie: Dupont #1"\ndate: {today}\nsur: recits/{recit_id}\n'
        "competences:\n  communiquer: validée\n  cooperer: relue\nrelecture: true\nvisibilite: public\n---\n")
    assert front_matter(retour)["auteur"] == "Marie: Dupont #1"
    # Private by default: the folder says so, no key is needed; a file path is accepted as --sur.
    out = run_command("cheminement", "new", "retour", "--sur", f"portfolio/recits/{recit_id}.md", "--auteur", "Paul",
              "Notes de séance", cwd=tmp_path).stdout
    assert "reste privé" in out
    private = tmp_path / "portfolio" / "retours" / f"{today}-{recit_id}-paul.md"
    assert front_matter(private) == {"auteur": "Paul", "date": dt.date.today(), "sur": f"recits/{recit_id}",
                                     "titre": "Notes de séance"}
    refused = run_command("cheminement", "new", "retour", "--sur", "Organizer", "--auteur", "Paul", cwd=tmp_path, ok=False)
    assert refused.returncode == 1 and "Vouliez-vous dire « organiser » ?" in refused.stderr
    run_command("cheminement", "new", "retour", "--sur", "organiser", "--auteur", "Paul", cwd=tmp_path)
    assert front_matter(tmp_path / "portfolio" / "retours" / f"{today}-organiser-paul.md")["sur"] == "competences/organiser"

    assert "0 erreur(s), 0 avertissement(s)" in run_command("cheminement", "check", cwd=tmp_path).stdout
    run_command("mkdocs", "build", "--strict", cwd=tmp_path)
    page = BeautifulSoup((tmp_path / "site" / "competences" / "communiquer" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert "validée" in page.select_one("dl.chm-facts").get_text()
    site_text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html"))
    assert "Marie: Dupont #1" in site_text and "Notes de séance" not in site_text


def test_new_retour_refuses_unknown_and_ambiguous_ids(tmp_path: Path) -> None:
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    run_command("cheminement", "new", "trace", "Grille", "--lien", "https://example.org/grille", cwd=tmp_path)
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
        result = run_command("cheminement", "new", "retour", *args, cwd=tmp_path, ok=False)
        assert result.returncode == 1, args
        assert all(part in result.stderr for part in expected), (args, result.stderr)
    result = run_command("cheminement", "new", "retour", "--auteur", "A", cwd=tmp_path, ok=False)
    assert result.returncode == 2 and "--sur" in result.stderr
    assert sorted((tmp_path / "portfolio").rglob("*")) == before
    run_command("cheminement", "new", "retour", "--sur", "Traces/grille", "--auteur", "A", cwd=tmp_path)
    written = next((tmp_path / "portfolio" / "retours").glob("*-grille-a.md"))
    assert front_matter(written)["sur"] == "traces/grille"
    result = run_command("cheminement", "new", "retour", "--sur", "traces/grille", "--auteur", "A", cwd=tmp_path, ok=False)
    assert result.returncode == 1 and "existe déjà" in result.stderr
    assert "0 erreur(s)" in run_command("cheminement", "check", cwd=tmp_path).stdout


def test_new_journal_is_private_by_its_folder(tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    out = run_command("cheminement", "new", "journal", "Doutes : la suite", cwd=tmp_path).stdout
    entry = tmp_path / "portfolio" / "journal" / f"{today}-doutes-la-suite.md"
    assert f"portfolio/journal/{entry.name}" in out and "privée par son dossier (journal/)" in out
    assert front_matter(entry) == {"titre": "Doutes : la suite", "date": dt.date.today()}
    assert "0 erreur(s), 0 avertissement(s)" in run_command("cheminement", "check", cwd=tmp_path).stdout
    published = run_command("cheminement", "publication", "--format", "json", cwd=tmp_path).stdout
    assert f"journal/{entry.name}" in json.loads(published)["private"]
    result = run_command("cheminement", "new", "journal", cwd=tmp_path, ok=False)
    assert result.returncode == 2 and "titre" in result.stderr


def test_journal_folder_is_a_private_folder_holding_no_note_kind(tmp_path: Path) -> None:
    assert journal_folder(Settings(docs_dir=tmp_path)) == "journal"
    assert journal_folder(Settings(docs_dir=tmp_path, private_folders=("retours", "Carnet"))) == "carnet"
    # `retours/` is private but holds feedback: a logbook entry there would be read as one.
    assert journal_folder(Settings(docs_dir=tmp_path, private_folders=("retours",))) is None


def test_new_competence_recognises_a_title(tmp_path: Path) -> None:
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    out = run_command("cheminement", "new", "competence", "coopérer dans l’ÉQUIPE", cwd=tmp_path, ok=False)
    assert out.returncode == 1 and "--domaine" in out.stderr  # not the title: a new competence
    out = run_command("cheminement", "new", "competence", "Coopérer dans une EQUIPE", cwd=tmp_path).stdout
    assert "Créé : portfolio/competences/cooperer.md" in out and "« cooperer »" in out
    assert front_matter(tmp_path / "portfolio" / "competences" / "cooperer.md") == {
        "niveau": "À compléter", "objectif": "À compléter"}
    fill_in(tmp_path / "portfolio")
    result = run_command("cheminement", "new", "competence", "Communiquer avec des publics variés", cwd=tmp_path, ok=False)
    assert result.returncode == 1 and "« communiquer » a déjà sa page" in result.stderr
    assert not list((tmp_path / "portfolio" / "competences").glob("communiquer-*"))
    assert "0 erreur(s), 0 avertissement(s)" in run_command("cheminement", "check", cwd=tmp_path).stdout


# -- The editor: what `init` sets up for VS Code ------------------------------------------------------


def vscode_json(root: Path, name: str) -> dict:
    """A `.vscode` file as VS Code reads it (JSON with comments: our header comment skipped)."""
    text = (root / ".vscode" / name).read_text(encoding="utf-8")
    return json.loads("\n".join(line for line in text.splitlines() if not line.startswith("//")))


def test_init_sets_up_vscode_for_the_portfolio(tmp_path: Path) -> None:
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    settings = vscode_json(tmp_path, "settings.json")
    association = settings["yaml.schemas"]
    assert association == {".cheminement/schemas/referentiel.schema.json": ["/portfolio/referentiel.yml"]}
    schema_file = tmp_path / ".cheminement" / "schemas" / "referentiel.schema.json"
    referentiel = yaml.safe_load((tmp_path / "portfolio" / "referentiel.yml").read_text(encoding="utf-8"))
    jsonschema.validate(referentiel, json.loads(schema_file.read_text(encoding="utf-8")))
    assert settings["[markdown]"] == {"editor.wordWrap": "on"}
    assert vscode_json(tmp_path, "extensions.json") == {"recommendations": ["redhat.vscode-yaml"]}
    (task,) = vscode_json(tmp_path, "tasks.json")["tasks"]
    assert task["label"] == "Vérifier le portfolio" and task["group"] == {"kind": "build", "isDefault": True}
    assert [task["command"], *task["args"]] == ["cheminement", "check", "--format", "lignes"]
    assert sorted(p.name for p in (tmp_path / ".cheminement" / "schemas").iterdir()) == [
        "competence.schema.json", "parcours.schema.json", "recit.schema.json",
        "referentiel.schema.json", "retour.schema.json", "trace.schema.json",
    ]
    recit = json.loads((tmp_path / ".cheminement" / "schemas" / "recit.schema.json").read_text(encoding="utf-8"))
    assert recit["definitions"]["competences"]["anyOf"][1]["anyOf"][0]["enum"] == [
        "analyser-sa-pratique", "communiquer", "cooperer", "organiser"]


def test_init_in_english_labels_the_editor_in_english(tmp_path: Path) -> None:
    run_command("cheminement", "init", str(tmp_path), "--langue", "en", cwd=tmp_path)
    assert vscode_json(tmp_path, "tasks.json")["tasks"][0]["label"] == "Check the portfolio"
    story = vscode_json(tmp_path, SNIPPETS)["Cheminement — story"]
    assert story["prefix"] == ["recit", "story"] and story["description"] == "Front matter of a Cheminement note: story"


def expand(body: list[str], today: dt.date) -> str:
    """A snippet as VS Code inserts it when the learner takes every default: the first choice,
    the placeholder's text, today's date, empty tab stops."""
    text = "\n".join(body)
    text = text.replace("$CURRENT_YEAR", f"{today:%Y}").replace("$CURRENT_MONTH", f"{today:%m}")
    text = text.replace("$CURRENT_DATE", f"{today:%d}")
    text = re.sub(r"\$\{\d+\|((?:[^,|\\]|\\.)*)[^}]*\}", lambda m: re.sub(r"\\(.)", r"\1", m.group(1)), text)
    text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", text)
    return re.sub(r"\$\d+", "", text)


def test_snippets_offer_the_referentiel_and_the_allowed_values_and_make_valid_notes(tmp_path: Path) -> None:
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    snippets = vscode_json(tmp_path, SNIPPETS)
    assert {s["prefix"][0] for s in snippets.values()} == {kind.value for kind in Kind}
    assert all(s["scope"] == "markdown" for s in snippets.values())
    recit = "\n".join(snippets["Cheminement — récit"]["body"])
    assert "${3|analyser-sa-pratique,communiquer,cooperer,organiser|}: ${4|Découverte,Application,Maîtrise,Expertise|}" in recit
    assert f"modele: ${{7|{','.join(schema.REFLECTION_MODELS)}|}}" in recit
    parcours = "\n".join(snippets["Cheminement — parcours"]["body"])
    assert f"type: ${{2|{','.join(schema.PARCOURS_TYPES)}|}}" in parcours and "fin: ${6:en cours}" in parcours
    retour = "\n".join(snippets["Cheminement — retour"]["body"])
    assert "|relue,validee|}" in retour
    competence = "\n".join(snippets["Cheminement — compétence"]["body"])
    assert "domaine: ${1|relation,organisation,developpement|}" in competence
    # Every snippet, taken with its defaults, is a note the checker accepts, save the ids
    # and files only the learner knows.
    today = dt.date.today()
    docs = tmp_path / "portfolio"
    (docs / "traces" / "attestation.pdf").write_bytes(b"%PDF-1.4\n")
    targets = {"parcours": "parcours/snippet.md", "recit": "recits/snippet.md", "trace": "traces/snippet.md",
               "competence": "competences/cooperer.md", "retour": "retours/snippet.md"}
    for entry in snippets.values():
        text = expand(entry["body"], today).replace("identifiant-de-la-note", "mon-premier-recit")
        target = docs / targets[entry["prefix"][0]]
        target.parent.mkdir(exist_ok=True)
        target.write_text(text + "Texte.\n", encoding="utf-8")
    report = analyse(Settings(docs_dir=docs))
    assert {(p.file, p.code) for p in report.problems if p.file in targets.values()} == set()
    for kind, path in targets.items():
        note = frontmatter.read((docs / path).read_bytes())
        assert isinstance(note, frontmatter.Document)
        validator = json.loads((tmp_path / ".cheminement" / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        jsonschema.validate(note.meta, validator)


def test_the_check_task_puts_each_problem_on_its_file_and_line(tmp_path: Path) -> None:
    """The task's problem matchers, applied to what `cheminement check --format lignes`
    prints from the project's folder (where VS Code runs tasks), find every problem."""
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    docs = tmp_path / "portfolio"
    recit = docs / "recits" / "mon-premier-recit.md"
    recit.write_text(recit.read_text(encoding="utf-8").replace("modele: quoi-et-alors", "modele: gibs\nhumeur: bonne"),
                     encoding="utf-8")
    (docs / "parcours" / "sans début.md").write_text("---\ntitre: Poste\n---\n", encoding="utf-8")
    (task,) = vscode_json(tmp_path, "tasks.json")["tasks"]
    matchers = task["problemMatcher"]
    for lang in ("fr", "en"):
        output = run_command("cheminement", "check", "--format", "lignes", "--langue", lang, cwd=tmp_path, ok=False).stdout
        found = set()
        for line in output.splitlines():
            hits = [(m, match) for m in matchers if (match := re.match(m["pattern"]["regexp"], line))]
            assert len(hits) == 1, line  # every line is read, by one matcher
            matcher, match = hits[0]
            assert matcher["fileLocation"] == ["autoDetect", "${workspaceFolder}"]
            where = tmp_path / match.group(matcher["pattern"]["file"])  # autoDetect: relative first
            assert where.is_file(), line
            found.add((where.relative_to(docs).as_posix(), int(match.group(2)), matcher["severity"]))
        expected = {(p.file, p.line or 1, str(p.severity)) for p in analyse(Settings(docs_dir=docs)).problems}
        assert found == expected and len(found) >= 3
        assert {severity for *_, severity in found} == {"error", "warning"}


def test_the_schema_command_follows_the_referentiel(tmp_path: Path) -> None:
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    referentiel = tmp_path / "portfolio" / "referentiel.yml"
    text = referentiel.read_text(encoding="utf-8").replace("Expertise]", "Expertise, Transmission]")
    referentiel.write_text(text + "      - id: negocier\n        titre: Négocier\n", encoding="utf-8")
    out = run_command("cheminement", "schema", cwd=tmp_path).stdout
    assert "recit.schema.json" in out and SNIPPETS in out
    recit = json.loads((tmp_path / ".cheminement" / "schemas" / "recit.schema.json").read_text(encoding="utf-8"))
    assert "negocier" in recit["definitions"]["competences"]["anyOf"][1]["anyOf"][0]["enum"]
    snippets = (tmp_path / ".vscode" / SNIPPETS).read_text(encoding="utf-8")
    assert "cooperer,negocier,organiser|}" in snippets and "Expertise,Transmission|}" in snippets


def test_init_keeps_the_learner_s_own_vscode_settings(tmp_path: Path) -> None:
    vscode = tmp_path / ".vscode"
    vscode.mkdir()
    (vscode / "settings.json").write_text(json.dumps({
        "editor.fontSize": 16, "[markdown]": {"editor.wordWrap": "off"}, "yaml.schemas": {"autre.json": "x.yml"},
    }), encoding="utf-8")
    (vscode / "tasks.json").write_text(json.dumps({"version": "2.0.0", "tasks": [{"label": "Servir", "command": "mkdocs serve"}]}),
                                       encoding="utf-8")
    (vscode / "extensions.json").write_text('{"recommendations": ["redhat.vscode-yaml", "davidanson.vscode-markdownlint"]}',
                                            encoding="utf-8")
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    settings = vscode_json(tmp_path, "settings.json")
    assert settings["editor.fontSize"] == 16 and settings["[markdown]"] == {"editor.wordWrap": "off"}
    assert settings["yaml.schemas"] == {"autre.json": "x.yml",
                                        ".cheminement/schemas/referentiel.schema.json": ["/portfolio/referentiel.yml"]}
    assert [t["label"] for t in vscode_json(tmp_path, "tasks.json")["tasks"]] == ["Servir", "Vérifier le portfolio"]
    assert vscode_json(tmp_path, "extensions.json")["recommendations"] == [
        "redhat.vscode-yaml", "davidanson.vscode-markdownlint"]


def test_init_leaves_json_with_comments_alone_and_says_what_to_add(tmp_path: Path) -> None:
    vscode = tmp_path / ".vscode"
    vscode.mkdir()
    commented = '{\n  // ma police\n  "editor.fontSize": 16,\n}\n'
    (vscode / "settings.json").write_text(commented, encoding="utf-8")
    done = init(tmp_path, "fr")
    assert (vscode / "settings.json").read_text(encoding="utf-8") == commented
    (notice,) = done.notices
    assert notice.startswith(".vscode/settings.json n'est pas du JSON simple")
    assert '"yaml.schemas": {".cheminement/schemas/referentiel.schema.json": ["/portfolio/referentiel.yml"]}' in notice
    assert (vscode / "tasks.json").is_file()  # the other files are set up all the same


def test_init_never_writes_outside_the_portfolio(tmp_path: Path) -> None:
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    project = tmp_path / "projet"
    project.mkdir()
    (project / ".vscode").symlink_to(elsewhere, target_is_directory=True)
    done = init(project, "fr")
    assert list(elsewhere.iterdir()) == []
    assert len(done.notices) == 4 and all("mène hors du dossier" in n for n in done.notices)
    assert (project / ".cheminement" / "schemas" / "recit.schema.json").is_file()
    assert (project / "portfolio" / "referentiel.yml").is_file()


@pytest.mark.parametrize(("name", "make", "said"), [
    ("settings.json", lambda path: path.symlink_to("/dev/zero"), "mène hors du dossier"),
    ("settings.json", os.mkfifo, "n'est pas un fichier ordinaire"),
    ("tasks.json", os.mkfifo, "n'est pas un fichier ordinaire"),
])
def test_init_neither_reads_nor_waits_on_settings_that_are_not_a_file(tmp_path: Path, name: str, make, said: str) -> None:
    """`/dev/zero` behind `.vscode/settings.json` filled memory, a FIFO would hang `init`."""
    project = tmp_path / "projet"
    (project / ".vscode").mkdir(parents=True)
    make(project / ".vscode" / name)
    result = subprocess.run([str(Path(sys.executable).with_name("cheminement")), "init", str(project), "--langue", "fr"],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    assert f".vscode/{name} {said}" in result.stdout
    assert (project / "portfolio" / "referentiel.yml").is_file()
