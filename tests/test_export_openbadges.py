"""`cheminement export openbadges`: Open Badges 3.0 documents of the public competences, valid
against 1EdTech's JSON Schemas, unsigned and saying so, with no private note in them."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result
from kit import ROOT, Portfolio

from cheminement.check import analyse
from cheminement.cli import main
from cheminement.configfile import read_settings
from cheminement.export_openbadges import Site, as_openbadges

SCHEMAS = ROOT / "plugins" / "cheminement" / "schemas"
CANARY = "CANARI-PRIVE-5519"
VALIDATION = """\
    ---
    auteur: Hélène Garnier
    date: 2025-11-20
    sur: ecoute-active
    visibilite: public
    competences:
      ecoute-active: validée
    ---
    La reformulation est précise. Voir [[cache]], [[atelier|l'atelier]] et [le récit](../recits/cache.md).
    """


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"ob_v3p0_{name}_schema.json").read_text(encoding="utf-8"))


def _date_time(value: object) -> bool:
    """RFC 3339 date-time, as the schemas' `format` asks (jsonschema checks it only with an
    optional package, so the tests check it themselves)."""
    if not isinstance(value, str) or "T" not in value:
        return False
    dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


FORMATS = jsonschema.FormatChecker()
FORMATS.checks("date-time", raises=ValueError)(_date_time)


def validator(name: str, definition: str | None = None) -> jsonschema.Draft201909Validator:
    """The official schema `name`, or one of its `$defs` (Achievement, Profile…)."""
    schema = _schema(name)
    if definition is not None:
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    return jsonschema.Draft201909Validator(schema, format_checker=FORMATS)


CREDENTIAL = validator("achievementcredential")
ACHIEVEMENT = validator("achievementcredential", "Achievement")
ENDORSEMENT = validator("endorsementcredential")
PROFILE = validator("profile")


def export(root: Path, output: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["export", "openbadges", "--sortie", str(output), *args, str(root)], prog_name="cheminement")


def archive(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as opened:
        return {name: opened.read(name).decode("utf-8") for name in opened.namelist()}


def documents(files: dict[str, str], folder: str) -> dict[str, dict[str, Any]]:
    prefix = f"{folder}/"
    return {name[len(prefix):-len(".json")]: json.loads(text) for name, text in files.items() if name.startswith(prefix)}


def assert_valid(files: dict[str, str]) -> None:
    """Every document of the archive against its official schema; no proof anywhere."""
    for achievement in documents(files, "achievements").values():
        ACHIEVEMENT.validate(achievement)
    for credential in documents(files, "credentials").values():
        CREDENTIAL.validate(credential)
        PROFILE.validate(credential["issuer"])
        assert "proof" not in credential
        for endorsement in credential["endorsement"]:
            ENDORSEMENT.validate(endorsement)
            PROFILE.validate(endorsement["issuer"])
            assert "proof" not in endorsement


@pytest.fixture
def validated(portfolio: Portfolio) -> Portfolio:
    """The base portfolio with a published validation of ecoute-active, and a private récit
    and journal note that support it."""
    portfolio.write("retours/validation.md", VALIDATION)
    portfolio.write("recits/cache.md", f"""\
        ---
        titre: {CANARY} récit
        date: 2024-01
        visibilite: prive
        competences: {{ecoute-active: Expertise}}
        ---
        {CANARY} dans un récit privé.
        """)
    portfolio.write("journal/secret.md", f"---\ntitre: {CANARY}\ncompetences: [ecoute-active]\n---\n{CANARY}\n")
    return portfolio


def test_the_sample_portfolio_validates_and_keeps_its_private_notes(tmp_path: Path) -> None:
    output = tmp_path / "badges.zip"
    result = export(ROOT / "mkdocs.yml", output)
    assert result.exit_code == 0, result.output
    files = archive(output)
    assert_valid(files)
    credentials = documents(files, "credentials")
    # The sample's published feedback validates these two; the others are definitions only.
    assert set(credentials) == {"ecoute-active", "reflexivite"}
    assert len(documents(files, "achievements")) == 14
    endorsement = credentials["ecoute-active"]["endorsement"][0]
    assert endorsement["issuer"]["name"] == "Hélène Garnier, tutrice du Master"
    assert "comme acquise au niveau « Maîtrise »" in endorsement["credentialSubject"]["endorsementComment"]
    everything = "".join(files.values())
    for private in ("CANARY-PRIVATE-RETOUR", "point d'étape", "journal/"):
        assert private not in everything
    aligned = documents(files, "achievements")["conception-dispositif"]["alignment"]
    assert aligned[0]["targetUrl"] == "https://www.francecompetences.fr/recherche/rncp/37275/"


def test_credential_maps_evidence_endorsement_level_and_unsigned_mark(validated: Portfolio, tmp_path: Path) -> None:
    output = tmp_path / "badges.zip"
    result = export(validated.root, output)
    assert result.exit_code == 0, result.output
    # The learner is told, not only the archive: nothing in it is signed.
    assert "ne sont pas signés" in result.output
    files = archive(output)
    assert_valid(files)
    credential = documents(files, "credentials")["ecoute-active"]
    assert credential["type"] == ["VerifiableCredential", "AchievementCredential"]
    assert "NON SIGNÉ" in credential["description"]
    assert credential["validFrom"] == "2025-11-20T00:00:00Z"
    assert {e["name"] for e in credential["evidence"]} == {"Co-animer un atelier", "Mon premier entretien", "Ma grille d'entretien"}
    endorsement = credential["endorsement"][0]
    assert endorsement["issuer"]["name"] == "Hélène Garnier"
    assert endorsement["credentialSubject"]["id"] == credential["id"]
    # Links are reduced to their text: a comment has no site to link into, and the private
    # récit's path never leaves.
    assert endorsement["credentialSubject"]["endorsementComment"] == "La reformulation est précise. Voir cache, l'atelier et le récit."
    achievement = credential["credentialSubject"]["achievement"]
    levels = achievement["resultDescription"][0]
    assert [level["name"] for level in levels["rubricCriterionLevel"]] == ["Découverte", "Application", "Maîtrise", "Expertise"]
    # atelier claims Maîtrise (rank 3); the private récit's Expertise does not count.
    assert credential["credentialSubject"]["result"][0]["achievedLevel"] == levels["rubricCriterionLevel"][2]["id"]
    assert CANARY not in "".join(files.values())
    assert set(documents(files, "credentials")) == {"ecoute-active"}


def test_rncp_block_aligns_to_france_competences(validated: Portfolio, tmp_path: Path) -> None:
    output = tmp_path / "badges.zip"
    export(validated.root, output)
    (alignment,) = documents(archive(output), "achievements")["ecoute-active"]["alignment"]
    assert alignment == {
        "type": ["Alignment"], "targetName": "Pratiquer l'écoute active",
        "targetUrl": "https://www.francecompetences.fr/recherche/rncp/35504/", "targetCode": "RNCP35504BC02",
        "targetFramework": "Répertoire national des certifications professionnelles (RNCP)", "targetType": "ceasn:Competency",
    }


def test_frameworks_crcn_digcomp_and_unknown_references(empty_portfolio: Portfolio) -> None:
    empty_portfolio.write("referentiel.yml", """\
        titre: Numérique
        domaines:
          - id: info
            titre: Information et données
            competences:
              - {id: veille, titre: Mener une veille, ref: {crcn: "1.1", digcomp: "1.1"}}
              - {id: esco, titre: Chercher, ref: {esco: "http://data.europa.eu/esco/skill/abc"}}
              - {id: maison, titre: Maison, ref: {interne: "A-12", rs: RS5896}}
        """)
    settings = read_settings(empty_portfolio.root / "mkdocs.yml")
    badges = as_openbadges(analyse(settings).portfolio, settings, "fr")
    for achievement in badges.achievements.values():
        ACHIEVEMENT.validate(achievement)
    veille = badges.achievements["veille"]["alignment"]
    assert [(a["targetCode"], a["targetUrl"]) for a in veille] == [
        ("1.1", "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000039005162"),
        ("1.1", "https://joint-research-centre.ec.europa.eu/digcomp/digcomp-framework_en"),
    ]
    assert badges.achievements["esco"]["alignment"][0]["targetUrl"] == "http://data.europa.eu/esco/skill/abc"
    maison = badges.achievements["maison"]["alignment"]
    assert [(a["targetUrl"], a["targetType"]) for a in maison] == [("https://www.francecompetences.fr/recherche/rs/5896/", "ceterms:Credential")]
    unaligned = [note for note in badges.notes if "interne" in note]
    assert len(unaligned) == 1 and "referentiel.yml" in unaligned[0] and "maison" in unaligned[0]
    assert not badges.credentials


def test_each_framework_gives_its_scale_title_and_certification(empty_portfolio: Portfolio) -> None:
    empty_portfolio.write("referentiel.yml", """\
        referentiels:
          - id: metier
            titre: Titre professionnel Formateur
            ref: {rncp: RNCP37275}
            echelle: [Débutant, Confirmé]
            domaines:
              - id: animer
                titre: Animer
                competences: [{id: animation, titre: Animer un groupe, ref: {rncp: RNCP37275BC02}}]
          - id: crcn
            titre: CRCN
            echelle: ["1", "2", "3", "4", "5", "6", "7", "8"]
            domaines:
              - id: info
                titre: Information et données
                competences: [{id: veille, titre: Mener une recherche, ref: {crcn: "1.1"}}]
        """)
    settings = read_settings(empty_portfolio.root / "mkdocs.yml")
    badges = as_openbadges(analyse(settings).portfolio, settings, "fr")
    animation, veille = badges.achievements["animation"], badges.achievements["veille"]
    for achievement in (animation, veille):
        ACHIEVEMENT.validate(achievement)
    assert [level["name"] for level in animation["resultDescription"][0]["rubricCriterionLevel"]] == ["Débutant", "Confirmé"]
    assert len(veille["resultDescription"][0]["rubricCriterionLevel"]) == 8
    assert (animation["fieldOfStudy"], veille["fieldOfStudy"]) == ("Titre professionnel Formateur", "CRCN")
    # The block, then the whole certification its framework names.
    assert [(a["targetCode"], a["targetType"]) for a in animation["alignment"]] == [
        ("RNCP37275BC02", "ceasn:Competency"), ("RNCP37275", "ceterms:Credential")]
    assert animation["alignment"][1]["targetName"] == "Titre professionnel Formateur"
    assert [a["targetCode"] for a in veille["alignment"]] == ["1.1"]


def test_site_url_gives_page_addresses(validated: Portfolio, tmp_path: Path) -> None:
    validated.configure(extra="site_url: https://claire.example.org/portfolio\nuse_directory_urls: false\n")
    output = tmp_path / "badges.zip"
    assert export(validated.root, output).exit_code == 0
    files = archive(output)
    assert_valid(files)
    credential = documents(files, "credentials")["ecoute-active"]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"] == "https://claire.example.org/portfolio/competences/ecoute-active.html"
    assert achievement["criteria"]["id"] == achievement["id"]
    pages = {e["name"]: e.get("id") for e in credential["evidence"]}
    assert pages["Co-animer un atelier"] == "https://claire.example.org/portfolio/recits/atelier.html"
    assert "site_url" not in files["LISEZMOI.txt"]


def test_site_address_follows_directory_urls() -> None:
    site = Site("https://x.example/")
    assert site.page("recits/atelier.md") == "https://x.example/recits/atelier/"
    assert site.page("competences/index.md") == "https://x.example/competences/"
    assert site.page("index.md") == "https://x.example/"
    assert Site(None).page("recits/atelier.md") is None
    # Ids are URIs: an accented file name is percent-encoded, as MkDocs writes its URLs.
    assert site.page("recits/récit-été.md") == "https://x.example/recits/r%C3%A9cit-%C3%A9t%C3%A9/"


def test_without_site_url_ids_are_stable_urns_of_this_portfolio(validated: Portfolio, tmp_path: Path) -> None:
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    export(validated.root, first)
    export(validated.root, second)
    assert first.read_bytes() == second.read_bytes()
    files = archive(first)
    credential = documents(files, "credentials")["ecoute-active"]
    assert credential["id"].startswith("urn:uuid:")
    assert credential["credentialSubject"]["achievement"]["id"].startswith("urn:uuid:")
    assert "site_url" in files["LISEZMOI.txt"]
    # Another learner with the same référentiel gets other ids.
    validated.configure(options="profil: {nom: Camille Martin}")
    third = tmp_path / "c.zip"
    export(validated.root, third)
    other = documents(archive(third), "credentials")["ecoute-active"]
    assert other["id"] != credential["id"]
    assert other["credentialSubject"]["identifier"][0]["identityHash"] == "Camille Martin"


def test_no_validated_competence_gives_definitions_only(portfolio: Portfolio, tmp_path: Path) -> None:
    portfolio.configure(language="en", options="langue: en")
    output = tmp_path / "badges.zip"
    result = export(portfolio.root, output)
    assert result.exit_code == 0, result.output
    files = archive(output)
    assert not documents(files, "credentials")
    assert len(documents(files, "achievements")) == 4
    assert "No competence is validated" in files["README.txt"]


def test_private_feedback_validates_nothing(portfolio: Portfolio, tmp_path: Path) -> None:
    portfolio.write("retours/validation.md", VALIDATION.replace("visibilite: public", "visibilite: prive"))
    output = tmp_path / "badges.zip"
    export(portfolio.root, output)
    files = archive(output)
    assert not documents(files, "credentials")
    assert "Garnier" not in "".join(files.values())


def test_the_schemas_refuse_a_broken_credential(validated: Portfolio, tmp_path: Path) -> None:
    """The vendored schemas do check: without its type or its issuer, a credential fails."""
    output = tmp_path / "badges.zip"
    export(validated.root, output)
    credential = documents(archive(output), "credentials")["ecoute-active"]
    for broken in ({**credential, "type": ["VerifiableCredential"]}, {k: v for k, v in credential.items() if k != "issuer"},
                   {**credential, "validFrom": "2025-11-20"}):
        assert not CREDENTIAL.is_valid(broken)


def test_openbadges_needs_an_output_file(portfolio: Portfolio) -> None:
    result = CliRunner().invoke(main, ["export", "openbadges", str(portfolio.root)], prog_name="cheminement")
    assert result.exit_code != 0
    assert "--sortie portfolio.zip" in result.output
    assert not list(portfolio.root.glob("*.zip"))


def test_archive_is_a_zip_with_a_readme(portfolio: Portfolio, tmp_path: Path) -> None:
    output = tmp_path / "out.zip"
    export(portfolio.root, output)
    with zipfile.ZipFile(io.BytesIO(output.read_bytes())) as opened:
        assert opened.testzip() is None
        assert opened.namelist()[0] == "LISEZMOI.txt"


def test_every_validating_feedback_is_an_endorsement(validated: Portfolio, tmp_path: Path) -> None:
    validated.write("retours/jury.md", VALIDATION.replace("Hélène Garnier", "Marc Petit").replace("2025-11-20", "2026-01-15"))
    validated.write("retours/relu.md", VALIDATION.replace("Hélène Garnier", "Relecteur").replace("validée", "relue"))
    output = tmp_path / "badges.zip"
    export(validated.root, output)
    files = archive(output)
    assert_valid(files)
    credential = documents(files, "credentials")["ecoute-active"]
    assert [e["issuer"]["name"] for e in credential["endorsement"]] == ["Hélène Garnier", "Marc Petit"]
    assert credential["validFrom"] == "2026-01-15T00:00:00Z"
    assert len({e["id"] for e in credential["endorsement"]}) == 2
