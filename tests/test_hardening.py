"""Regressions from an adversarial review: leaks through side doors, escaping, tracebacks."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from kit import Portfolio

from cheminement.cli import main


def site_bytes(folio: Portfolio) -> bytes:
    return b"\n".join(p.read_bytes() for p in folio.site.rglob("*") if p.is_file())


def test_files_a_private_note_mentions_in_any_form_stay_private(portfolio: Portfolio) -> None:
    names = ["ref-CANARYI50.png", "unquoted-CANARYI51.png", "srcset-CANARYI52.png", "space CANARYI53.png",
             "poster-CANARYI54.png", "doc-CANARYI55.pdf", "abs-CANARYI59.png"]
    for name in names:
        (portfolio.docs / "recits" / name).write_bytes(b"bytes of " + name.encode())
    portfolio.write("recits/secret.md", """
        ---
        titre: Secret
        date: 2023-01
        visibilite: prive
        ---
        ![ref][p1]

        [p1]: ref-CANARYI50.png

        <img src=unquoted-CANARYI51.png>
        <picture><source srcset="srcset-CANARYI52.png"><img alt=""></picture>
        ![space](<space CANARYI53.png>)
        <video poster="poster-CANARYI54.png"></video>
        <object data="doc-CANARYI55.pdf"></object>
        ![abs](/recits/abs-CANARYI59.png)
    """)
    portfolio.build()
    assert b"CANARYI5" not in site_bytes(portfolio)


def test_dirty_build_rebuilds_pages_that_cited_a_note_made_private(portfolio: Portfolio) -> None:
    note = portfolio.write("recits/court.md", "---\ntitre: Sylvie\ndate: 2023-05\nparcours: master\n---\nTexte.\n")
    portfolio.build()
    assert "Sylvie" in (portfolio.site / "parcours" / "master" / "index.html").read_text(encoding="utf-8")
    note.write_text(note.read_text(encoding="utf-8").replace("date: 2023-05", "date: 2023-05\nvisibilite: prive"), encoding="utf-8")
    portfolio.build(dirty=True)
    assert b"Sylvie" not in site_bytes(portfolio)


def test_public_feedback_never_links_to_a_private_note(portfolio: Portfolio) -> None:
    portfolio.write("recits/secret.md", "---\ntitre: Secret\ndate: 2023\nvisibilite: prive\n---\n")
    portfolio.write("retours/r.md", """
        ---
        auteur: Coach
        date: 2024-02
        sur: premier-entretien
        visibilite: public
        ---
        Voir [la note][r], [celle-ci](../recits/secret.md) et <a href="../recits/secret.md">html</a>.

        [r]: ../recits/secret.md
    """)
    portfolio.build()
    assert b"recits/secret" not in site_bytes(portfolio)
    page = portfolio.html("recits/premier-entretien/index.html").select_one(".chm-retour__body")
    assert "Voir la note, celle-ci et html." in " ".join(page.get_text().split())


def test_handwritten_nav_entries_to_private_pages_are_dropped(portfolio: Portfolio) -> None:
    portfolio.write("recits/secret.md", "---\ntitre: Secret\ndate: 2023\nvisibilite: prive\n---\n")
    portfolio.configure(extra="nav:\n  - Accueil: index.md\n  - NavA: recits/secret.md#x\n  - NavD: recits/secret/\n  - NavC: /recits/secret/\n")
    portfolio.build()
    home = portfolio.html("index.html").get_text()
    assert "NavA" not in home and "NavD" not in home and "NavC" not in home


def test_changes_page_does_not_count_notes_made_private(portfolio: Portfolio, tmp_path) -> None:
    before = portfolio.build(site_dir=str(tmp_path / "before"))
    note = portfolio.docs / "recits" / "atelier.md"
    note.write_text(note.read_text(encoding="utf-8").replace("modele: kolb", "modele: kolb\nvisibilite: prive"), encoding="utf-8")
    portfolio.configure(options=f"depuis: {before}")
    portfolio.build()
    assert "plus publiée" not in portfolio.html("nouveautes/index.html").get_text()


def test_unquoted_date_for_depuis(portfolio: Portfolio) -> None:
    portfolio.configure(options="depuis: 2020-01-01")
    portfolio.build()
    assert "1er janvier 2020" in portfolio.html("nouveautes/index.html").get_text()


def test_manifest_lists_only_files_of_the_site(portfolio: Portfolio) -> None:
    portfolio.build()
    manifest = json.loads((portfolio.site / "cheminement-manifeste.json").read_text(encoding="utf-8"))
    assert "referentiel.yml" not in manifest["files"]
    assert all((portfolio.site / path).exists() or path.endswith(".md") for path in manifest["files"])


def test_bibliography_values_are_escaped(portfolio: Portfolio) -> None:
    (portfolio.root / "refs.bib").write_text(
        "@book{k1, author={<script>alert(1)</script>}, title={<img src=x onerror=alert(2)>}, year={2009}}\n",
        encoding="utf-8")
    portfolio.configure(options="bibliographie: refs.bib")
    portfolio.write("recits/cite.md", "---\ntitre: Cite\ndate: 2024\n---\nVoir [@k1].\n")
    portfolio.build()
    for page in ("recits/cite/index.html", "bibliographie/index.html", "dossier/index.html"):
        soup = portfolio.html(page)
        assert not any("alert(1)" in s.get_text() for s in soup.find_all("script")), page
        assert not soup.find_all(attrs={"onerror": True}), page


def test_table_of_contents_keeps_escaping(portfolio: Portfolio) -> None:
    referentiel = portfolio.docs / "referentiel.yml"
    referentiel.write_text(referentiel.read_text(encoding="utf-8").replace(
        "titre: Relation\n", "titre: \"Rel <img src=x onerror=alert('D')>\"\n"), encoding="utf-8")
    portfolio.build()
    soup = portfolio.html("competences/index.html")
    assert not soup.find_all(attrs={"onerror": True})
    assert "Rel <img" in soup.select_one("nav.md-nav--secondary").get_text()


@pytest.mark.parametrize("value", ["!!binary aGVsbG8=", "!!set {a: null}", "!!timestamp 2024-01-01"])
@pytest.mark.parametrize("key", ["titre", "tags", "competences", "parcours"])
def test_yaml_tags_give_a_message_not_a_traceback(portfolio: Portfolio, key: str, value: str) -> None:
    title = "" if key == "titre" else "titre: A\n"
    portfolio.write("recits/a.md", f"---\n{title}date: 2024-01\n{key}: {value}\n---\n")
    result = CliRunner().invoke(main, ["check", str(portfolio.root / "mkdocs.yml")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1 and "recits/a.md" in result.output


@pytest.mark.parametrize("item", [
    {"id": "k1", "type": "book", "author": "Paul", "issued": {"date-parts": [[2020]]}},
    {"id": "k1", "type": "book", "author": [{"family": 1}]},
    {"id": "k1", "type": "book", "issued": {"date-parts": [["x"]]}},
])
def test_csl_json_that_citeproc_cannot_read_is_a_problem(portfolio: Portfolio, item: dict) -> None:
    (portfolio.root / "refs.json").write_text(json.dumps([item]), encoding="utf-8")
    portfolio.configure(options="bibliographie: refs.json")
    result = CliRunner().invoke(main, ["check", str(portfolio.root / "mkdocs.yml")])
    assert result.exit_code == 1 and "Bibliographie illisible" in result.output


def test_csl_json_without_type_builds(portfolio: Portfolio) -> None:
    (portfolio.root / "refs.json").write_text(json.dumps([{"id": "k1", "title": "Sans type"}]), encoding="utf-8")
    portfolio.configure(options="bibliographie: refs.json")
    portfolio.write("recits/cite.md", "---\ntitre: Cite\ndate: 2024\n---\nVoir [@k1].\n")
    portfolio.build()
    assert "Sans type" in portfolio.html("recits/cite/index.html").get_text()


def test_type_must_be_text_and_digits_ascii(portfolio: Portfolio) -> None:
    portfolio.write("recits/a.md", "---\ntitre: A\ndate: \"２０２４\"\ntype: [recit]\ncompetences:\n  alliance: \"٣\"\n---\n")
    result = CliRunner().invoke(main, ["check", str(portfolio.root / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "ligne 3" in result.output and "ligne 4" in result.output and "ligne 6" in result.output


def test_title_from_a_heading_undoes_markdown_escapes(portfolio: Portfolio) -> None:
    portfolio.write("recits/titre.md", "---\ndate: 2024\n---\n# Atelier \\*collectif\\* \\<n°2\\>\n\nTexte.\n")
    portfolio.build()
    assert portfolio.html("recits/titre/index.html").title.get_text().startswith("Atelier *collectif* <n°2>")
