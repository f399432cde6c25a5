"""`cheminement referentiel importer`: RNCP fiches and CSV into referentiel.yml, merged, refused cleanly."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from kit import FIXTURES, Portfolio

from cheminement.check import analyse
from cheminement.cli import main
from cheminement.referentiel_import import split_competences
from cheminement.settings import Settings

RNCP = FIXTURES / "rncp"
ONE = RNCP / "RNCP37488.xml"
EXPORT = RNCP / "export_fiches_RNCP_V4_1_extrait.xml"


def run(folio: Portfolio, *args: str) -> Result:
    return CliRunner().invoke(main, ["referentiel", "importer", *args, "--portfolio", str(folio.root)])


def referentiel(folio: Portfolio) -> dict:
    return yaml.safe_load((folio.docs / "referentiel.yml").read_text(encoding="utf-8"))


def ids(data: dict) -> list[str]:
    return [c["id"] for d in data["domaines"] for c in d.get("competences", [])]


def test_an_rncp_fiche_becomes_a_framework_the_site_shows(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    folio.write("index.md", "# Accueil\n")
    result = run(folio, str(ONE))
    assert result.exit_code == 0, result.output
    data = referentiel(folio)
    assert data["titre"].startswith("Cybersécurité")
    assert data["ref"] == {"rncp": "RNCP37488"}
    assert [(d["id"], d["titre"], d["ref"]) for d in data["domaines"]] == [
        ("rncp37488bc01", "Mise en œuvre de réseaux informatiques", {"rncp": "RNCP37488BC01"}),
        ("rncp37488bc02", "Cybersécurité", {"rncp": "RNCP37488BC02"}),
    ]
    first = data["domaines"][0]["competences"]
    assert [c["titre"] for c in first] == ["Valider le fonctionnement d’un réseau", "Coder",
                                           "Installer une infrastructure réseau", "Exploiter une installation réseau",
                                           "Maintenir un réseau"]
    assert first[0]["id"] == "rncp37488bc01-01" and first[0]["ref"] == {"rncp": "RNCP37488BC01"}
    assert "contrôle en cours de formation" in first[0]["description"]  # the bloc's assessment
    assert "Ajoutées (9)" in result.output
    report = analyse(Settings(docs_dir=folio.docs))
    assert report.errors == []
    folio.build()
    index = folio.html("competences/index.html").get_text(" ")
    for text in ("Mise en œuvre de réseaux informatiques", "Maintenir un réseau", "Gérer un projet"):
        assert text in index
    assert "Coder" in folio.html("competences/rncp37488bc01-02/index.html").get_text(" ")


def test_one_fiche_is_taken_from_a_full_export(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    refused = run(folio, str(EXPORT))
    assert refused.exit_code == 1 and "--fiche" in refused.output and "RNCP35809" in refused.output
    assert not (folio.docs / "referentiel.yml").exists()
    assert run(folio, str(EXPORT), "--fiche", "35809").exit_code == 0
    data = referentiel(folio)
    assert [d["id"] for d in data["domaines"]] == [f"rncp35809bc0{n}" for n in range(1, 5)]
    assert len(data["domaines"][1]["competences"]) == 20
    assert analyse(Settings(docs_dir=folio.docs)).errors == []


@pytest.mark.parametrize(("text", "items"), [
    ("- Analyser le dossier  - Comparer plusieurs solutions", ["Analyser le dossier", "Comparer plusieurs solutions"]),
    ("* Valider      * Coder          * Installer", ["Valider", "Coder", "Installer"]),
    ("Accueillir le public\nAnalyser sa demande\n\n", ["Accueillir le public", "Analyser sa demande"]),
    ("1. Planifier ;\n2. Conduire.", ["Planifier", "Conduire"]),
    ("• Écouter\n• Reformuler", ["Écouter", "Reformuler"]),
    ("Une seule compétence, sans puce", ["Une seule compétence, sans puce"]),
    ("- Suivre l'état de l'art - les normes", ["Suivre l'état de l'art - les normes"]),
])
def test_the_free_text_list_of_a_bloc_is_split_into_items(text: str, items: list[str]) -> None:
    assert split_competences(text) == items


def test_a_second_import_changes_nothing(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    run(folio, str(ONE))
    before = (folio.docs / "referentiel.yml").read_bytes()
    again = run(folio, str(ONE))
    assert again.exit_code == 0 and "Aucun changement" in again.output
    assert (folio.docs / "referentiel.yml").read_bytes() == before


def edited_fiche(tmp_path: Path) -> Path:
    """RNCP37488 as a later export could give it: bloc 1 reordered, one item reworded, one gone."""
    text = ONE.read_text(encoding="utf-8")
    old = ("* Valider le fonctionnement d’un réseau      * Coder          * Installer une infrastructure réseau"
           "      * Exploiter une installation réseau      * Maintenir un réseau")
    assert old in text
    new = "* Coder      * Valider le fonctionnement d’un réseau      * Installer une infrastructure réseau"
    text = text.replace(old, new).replace("* Gérer un projet", "* Gérer un projet informatique")
    path = tmp_path / "RNCP37488-nouvelle.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_merging_keeps_the_learners_work_and_reports_changes(empty_portfolio: Portfolio, tmp_path: Path) -> None:
    folio = empty_portfolio
    run(folio, str(ONE))
    data = referentiel(folio)
    data["echelle"] = ["Débutant", "Confirmé", "Expert"]
    data["domaines"][0]["competences"].append({"id": "mon-reseau", "titre": "Mon réseau à moi"})
    data["domaines"].append({"id": "perso", "titre": "Personnel", "competences": [{"id": "ecoute", "titre": "Écoute"}]})
    (folio.docs / "referentiel.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    page = folio.write("competences/rncp37488bc01-02.md", "---\nniveau: Confirmé\n---\nJ'ai codé un outil.\n")
    note = folio.write("recits/stage.md", "---\ntitre: Stage\ndate: 2025-03-12\ncompetences:\n  rncp37488bc01-05: Expert\n---\nTexte.\n")
    kept = {page: page.read_bytes(), note: note.read_bytes()}

    result = run(folio, str(edited_fiche(tmp_path)))

    assert result.exit_code == 0, result.output
    merged = referentiel(folio)
    assert merged["echelle"] == ["Débutant", "Confirmé", "Expert"]
    bloc1 = {c["id"]: c["titre"] for c in merged["domaines"][0]["competences"]}
    # Found by their wording, reordered items keep their ids; the learner's own entry stays.
    assert bloc1["rncp37488bc01-01"] == "Valider le fonctionnement d’un réseau"
    assert bloc1["rncp37488bc01-02"] == "Coder"
    assert bloc1["mon-reseau"] == "Mon réseau à moi"
    assert "rncp37488bc01-05" in bloc1  # gone from the fiche, still used by a note: kept
    assert merged["domaines"][2]["id"] == "perso"
    bloc2 = {c["id"]: c["titre"] for c in merged["domaines"][1]["competences"]}
    assert bloc2["rncp37488bc02-04"] == "Gérer un projet informatique"
    assert "Modifiées (1) : rncp37488bc02-04" in result.output
    assert "Absentes de la source, gardées (3) : rncp37488bc01-04, rncp37488bc01-05, mon-reseau" in result.output
    assert all(path.read_bytes() == text for path, text in kept.items())
    assert analyse(Settings(docs_dir=folio.docs)).errors == []


def test_english_keys_of_the_current_referentiel_are_merged_not_doubled(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    folio.write("referentiel.yml", "domains:\n  - id: own\n    competences: [{id: mine, title: Mine}]\n")
    source = folio.root / "in.csv"
    source.write_text("domain,id,title\nOwn,other,Other\n", encoding="utf-8")
    assert run(folio, str(source)).exit_code == 0
    assert ids(referentiel(folio)) == ["mine", "other"]


def test_a_csv_framework_is_imported(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    folio.write("index.md", "# Accueil\n")
    source = folio.root / "competences.csv"
    source.write_text(textwrap.dedent("""\
        domaine;id;titre;description
        Relation d'aide;ecoute-active;Pratiquer l'écoute active;Reformuler, questionner.
        Relation d'aide;cadre;Poser le cadre;
        Ingénierie;conception;"Concevoir un parcours; séquencer";
    """), encoding="utf-8-sig")
    result = run(folio, str(source))
    assert result.exit_code == 0, result.output
    data = referentiel(folio)
    assert [(d["id"], d["titre"], ids({"domaines": [d]})) for d in data["domaines"]] == [
        ("relation-d-aide", "Relation d'aide", ["ecoute-active", "cadre"]),
        ("ingenierie", "Ingénierie", ["conception"]),
    ]
    assert data["domaines"][0]["competences"][0]["description"] == "Reformuler, questionner."
    assert data["domaines"][1]["competences"][0]["titre"] == "Concevoir un parcours; séquencer"
    assert analyse(Settings(docs_dir=folio.docs)).errors == []
    folio.build()
    assert "Poser le cadre" in folio.html("competences/index.html").get_text(" ")


def test_english_headers_and_commas_are_read_too(empty_portfolio: Portfolio) -> None:
    source = empty_portfolio.root / "in-house.csv"
    source.write_text("id,title,domain\nlisten,Listen,Care\n", encoding="utf-8")
    assert run(empty_portfolio, str(source)).exit_code == 0
    assert ids(referentiel(empty_portfolio)) == ["listen"]


def test_dry_run_writes_nothing(empty_portfolio: Portfolio) -> None:
    result = run(empty_portfolio, str(ONE), "--essai")
    assert result.exit_code == 0 and "rien n'a été écrit" in result.output and "Ajoutées (9)" in result.output
    assert not (empty_portfolio.docs / "referentiel.yml").exists()


BAD = {
    "pas-xml.xml": ("Ceci n'est pas du XML.\n", "pas-xml.xml, ligne 1", "pas un XML lisible"),
    "page.xml": ("<?xml version='1.0'?>\n<html><body/></html>\n", "page.xml, ligne 2", "<FICHES>"),
    "rs.xml": ("<FICHES><VERSION_FLUX>4.1</VERSION_FLUX>\n<FICHE><NUMERO_FICHE>RS5000</NUMERO_FICHE></FICHE></FICHES>",
               "rs.xml, ligne 2", "aucun bloc"),
    "colonnes.csv": ("domaine;titre\nA;B\n", "colonnes.csv, ligne 1", "colonne(s) manquante(s) : id"),
    "doublon.csv": ("domaine,id,titre\nA,x,X\nB,y,Y\nA,x,Autre\n", "doublon.csv, ligne 4", "« x » est déjà pris (ligne 2)"),
    "id.csv": ("domaine,id,titre\nA,mauvais id,X\n", "id.csv, ligne 2", "« mauvais id »"),
    "vide.csv": ("domaine,id,titre\n", "vide.csv", "aucune compétence"),
    "latin1.csv": ("domaine,id,titre\nA,x,Év\n".encode("latin-1"), "latin1.csv", "UTF-8"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_sources_are_refused_with_file_line_and_fix(empty_portfolio: Portfolio, name: str) -> None:
    folio = empty_portfolio
    original = folio.write("referentiel.yml", "titre: Mien\ndomaines: []\n").read_bytes()
    content, where, what = BAD[name]
    source = folio.root / name
    source.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = run(folio, str(source))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert where in result.output and what in result.output, result.output
    assert (folio.docs / "referentiel.yml").read_bytes() == original


def test_an_unknown_fiche_is_named(empty_portfolio: Portfolio) -> None:
    result = run(empty_portfolio, str(EXPORT), "--fiche", "RNCP00001")
    assert result.exit_code == 1 and "aucune fiche RNCP00001 parmi ses 2 fiches" in result.output
    assert not (empty_portfolio.docs / "referentiel.yml").exists()


def test_a_broken_current_referentiel_stops_the_import(empty_portfolio: Portfolio) -> None:
    folio = empty_portfolio
    original = folio.write("referentiel.yml", "titre: x\ndomaines: [\n").read_bytes()
    result = run(folio, str(ONE))
    assert result.exit_code == 1 and "referentiel.yml, ligne 3" in result.output
    assert (folio.docs / "referentiel.yml").read_bytes() == original


def test_messages_in_english(empty_portfolio: Portfolio) -> None:
    source = empty_portfolio.root / "x.csv"
    source.write_text("titre\nA\n", encoding="utf-8")
    result = run(empty_portfolio, str(source), "--langue", "en")
    assert result.exit_code == 1 and "x.csv, line 1: missing column(s): domain/domaine, id" in result.output


def test_external_entities_are_never_read(empty_portfolio: Portfolio, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("MOT-DE-PASSE", encoding="utf-8")
    fiche = ONE.read_text(encoding="utf-8").replace(
        "<FICHES>", f'<!DOCTYPE FICHES [<!ENTITY s SYSTEM "file://{secret}">]>\n<FICHES>', 1
    ).replace("* Coder", "* Coder &s;", 1)
    source = tmp_path / "entite.xml"
    source.write_text(fiche, encoding="utf-8")
    run(empty_portfolio, str(source))
    written = empty_portfolio.docs / "referentiel.yml"
    assert not written.exists() or "MOT-DE-PASSE" not in written.read_text(encoding="utf-8")


def test_the_importer_help_is_complete_in_both_languages(empty_portfolio: Portfolio) -> None:
    fr = CliRunner().invoke(main, ["referentiel", "importer", "--help"]).output
    en = CliRunner().invoke(main, ["referentiel", "importer", "--help", "--langue", "en"]).output
    assert "Importe une fiche RNCP" in fr and "--fiche" in fr and fr.count("cheminement referentiel importer") >= 2
    assert "Import an RNCP fiche" in en and "Examples:" in en

