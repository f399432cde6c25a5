"""The coach's "Écrire un retour" form (#15): present only with `relecture`, data escaped,
the repository's "new file" page per host, and a wrong `depot` refused at build time."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kit import FIXTURES, Portfolio
from mkdocs.exceptions import Abort

from cheminement import depot


def form_data(folio: Portfolio, path: str) -> dict:
    block = folio.html(path).select_one("section.chm-relecture script.chm-relecture__data")
    assert block is not None, path
    return json.loads(block.string)


def test_without_relecture_no_page_has_the_form_or_its_script(portfolio: Portfolio) -> None:
    site = portfolio.build()
    pages = list(portfolio.pages())
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "chm-relecture" not in html, page.relative_to(site)
        assert "relecture.js" not in html, page.relative_to(site)


def test_with_relecture_notes_and_competences_carry_the_form(portfolio: Portfolio) -> None:
    portfolio.configure("relecture: true")
    portfolio.write("retours/2025-04-premier.md", """
        ---
        auteur: Hélène Garnier
        date: 2025-04-08
        sur: premier-entretien
        visibilite: public
        ---
        Bien.
        """)
    portfolio.build()
    recit = portfolio.html("recits/premier-entretien/index.html")
    assert recit.find("script", src=lambda src: bool(src) and src.endswith("assets/cheminement/relecture.js"))
    form = recit.select_one("section.chm-relecture form.chm-relecture__form")
    assert form is not None and form.has_attr("hidden")  # revealed by the script only
    # Every control has its label; one status and one level per competence of the note.
    for control in form.select("input, textarea, select"):
        assert recit.select_one(f'label[for="{control["id"]}"]'), control["id"]
    groups = form.select("fieldset.chm-relecture__competence")
    assert [g["data-competence"] for g in groups] == ["ecoute-active", "alliance"]
    assert [o["value"] for o in groups[0].select("select[name=statut] option")] == ["", "relue", "validée"]
    assert [o.get_text() for o in groups[0].select("select[name=niveau] option")][1:] == [
        "Découverte", "Application", "Maîtrise", "Expertise"]
    # Without JavaScript, the page says how to write the same note by hand.
    manual = recit.select_one(".chm-relecture__manuel").get_text()
    assert "sur: recit/premier-entretien" in manual and "ecoute-active: relue" in manual
    data = form_data(portfolio, "recits/premier-entretien/index.html")
    assert data["sur"] == "recit/premier-entretien" and data["folder"] == "retours"
    assert data["repository"] is None and data["email"] == ""
    competence = form_data(portfolio, "competences/ecoute-active/index.html")
    assert competence["sur"] == "competence/ecoute-active"
    assert list(competence["competences"]) == ["ecoute-active"]
    # No feedback on feedback.
    assert portfolio.html("retours/2025-04-premier/index.html").select_one("section.chm-relecture") is None


def test_values_from_notes_are_escaped_in_the_form_and_its_data(portfolio: Portfolio) -> None:
    portfolio.configure("relecture: true\nprofil:\n  contact: claire@exemple.fr")
    evil = "</script><script>alert(1)</script> & « guillemets »"
    portfolio.write("recits/piege.md", f"""
        ---
        titre: '{evil}'
        date: 2024
        competences: [ecoute-active]
        ---
        Texte.
        """)
    portfolio.build()
    html = (portfolio.site / "recits/piege/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    data = form_data(portfolio, "recits/piege/index.html")
    assert data["subject"] == f"Retour sur « {evil} »"
    assert data["email"] == "claire@exemple.fr"
    mail = portfolio.html("recits/piege/index.html").select_one("a[data-action=mail]")
    assert mail["href"] == "mailto:claire@exemple.fr"


def test_the_repository_link_opens_the_hosts_new_file_page(portfolio: Portfolio) -> None:
    portfolio.configure("relecture: true\ndepot: https://github.com/claire/portfolio\ndepot_branche: publication")
    portfolio.build()
    data = form_data(portfolio, "recits/premier-entretien/index.html")
    # docs_dir is `docs` next to mkdocs.yml: the feedback goes to docs/retours in the repository.
    assert data["repository"] == {"base": "https://github.com/claire/portfolio/new/publication/docs/retours",
                                  "name": "filename", "content": "value"}
    link = portfolio.html("recits/premier-entretien/index.html").select_one("a[data-action=repository]")
    assert "GitHub" in link.get_text() and link["rel"] == ["noopener", "noreferrer"]


@pytest.mark.parametrize(("url", "base", "names"), [
    ("https://github.com/claire/portfolio", "https://github.com/claire/portfolio/new/main/content/retours",
     ("filename", "value")),
    ("https://github.com/claire/portfolio.git/", "https://github.com/claire/portfolio/new/main/content/retours",
     ("filename", "value")),
    ("https://gitlab.com/ecole/promo-2026/claire", "https://gitlab.com/ecole/promo-2026/claire/-/new/main/content/retours",
     ("file_name", "content")),
    ("https://git.ecole.fr/claire/portfolio/-/tree/main", "https://git.ecole.fr/claire/portfolio/-/new/main/content/retours",
     ("file_name", "content")),
    ("https://codeberg.org/claire/portfolio", "https://codeberg.org/claire/portfolio/_new/main/content/retours",
     ("filename", "value")),
    ("https://forgejo.ecole.fr/claire/portfolio", "https://forgejo.ecole.fr/claire/portfolio/_new/main/content/retours",
     ("filename", "value")),
])
def test_new_file_page_per_host(url: str, base: str, names: tuple[str, str]) -> None:
    found = depot.new_file((url, "main", "content"), "retours")
    assert (found.base, found.name_param, found.content_param) == (base, *names)
    assert found.folder == "content/retours"


@pytest.mark.parametrize(("repository", "code"), [
    (("http://github.com/claire/portfolio", "main", ""), "review-form.depot.https"),
    (("https://claire:secret@github.com/claire/portfolio", "main", ""), "review-form.depot.credentials"),
    (("https://github.com/claire/portfolio?tab=readme", "main", ""), "review-form.depot.query"),
    (("https://example.org/claire/portfolio", "main", ""), "review-form.depot.host"),
    (("https://github.com/claire", "main", ""), "review-form.depot.path"),
    (("https://github.com/claire/portfolio/tree/main", "main", ""), "review-form.depot.path"),
    (("https://github.com/claire/portfolio", "main branch", ""), "review-form.depot.branch"),
    (("https://github.com/claire/portfolio", "main", "../ailleurs"), "review-form.depot.folder"),
])
def test_a_depot_that_would_make_a_wrong_link_is_refused(repository: tuple[str, str, str], code: str) -> None:
    with pytest.raises(depot.DepotError) as error:
        depot.new_file(repository, "retours")
    assert error.value.code == code


def test_a_bad_depot_fails_the_build_naming_the_file_the_key_and_a_fix(
        portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    portfolio.configure("relecture: true\ndepot: http://github.com/claire/portfolio")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "mkdocs.yml" in logged and "« depot »" in logged and "http://github.com/claire/portfolio" in logged
    assert "https://github.com/claire/portfolio" in logged  # the fix shows the expected form


def test_cheminement_build_keeps_the_portfolio_folder_of_the_repository(tmp_path: Path) -> None:
    """`cheminement build` builds a stage elsewhere: the repository link still names the
    portfolio's folder as it is in the repository (`content/retours`), not the stage's."""
    shutil.copytree(FIXTURES / "base", tmp_path / "content")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: P\ndocs_dir: content\ntheme: {name: material, language: fr}\n"
        "plugins:\n  - search\n  - cheminement:\n      relecture: true\n      depot: https://github.com/o/r\n",
        encoding="utf-8")
    built = subprocess.run([sys.executable, "-m", "cheminement", "build", "--strict", "-d", str(tmp_path / "site")],
                           cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stdout + built.stderr
    page = (tmp_path / "site" / "recits" / "atelier" / "index.html").read_text(encoding="utf-8")
    assert "https://github.com/o/r/new/main/content/retours" in page.replace("\\/", "/")


def test_institution_builds_keep_the_portfolio_folder_of_the_repository(tmp_path: Path) -> None:
    from cheminement import learner

    (tmp_path / "content").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: P\ndocs_dir: content\nplugins:\n  - cheminement:\n      depot: https://gitlab.com/o/r\n",
        encoding="utf-8")
    assert learner.read_learner(tmp_path, "fr").options["depot_dossier"] == "content"
