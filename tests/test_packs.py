"""Framework packs (CRCN, DigComp 2.2) and several référentiels in one portfolio."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result
from kit import FIXTURES, ROOT, Portfolio, run_command

from cheminement import packs
from cheminement.check import analyse
from cheminement.cli import main
from cheminement.settings import Settings

RNCP = FIXTURES / "rncp" / "RNCP37488.xml"
SCHEMA = ROOT / "plugins" / "cheminement" / "schemas" / "portfolio.schema.json"

# The learner's own framework (4 levels) beside the CRCN (8 levels), in the `referentiels:` form.
SEVERAL = """\
referentiels:
  - id: mien
    titre: Mon métier
    echelle: [Découverte, Application, Maîtrise, Expertise]
    domaines:
      - id: relation
        titre: Relation
        competences:
          - {id: ecouter, titre: Écouter}
  - id: crcn
    titre: CRCN
    echelle: [Novice 1, Novice 2, Indépendant 3, Indépendant 4, Avancé 5, Avancé 6, Expert 7, Expert 8]
    domaines:
      - id: crcn-1
        titre: Information et données
        competences:
          - {id: crcn-1.1, titre: Mener une recherche, ref: {crcn: "1.1"}}
"""


def importer(folio: Portfolio, *args: str) -> Result:
    return CliRunner().invoke(main, ["referentiel", "importer", *args, "--portfolio", str(folio.root)])


def referentiel(folio: Portfolio) -> dict:
    return yaml.safe_load((folio.docs / "referentiel.yml").read_text(encoding="utf-8"))


def errors(folio: Portfolio) -> list:
    return analyse(Settings(docs_dir=folio.docs)).errors


def all_ids(framework: dict) -> list[str]:
    return [c["id"] for d in framework["domaines"] for c in d["competences"]]


# -- The packs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "lang", "competences"), [("crcn", "fr", 16), ("digcomp", "fr", 21),
                                                           ("digcomp", "en", 21)])
def test_packs_have_their_official_shape(name: str, lang: str, competences: int) -> None:
    pack = packs.load(name, lang)
    assert pack.lang == lang
    framework = pack.framework
    assert framework["id"] == name
    assert len(framework["domaines"]) == 5
    assert len(all_ids(framework)) == competences
    assert len(framework["echelle"]) == 8
    assert framework["source"] and framework["licence"] and framework["version"]
    for domain in framework["domaines"]:
        for competence in domain["competences"]:
            number = competence["ref"][name]
            assert competence["id"] == f"{name}-{number}"
            assert competence["id"].startswith(domain["id"] + ".")


def test_packs_list_and_language_fallback() -> None:
    assert packs.names() == ["crcn", "digcomp"]
    assert packs.load("crcn", "en").lang == "fr"  # the CRCN is French only
    english, french = packs.load("digcomp", "en").framework, packs.load("digcomp", "fr").framework
    assert all_ids(english) == all_ids(french)
    assert english["domaines"][0]["competences"][0]["titre"].startswith("Browsing")
    assert french["domaines"][0]["competences"][0]["titre"].startswith("Naviguer")
    assert packs.load("digcomp", "fr").framework["licence"] == "CC BY 4.0"
    assert packs.load("crcn", "fr").framework["echelle"][2] == "Indépendant 3"


@pytest.mark.parametrize(("name", "lang"), [("crcn", "fr"), ("digcomp", "fr"), ("digcomp", "en")])
def test_every_pack_builds_with_links_levels_and_urls(tmp_path: Path, name: str, lang: str) -> None:
    folio = Portfolio(tmp_path)
    folio.configure(language=lang)
    folio.write("index.md", "# Accueil\n")
    result = CliRunner().invoke(main, ["referentiel", "importer", name, "--portfolio", str(folio.root),
                                       "--langue", lang])
    assert result.exit_code == 0, result.output
    first = f"{name}-1.1"
    folio.write("recits/un.md", f"""\
        ---
        titre: Un récit
        date: 2024-03
        competences: {{{first}: 7}}
        ---
        Voir [[{first}]].
        """)
    folio.write(f"competences/{first}.md", "---\nniveau: 2\nobjectif: Expert 8\n---\nMa page.\n"
                if name == "crcn" else "---\nniveau: 2\n---\nMa page.\n")
    assert errors(folio) == []
    folio.build()
    count = 16 if name == "crcn" else 21
    index = folio.html("competences/index.html")
    assert len(index.select("table.chm-index tbody tr")) == count
    assert len(index.select("section.chm-domain")) == 5
    page = folio.html(f"competences/{first}/index.html")
    assert "Ma page." in page.get_text(" ")
    assert page.select_one('.chm-level[data-level="2"]') is not None
    story = folio.html("recits/un/index.html")
    link = story.select_one(f'a[href$="competences/{first}/"]')
    assert link is not None, "[[crcn-1.1]] resolves to the competence page"
    chip = story.select_one(".chm-chip__level")
    assert chip is not None and chip.get_text().strip().endswith("7")


# -- init --referentiel --------------------------------------------------------------------------



def test_init_with_the_crcn_builds_strictly_and_shows_it_beside_the_starter(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    run_command("cheminement", "init", str(tmp_path / "p"), "--referentiel", "crcn", cwd=tmp_path)
    folder = tmp_path / "p"
    data = yaml.safe_load((folder / "portfolio" / "referentiel.yml").read_text(encoding="utf-8"))
    assert [f["id"] for f in data["referentiels"]] == ["referentiel", "crcn"]
    run_command("cheminement", "check", cwd=folder)
    run_command("mkdocs", "build", "--strict", cwd=folder)
    index = BeautifulSoup((folder / "site" / "competences" / "index.html").read_text(encoding="utf-8"), "lxml")
    groups = index.select("section.chm-framework")
    assert [g.h2.get_text(strip=True) for g in groups] == [
        "Mes compétences", "CRCN — Cadre de référence des compétences numériques"]
    crcn = groups[1]
    assert [h.get_text(strip=True) for h in crcn.select("section.chm-domain > h3")] == [
        "Information et données", "Communication et collaboration", "Création de contenu",
        "Protection et sécurité", "Environnement numérique"]
    assert len(crcn.select("table.chm-index tbody tr")) == 16
    assert "8 niveaux" in crcn.select_one(".chm-framework__scale").get_text()
    # The editor's schema accepts the new form (VS Code would flag it otherwise).
    schema = json.loads((folder / ".cheminement" / "schemas" / "referentiel.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def test_init_with_an_unknown_pack_writes_nothing(tmp_path: Path) -> None:
    result = run_command("cheminement", "init", str(tmp_path / "p"), "--referentiel", "crnc", cwd=tmp_path, ok=False)
    assert result.returncode == 1
    assert "« crnc »" in result.stderr and "crcn, digcomp" in result.stderr
    assert not (tmp_path / "p").exists()


def test_init_in_english_with_digcomp_is_in_english(tmp_path: Path) -> None:
    run_command("cheminement", "init", str(tmp_path / "p"), "--referentiel", "digcomp", "--langue", "en", cwd=tmp_path)
    data = yaml.safe_load((tmp_path / "p" / "portfolio" / "referentiel.yml").read_text(encoding="utf-8"))
    assert data["referentiels"][1]["domaines"][3]["titre"] == "Safety"
    assert data["referentiels"][1]["echelle"][0] == "Foundation 1"


# -- Importing into an existing portfolio --------------------------------------------------------


def test_importing_a_pack_converts_a_v1_file_and_keeps_levels_and_pages(portfolio: Portfolio) -> None:
    folio = portfolio
    before = referentiel(folio)
    dry = importer(folio, "crcn", "--essai")
    assert dry.exit_code == 0, dry.output
    assert referentiel(folio) == before, "--essai writes nothing"
    result = importer(folio, "crcn")
    assert result.exit_code == 0, result.output
    assert "converti" in result.output and "« referentiel »" in result.output and "Ajoutées (16)" in result.output
    after = referentiel(folio)
    mine, crcn = after["referentiels"]
    assert {k: v for k, v in mine.items() if k != "id"} == before, "the learner's framework is unchanged"
    assert mine["id"] == "referentiel" and crcn["id"] == "crcn"
    assert errors(folio) == []
    folio.build()
    page = folio.html("competences/ecoute-active/index.html")
    assert page.select_one('.chm-level[data-level="3"]') is not None  # niveau: Maîtrise, still 3 of 4
    assert "Maîtrise" in page.get_text(" ")
    # Again: the pack is updated in place, nothing added, nothing converted.
    again = importer(folio, "crcn")
    assert again.exit_code == 0, again.output
    assert "Aucun changement" in again.output and "converti" not in again.output
    assert referentiel(folio) == after


def test_a_pack_updates_in_place_and_keeps_the_learners_additions(portfolio: Portfolio) -> None:
    folio = portfolio
    assert importer(folio, "crcn").exit_code == 0
    data = referentiel(folio)
    crcn = data["referentiels"][1]
    crcn["domaines"][0]["competences"][0]["titre"] = "Ancien titre"
    crcn["domaines"][0]["competences"].append({"id": "crcn-1.9", "titre": "La mienne"})
    (folio.docs / "referentiel.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = importer(folio, "crcn")
    assert result.exit_code == 0, result.output
    assert "Modifiées (1) : crcn-1.1" in result.output and "crcn-1.9" in result.output
    crcn = referentiel(folio)["referentiels"][1]
    assert crcn["domaines"][0]["competences"][0]["titre"] == "Mener une recherche et une veille d'information"
    assert "crcn-1.9" in all_ids(crcn)


def test_rncp_and_crcn_side_by_side(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    folio.write("index.md", "# Accueil\n")
    assert importer(folio, str(RNCP)).exit_code == 0
    assert importer(folio, "crcn").exit_code == 0
    data = referentiel(folio)
    assert [f["id"] for f in data["referentiels"]] == ["rncp37488", "crcn"]
    # The fiche again goes into the framework with its RNCP code, not a new one.
    again = importer(folio, str(RNCP))
    assert again.exit_code == 0, again.output
    assert "« rncp37488 »" in again.output and "Aucun changement" in again.output
    assert referentiel(folio) == data
    folio.write("recits/r.md", """\
        ---
        titre: Réseau et recherche
        date: 2024-01
        competences: {rncp37488bc01-02: 4, crcn-1.1: 6}
        ---
        """)
    assert errors(folio) == []
    folio.build()
    index = folio.html("competences/index.html")
    groups = index.select("section.chm-framework")
    assert len(groups) == 2
    assert groups[0].h2.get_text(strip=True).startswith("Cybersécurité")
    assert [h.get_text(strip=True) for h in groups[0].select("section.chm-domain > h3")] == [
        "Mise en œuvre de réseaux informatiques", "Cybersécurité"]
    assert len(groups[1].select("section.chm-domain")) == 5
    home = folio.html("index.html")
    assert len(home.select("figure.chm-levels")) == 2, "one levels chart per framework"


def test_an_id_defined_in_two_frameworks_is_an_error_naming_both_lines(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    folio.write("referentiel.yml", SEVERAL.replace("{id: ecouter, titre: Écouter}", "{id: crcn-1.1, titre: X}"))
    found = [p for p in errors(folio) if p.code == "referentiel-duplicate"]
    assert len(found) == 1
    assert found[0].line == 17 and found[0].params["first"] == 9


def test_a_clash_with_the_learners_ids_stops_the_import(portfolio: Portfolio) -> None:
    folio = portfolio
    text = (folio.docs / "referentiel.yml").read_text(encoding="utf-8").replace("id: alliance", "id: crcn-2.1")
    (folio.docs / "referentiel.yml").write_text(text, encoding="utf-8")
    result = importer(folio, "crcn")
    assert result.exit_code == 1
    assert "crcn-2.1" in result.output and "rien n'a été écrit" in result.output
    assert "Traceback" not in result.output
    assert (folio.docs / "referentiel.yml").read_text(encoding="utf-8") == text


def test_each_level_is_read_against_its_own_frameworks_scale(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    folio.write("referentiel.yml", SEVERAL)
    folio.write("index.md", "# Accueil\n")
    folio.write("recits/r.md", "---\ntitre: R\ndate: 2024-01\ncompetences: {crcn-1.1: 7, ecouter: 4}\n---\n")
    folio.write("competences/crcn-1.1.md", "---\nniveau: Expert 7\nobjectif: 8\n---\n")
    assert errors(folio) == []
    folio.write("recits/faux.md", "---\ntitre: F\ndate: 2024-02\ncompetences: {ecouter: 7, crcn-1.1: 9}\n---\n")
    wrong = {(p.params["competence"], p.params["value"]) for p in errors(folio) if p.code == "unknown-level"}
    assert wrong == {("ecouter", 7), ("crcn-1.1", 9)}
    folio.write("recits/faux.md", "---\ntitre: F\ndate: 2024-02\n---\n")
    folio.build()
    page = folio.html("competences/crcn-1.1/index.html")
    assert "Expert 7" in page.get_text(" ") and "Échelle en 8 niveaux" in page.get_text(" ")
    assert len(page.select(".chm-facts .chm-level__dot")) == 8 * 3  # self, target, latest: 8 dots each
    chart_labels = [t.get_text() for t in page.select(".chm-chart__label")]
    assert "Expert 8" in chart_labels
    other = folio.html("competences/ecouter/index.html")
    assert other.select_one('.chm-level[data-level="4"] .chm-level__label').get_text() == "Expertise"


def test_the_json_export_keeps_each_framework_scale_and_stays_valid(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    folio.write("referentiel.yml", SEVERAL)
    folio.write("recits/r.md", "---\ntitre: R\ndate: 2024-01\ncompetences: {crcn-1.1: 7}\n---\n")
    result = CliRunner().invoke(main, ["export", "json", str(folio.root)], prog_name="cheminement")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")), cls=jsonschema.Draft202012Validator)
    frameworks = data["referentiel"]["referentiels"]
    assert [(f["id"], len(f["echelle"]), f["domaines"]) for f in frameworks] == [
        ("mien", 4, ["relation"]), ("crcn", 8, ["crcn-1"])]
    (recit,) = data["notes"]["recit"]
    assert recit["competences"] == [{"id": "crcn-1.1", "niveau": 7}]


def test_the_v1_form_keeps_its_json_export(portfolio: Portfolio) -> None:
    result = CliRunner().invoke(main, ["export", "json", str(portfolio.root)], prog_name="cheminement")
    assert result.exit_code == 0, result.output
    assert "referentiels" not in json.loads(result.output)["referentiel"]


# -- Bad input ------------------------------------------------------------------------------------


def test_an_unknown_pack_or_missing_file_is_named_and_nothing_is_written(portfolio: Portfolio) -> None:
    folio = portfolio
    text = (folio.docs / "referentiel.yml").read_text(encoding="utf-8")
    result = importer(folio, "crnc")
    assert result.exit_code == 1
    assert "crnc : fichier introuvable" in result.output and "crcn, digcomp" in result.output
    assert importer(folio, "crcn", "--fiche", "RNCP1").exit_code == 1
    assert (folio.docs / "referentiel.yml").read_text(encoding="utf-8") == text


@pytest.mark.parametrize(("text", "code"), [
    ("referentiels: []\n", "referentiel.frameworks-shape"),
    ("referentiels:\n  - titre: Sans id\n    domaines: []\n", "referentiel.framework-id"),
    ("referentiels:\n  - 3\n", "referentiel.framework-shape"),
    ("echelle: [A, B]\nreferentiels:\n  - id: a\n    domaines: []\n", "referentiel.mixed"),
])
def test_a_malformed_list_of_frameworks_is_explained(empty_portfolio: Portfolio, text: str, code: str) -> None:
    empty_portfolio.write("referentiel.yml", text)
    found = [p for p in errors(empty_portfolio) if p.code == code]
    assert found, [p.code for p in errors(empty_portfolio)]
    assert found[0].message("fr").startswith("Référentiel")


def test_dossier_review_and_feedback_form_use_each_frameworks_scale(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    folio.configure(options="relecture: true")
    folio.write("referentiel.yml", SEVERAL)
    folio.write("index.md", "# Accueil\n")
    folio.write("recits/r.md", "---\ntitre: Une recherche\ndate: 2024-01\ncompetences: {crcn-1.1: 7, ecouter: 2}\n---\nTexte.\n")
    folio.write("competences/crcn-1.1.md", "---\nniveau: 8\n---\n")
    assert errors(folio) == []
    folio.build()
    dossier = folio.html("dossier/index.html").get_text(" ")
    assert "Expert 8" in dossier and "Expert 7" in dossier and "Application" in dossier
    review = folio.html("relecture/index.html")
    assert review.select_one('.chm-level[data-level="8"] .chm-level__label').get_text() == "Expert 8"
    form = folio.html("recits/r/index.html")
    options = {group["data-competence"]: [o.get_text() for o in group.select("select[name=niveau] option")][1:]
               for group in form.select("fieldset.chm-relecture__competence")}
    assert len(options["crcn-1.1"]) == 8 and options["ecouter"][-1] == "Expertise"


def test_a_fiche_after_a_pack_gets_its_own_framework_first(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    assert importer(folio, "crcn").exit_code == 0
    assert [f["id"] for f in referentiel(folio)["referentiels"]] == ["crcn"]
    result = importer(folio, str(RNCP))
    assert result.exit_code == 0, result.output
    data = referentiel(folio)
    assert [f["id"] for f in data["referentiels"]] == ["rncp37488", "crcn"]
    assert data["referentiels"][0]["ref"] == {"rncp": "RNCP37488"}
    assert len(all_ids(data["referentiels"][1])) == 16, "the pack is untouched"
    assert errors(folio) == []


def test_a_v1_referentiel_builds_as_before(portfolio: Portfolio) -> None:
    portfolio.build()
    index = portfolio.html("competences/index.html")
    assert index.select("section.chm-framework") == []
    assert [h.get_text(strip=True) for h in index.select("section.chm-domain > h2")] == ["Relation", "Ingénierie"]
    assert "Référentiel de test" in index.select_one(".chm-lead").get_text()
    assert len(portfolio.html("index.html").select("figure.chm-levels")) == 1


def test_whats_new_reads_levels_on_each_frameworks_scale(empty_portfolio: Portfolio, tmp_path: Path) -> None:
    folio = empty_portfolio
    folio.write("referentiel.yml", SEVERAL)
    folio.write("index.md", "# Accueil\n")
    folio.write("recits/r.md", "---\ntitre: Une recherche\ndate: 2024-01\ncompetences: {crcn-1.1: 6}\n---\nTexte.\n")
    before = folio.build(site_dir=str(tmp_path / "avant"))
    recorded = json.loads((before / "cheminement-manifeste.json").read_text(encoding="utf-8"))
    assert recorded["files"]["recits/r.md"]["competences"] == {"crcn-1.1": 6}
    folio.write("recits/r.md", "---\ntitre: Une recherche\ndate: 2024-01\ncompetences: {crcn-1.1: 7}\n---\nTexte.\n")
    folio.configure(options=f"depuis: {before}")
    folio.build()
    page = folio.html("nouveautes/index.html").get_text(" ")
    assert "Avancé 6" in page and "Expert 7" in page
