"""`new` leaves what only the learner knows as « À compléter », with the allowed values beside
it; `check` reports exactly those lines until they are filled, and the site does not build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from kit import run_command

from cheminement import schema
from cheminement.check import analyse
from cheminement.settings import Settings

SAID = {"fr": ("À compléter", "reste à compléter", "l'une de ces valeurs"),
        "en": ("To fill in", "is still to be filled in", "one of these values")}



def placeholder_lines(path: Path, value: str) -> dict[int, str]:
    """Line number -> the comment after each placeholder of the file."""
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.match(rf"\s*[^:]+: {value}  # (.+)$", line)
        if match:
            found[number] = match[1]
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_kind_of_new_note_leaves_placeholders_that_check_flags_until_filled(tmp_path: Path, lang: str) -> None:
    value, problem, fix = SAID[lang]
    run_command("cheminement", "init", str(tmp_path), "--langue", lang, cwd=tmp_path)
    docs = tmp_path / "portfolio"
    referentiel = docs / "referentiel.yml"
    # The levels offered are the référentiel's, whatever they are.
    scale = ["Notions", "Pratique guidée", "Autonomie"]
    text = re.sub(r"echelle: \[.*\]", f"echelle: [{', '.join(scale)}]", referentiel.read_text(encoding="utf-8"))
    referentiel.write_text(text, encoding="utf-8")
    for path in docs.rglob("*.md"):  # the starter's own levels, in the new scale
        path.write_text(re.sub(r"(Découverte|Discovery|Application|Maîtrise|Mastery)$", "Notions",
                               path.read_text(encoding="utf-8"), flags=re.MULTILINE), encoding="utf-8")
    assert "0 erreur" in run_command("cheminement", "check", "--langue", "fr", cwd=tmp_path).stdout
    (tmp_path / "preuve.pdf").write_bytes(b"%PDF-1.4\n")
    out = run_command("cheminement", "new", "recit", "Atelier", "--competences", "communiquer,organiser", cwd=tmp_path).stdout
    assert "communiquer, organiser" in out  # the notice names what to fill in
    run_command("cheminement", "new", "parcours", "Poste", "--competences", "cooperer", cwd=tmp_path)
    run_command("cheminement", "new", "trace", "Preuve", "--fichier", str(tmp_path / "preuve.pdf"), "--competences", "organiser",
        cwd=tmp_path)
    run_command("cheminement", "new", "competence", "Coopérer", cwd=tmp_path)
    run_command("cheminement", "new", "competence", "Négocier", "--domaine", "relation", cwd=tmp_path)
    run_command("cheminement", "new", "retour", "--sur", "atelier", "--auteur", "Marie", "--competence", "communiquer=validee",
        cwd=tmp_path)
    run_command("cheminement", "new", "journal", "Doutes", cwd=tmp_path)

    levels = " | ".join(scale)
    expected = {
        "recits/atelier.md": {5: levels, 6: levels},
        "parcours/poste.md": {3: " | ".join(schema.PARCOURS_TYPES), 6: None, 7: None},
        "competences/cooperer.md": {2: levels, 3: levels},
        "competences/negocier.md": {4: levels, 5: levels},
    }
    for file, lines in expected.items():
        found = placeholder_lines(docs / file, value)
        assert set(found) == set(lines), (file, found)
        assert all(comment == found[line] for line, comment in lines.items() if comment), (file, found)
    assert "2024-09" in placeholder_lines(docs / "parcours/poste.md", value)[6]  # a date's form, in the file
    untouched = [docs / "traces" / "preuve.md", *(docs / "journal").glob("*-doutes.md"), *(docs / "retours").glob("*.md")]
    assert len(untouched) == 3 and all(path.read_text(encoding="utf-8").startswith("---\n") for path in untouched)
    assert all(not placeholder_lines(path, value) and value not in path.read_text(encoding="utf-8") for path in untouched)

    result = run_command("cheminement", "check", "--format", "json", "--langue", lang, cwd=tmp_path, ok=False)
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert {(p["file"], p["line"]) for p in problems} == {(f, n) for f, lines in expected.items() for n in lines}
    assert all(p["severity"] == "error" and problem in p["message"] for p in problems)
    for p in problems:
        if p["file"] != "parcours/poste.md" or p["line"] == 3:
            assert fix in p["suggestion"] and (", ".join(scale) in p["suggestion"] or "emploi" in p["suggestion"])
    assert run_command("mkdocs", "build", "--strict", cwd=tmp_path, ok=False).returncode != 0

    # Filled with values the comments offer: clean, and built.
    for file in expected:
        path = docs / file
        text = re.sub(rf": {value}  # ([^|\n]+?) \|.*", r": \1", path.read_text(encoding="utf-8"))
        text = re.sub(rf"^debut: {value}  #.*", "debut: 2024-09", text, flags=re.MULTILINE)
        path.write_text(re.sub(rf"^fin: {value}  #.*", "fin: 2025", text, flags=re.MULTILINE), encoding="utf-8")
    assert "0 erreur(s), 0 avertissement(s)" in run_command("cheminement", "check", "--langue", "fr", cwd=tmp_path).stdout
    run_command("mkdocs", "build", "--strict", cwd=tmp_path)


def test_a_placeholder_is_said_once_whatever_its_key_and_spelling(tmp_path: Path) -> None:
    """Either language's placeholder, or a learner's own `A_COMPLETER`, on any key: one error
    on its line, in place of « not a date » or « unknown level »."""
    (tmp_path / "recits").mkdir()
    (tmp_path / "parcours").mkdir()
    (tmp_path / "recits" / "r.md").write_text(
        "---\ntitre: R\ndate: A_COMPLETER\ncompetences:\n  - ecoute: to fill in\nresume: À compléter\n---\nTexte.\n",
        encoding="utf-8")
    (tmp_path / "parcours" / "p.md").write_text("---\ntitre: P\ntype: à compléter.\ndebut: 2024\n---\n", encoding="utf-8")
    (tmp_path / "traces").mkdir()
    (tmp_path / "traces" / "t.md").write_text(
        "---\ntitre: T\nlien: https://example.org/\ncompetences: [To Fill In]\n---\n", encoding="utf-8")
    (tmp_path / "referentiel.yml").write_text(
        "echelle: [Bas, Haut]\ndomaines:\n  - id: d\n    titre: D\n    competences:\n      - id: ecoute\n        titre: E\n",
        encoding="utf-8")
    problems = analyse(Settings(docs_dir=tmp_path)).problems
    assert [(p.file, p.line, p.code) for p in problems] == [
        ("parcours/p.md", 3, "placeholder"),
        ("recits/r.md", 3, "placeholder"), ("recits/r.md", 5, "placeholder-level"), ("recits/r.md", 6, "placeholder"),
        ("traces/t.md", 4, "placeholder"),
    ]
    assert problems[-1].suggestion("fr") == "Remplacez « To Fill In » par votre texte, ou supprimez la ligne."
    fixes = {p.line: p.suggestion("en") for p in problems if p.file == "recits/r.md"}
    assert fixes == {3: 'Replace "A_COMPLETER" with a date: 2024, 2024-09 or 2024-09-15.',
                     5: 'Replace "to fill in" with one of these values: Bas, Haut.',
                     6: 'Replace "À compléter" with your own words, or delete the line.'}
    assert problems[2].message("fr") == "Le niveau de « ecoute » reste à compléter."


def test_new_names_a_note_by_its_title_and_keeps_ids_unambiguous(tmp_path: Path) -> None:
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    docs = tmp_path / "portfolio"
    out = run_command("cheminement", "new", "recit", "Communiquer", cwd=tmp_path).stdout
    assert "portfolio/recits/communiquer-2.md" in out and "[[communiquer-2]]" in out
    assert not (docs / "recits" / "communiquer.md").exists()  # `[[communiquer]]` stays the competence
    run_command("cheminement", "new", "trace", "Communiquer", "--lien", "https://example.org/", cwd=tmp_path)
    assert (docs / "traces" / "communiquer-3.md").is_file()
    result = run_command("cheminement", "new", "recit", "Communiquer-2", cwd=tmp_path, ok=False)
    assert result.returncode == 1 and "existe déjà" in result.stderr
    # A dated file name of the format's first version is still the note's id.
    (docs / "recits" / "2024-03-01-atelier.md").write_text("---\ntitre: Atelier\ndate: 2024-03-01\n---\nTexte.\n",
                                                           encoding="utf-8")
    run_command("cheminement", "new", "retour", "--sur", "2024-03-01-atelier", "--auteur", "Marie", cwd=tmp_path)
    assert "0 erreur(s), 0 avertissement(s)" in run_command("cheminement", "check", cwd=tmp_path).stdout


def test_a_note_is_never_named_like_a_section_page_nor_too_long_for_the_disk(tmp_path: Path) -> None:
    """`index.md` would become the récits' introduction and its claims would count nowhere;
    a pasted paragraph as title would make a name no file system takes."""
    run_command("cheminement", "init", str(tmp_path), cwd=tmp_path)
    docs = tmp_path / "portfolio"
    run_command("cheminement", "new", "recit", "Index", cwd=tmp_path)
    run_command("cheminement", "new", "trace", "README", "--lien", "https://example.org/", cwd=tmp_path)
    assert (docs / "recits" / "index-2.md").is_file() and not (docs / "recits" / "index.md").exists()
    assert (docs / "traces" / "readme-2.md").is_file()
    long_title = "Une phrase très longue collée depuis un traitement de texte " * 8
    run_command("cheminement", "new", "recit", long_title, cwd=tmp_path)
    made = [p for p in (docs / "recits").glob("une-phrase-tres-longue*.md")]
    assert len(made) == 1 and len(made[0].name.encode()) <= 90
    before = run_command("cheminement", "check", cwd=tmp_path).stdout
    assert "3 récits" in before  # mon-premier-recit, index-2 and the long one: each a note
