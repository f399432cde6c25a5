"""`cheminement export json|csv`: the public portfolio only, valid against its schema, and a
spreadsheet that neither leaks a private note nor runs a learner's title as a formula."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result
from kit import ROOT, Portfolio, with_private_canaries

from cheminement.cli import main

SCHEMAS = ROOT / "plugins" / "cheminement" / "schemas"
SCHEMA = SCHEMAS / "portfolio.schema.json"
CANARY = "CANARI-PRIVE-7731"


def export(folio: Portfolio, *args: str) -> Result:
    return CliRunner().invoke(main, ["export", *args, str(folio.root)], prog_name="cheminement")


def matrix(text: str, separator: str = ";") -> list[list[str]]:
    assert text.startswith("\ufeff"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=separator))


@pytest.fixture
def secretive(portfolio: Portfolio) -> Portfolio:
    """The base portfolio with a canary in every kind of private content."""
    return with_private_canaries(portfolio, CANARY)


def test_json_is_versioned_and_valid_against_its_schema(secretive: Portfolio) -> None:
    result = export(secretive, "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")), cls=jsonschema.Draft202012Validator)
    assert (data["format"], data["version"]) == ("cheminement-portfolio", 1)
    assert data["referentiel"]["echelle"] == ["Découverte", "Application", "Maîtrise", "Expertise"]
    ecoute = data["referentiel"]["domaines"][0]["competences"][0]
    assert (ecoute["id"], ecoute["statut"], ecoute["niveau_declare"]) == ("ecoute-active", "etayee", 3)
    assert {"type": "recit", "id": "atelier", "niveau": 3} in ecoute["preuves"]
    story = next(n for n in data["notes"]["recit"] if n["id"] == "public")
    assert story["parcours"] == ["vente"]
    assert story["competences"] == [{"id": "alliance", "niveau": 2}]
    assert "Voir le récit caché et cache." in story["corps"]


def test_the_schema_rejects_what_the_format_does_not_promise() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": "cheminement-portfolio", "version": 2}, schema)


@pytest.mark.parametrize("args", [("json",), ("csv",), ("csv", "--separateur", ","), ("jsonresume",)])
def test_no_private_note_reaches_any_export(secretive: Portfolio, args: tuple[str, ...]) -> None:
    result = export(secretive, *args)
    assert result.exit_code == 0, result.output
    assert CANARY not in result.output
    assert "cache" not in result.output.replace("Voir le récit caché et cache.", "")
    assert "prive" not in result.output.replace('"statut"', "")


def test_csv_has_one_row_per_competence_and_evidence(portfolio: Portfolio) -> None:
    rows = matrix(export(portfolio, "csv").output)
    assert rows[0] == ["Domaine", "Compétence (identifiant)", "Compétence", "Statut", "Type de preuve",
                       "Preuve (identifiant)", "Preuve", "Date", "Niveau (rang)", "Niveau", "Fichier"]
    assert rows[4][:3] == ["Relation", "ecoute-active", "Pratiquer l'écoute active"]
    atelier = [row for row in rows if row[5] == "atelier"]
    assert [(row[1], row[7], row[8], row[9]) for row in atelier] == [
        ("ecoute-active", "2025-03", "3", "Maîtrise"), ("conception", "2025-03", "2", "Application")]
    assert rows[-1][1] == "evaluation" and rows[-1][4:] == [""] * 7, "an unsupported competence keeps its row"


def test_csv_in_english_and_with_a_comma(portfolio: Portfolio) -> None:
    result = export(portfolio, "csv", "--separateur", ",", "--langue", "en")
    rows = matrix(result.output, ",")
    assert rows[0][:2] == ["Domain", "Competence (id)"]
    assert all(len(row) == 11 for row in rows)


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://x\")", "+1+2", "-3", "@SUM(A1)"])
def test_csv_never_hands_a_formula_to_the_spreadsheet(portfolio: Portfolio, title: str) -> None:
    portfolio.write("recits/formule.md", f"---\ntitre: '{title.replace(chr(39), chr(39) * 2)}'\ndate: 2024\ncompetences: [alliance]\n---\n")
    rows = matrix(export(portfolio, "csv").output)
    cell = next(row[6] for row in rows if row[5] == "formule")
    assert cell == "'" + title


def test_sortie_writes_the_file_and_says_so(portfolio: Portfolio, tmp_path: Path) -> None:
    target = tmp_path / "portfolio.json"
    result = CliRunner().invoke(main, ["export", "json", str(portfolio.root), "--sortie", str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == 1
    assert "portfolio.json" in result.output


def test_export_refuses_a_portfolio_with_errors(portfolio: Portfolio) -> None:
    portfolio.write("recits/casse.md", "---\ntitre: Cassé\ndate: 2024-13\n---\n")
    result = export(portfolio, "json")
    assert result.exit_code == 1
    assert "recits/casse.md" in result.output
    assert "Export refusé" in result.output


def valid_resume(text: str) -> dict[str, object]:
    data = json.loads(text)
    schema = json.loads((SCHEMAS / "jsonresume.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER).validate(data)
    return data


def test_jsonresume_maps_profile_parcours_and_competences(secretive: Portfolio) -> None:
    (secretive.root / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: docs\ntheme: {name: material, language: fr}\nplugins:\n  - cheminement:\n"
        "      profil: {nom: Camille Martin, accroche: Formatrice, contact: 'mailto:camille@example.org'}\n", encoding="utf-8")
    secretive.write("parcours/club.md", "---\ntitre: Trésorière\ntype: benevolat\norganisation: Club\ndebut: 2019\nfin: en cours\n---\n")
    secretive.write("parcours/cert.md", "---\ntitre: Titre FPA\ntype: certification\norganisation: AFPA\ndebut: 2023-06\n---\n")
    result = export(secretive, "jsonresume")
    assert result.exit_code == 0, result.output
    resume = valid_resume(result.output)
    assert resume["basics"] == {"name": "Camille Martin", "label": "Formatrice", "email": "camille@example.org"}
    assert resume["work"] == [{"name": "Acme", "position": "Commerciale", "location": "Lyon",
                               "startDate": "1998-09", "endDate": "2006", "summary": "Huit ans de vente.",
                               "highlights": ["Un récit public"]}]
    assert resume["education"] == [{"area": "Master ingénierie de formation", "startDate": "2024-09"}]
    assert resume["volunteer"] == [{"organization": "Club", "position": "Trésorière", "startDate": "2019"}]
    assert resume["certificates"] == [{"name": "Titre FPA", "issuer": "AFPA", "date": "2023-06"}]
    skills = {skill["name"]: skill.get("level") for skill in resume["skills"]}  # type: ignore[attr-defined, index]
    assert skills == {"Pratiquer l'écoute active": "Maîtrise", "Construire l'alliance": "Application",
                      "Concevoir un dispositif": "Application"}


def test_jsonresume_of_a_bare_portfolio_is_valid(portfolio: Portfolio) -> None:
    resume = valid_resume(export(portfolio, "jsonresume").output)
    assert "evaluation" not in json.dumps(resume) and "Évaluer" not in json.dumps(resume, ensure_ascii=False)
