"""Citations in notes, APA references on each page, the bibliography page; BibTeX and CSL-JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from kit import Portfolio

from cheminement.cli import main

BIBTEX = r"""
@book{paul2009,
  author = {Paul, Maela},
  title = {Autour du mot accompagnement},
  publisher = {Chronique sociale},
  address = {Lyon},
  year = {2009}
}
@book{paul2015,
  author = {Paul, Maela},
  title = {La d{\'e}marche d'accompagnement},
  publisher = {De Boeck},
  year = {2015}
}
@article{pineau2015,
  author = {Pineau, Gaston and Legrand, Jean-Louis and Dupont, Marie},
  title = {Histoires de vie et formation},
  journal = {{\'E}ducation permanente},
  volume = {204},
  number = {3},
  pages = {11--24},
  year = {2015}
}
@book{poulin2015,
  author = {Poulin, Gabrielle},
  title = {Accompagner},
  publisher = {Dunod},
  year = {2015}
}
"""

CSL_JSON = [
    {"id": "paul2009", "type": "book", "title": "Autour du mot accompagnement", "publisher": "Chronique sociale",
     "author": [{"family": "Paul", "given": "Maela"}], "issued": {"date-parts": [[2009]]}},
    {"id": "pineau2015", "type": "article-journal", "title": "Histoires de vie et formation",
     "container-title": "Éducation permanente", "volume": "204", "issue": "3", "page": "11–24",
     "author": [{"family": "Pineau", "given": "Gaston"}, {"family": "Legrand", "given": "Jean-Louis"},
                {"family": "Dupont", "given": "Marie"}], "issued": {"date-parts": [[2015]]}},
]

RECIT = """
    ---
    titre: Ce que disent les auteurs
    date: 2025-06
    ---
    Comme l'écrit Paul [@paul2009, p. 12], accompagner est une posture [@paul2009; @pineau2015].
    Et dans le code : `[@paul2015]`.
"""


def text(soup) -> str:
    return " ".join(soup.get_text().split())


@pytest.fixture(params=["bib", "json"])
def cited(request: pytest.FixtureRequest, portfolio: Portfolio) -> Portfolio:
    if request.param == "bib":
        (portfolio.root / "refs.bib").write_text(BIBTEX, encoding="utf-8")
    else:
        (portfolio.root / "refs.json").write_text(json.dumps(CSL_JSON, ensure_ascii=False, indent=1), encoding="utf-8")
    portfolio.configure(options=f"bibliographie: refs.{request.param}")
    portfolio.write("recits/auteurs.md", RECIT)
    portfolio.write("recits/secret.md", "---\ntitre: Secret\ndate: 2024\nvisibilite: prive\n---\nVoir [@paul2009].\n")
    return portfolio


def test_apa_citations_and_references(cited: Portfolio) -> None:
    cited.build()
    page = cited.html("recits/auteurs/index.html").select_one("article")
    citations = page.select(".chm-cite")
    # French spacing: a thin non-breaking space before the ";" between works, one after "p."
    assert [c.get_text() for c in citations] == ["(Paul, 2009, p.\u00a012)", "(Paul, 2009\u202f; Pineau et al., 2015)"]
    assert [a["href"] for a in citations[1].select("a")] == ["#ref-paul2009", "#ref-pineau2015"]
    assert "[@paul2015]" in text(page.select_one("code"))
    references = page.select("section.chm-references li")
    assert [li["id"] for li in references] == ["ref-paul2009", "ref-pineau2015"]
    assert text(references[0]).startswith("Paul, M. (2009). Autour du mot accompagnement")
    assert "Pineau, G., Legrand, J.-L., & Dupont, M. (2015). Histoires de vie et formation." in text(references[1])
    assert references[0].find("i") is not None  # the title in italics, as APA wants


def test_bibliography_page_lists_public_citations_with_authors(cited: Portfolio) -> None:
    site = cited.build()
    page = cited.html("bibliographie/index.html").select_one("article")
    works = page.select("section[aria-labelledby=oeuvres] > ul > li")
    assert [li["id"] for li in works] == ["ref-paul2009", "ref-pineau2015"]  # works only a private note cites: absent
    assert [text(a) for a in works[0].select(".chm-references__cited a")] == ["Ce que disent les auteurs"]
    assert "Secret" not in text(page)
    authors = {text(a): a["href"] for a in page.select(".chm-authors a")}
    assert authors["Paul"] == "#auteur-paul" and page.select_one("#auteur-paul") is not None
    assert not list(site.rglob("refs.*"))


def test_english_citations(portfolio: Portfolio) -> None:
    (portfolio.root / "refs.bib").write_text(BIBTEX, encoding="utf-8")
    portfolio.configure(options="bibliographie: refs.bib\nlangue: en")
    portfolio.write("recits/auteurs.md", RECIT)
    portfolio.build()
    page = portfolio.html("recits/auteurs/index.html").select_one("article")
    assert text(page.select_one(".chm-cite")) == "(Paul, 2009, p. 12)"
    assert text(page.select_one("section.chm-references h2")) == "References"


def test_unknown_key_names_file_line_and_closest_keys(cited: Portfolio) -> None:
    cited.write("recits/faute.md", "---\ntitre: Faute\ndate: 2025\n---\nUne phrase.\nSelon [@paul209, p. 3].\n")
    result = CliRunner().invoke(main, ["check", str(cited.root / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "recits/faute.md" in result.output
    assert "ligne 6 · erreur : Citation [@paul209] : aucune référence n'a cette clé." in result.output
    assert "Clés proches : paul2009" in result.output


def test_broken_bibtex_names_its_own_line(portfolio: Portfolio) -> None:
    (portfolio.root / "refs.bib").write_text(BIBTEX + "\n@book{casse,\n  title = {Sans fin,\n  year = 2020\n}\n", encoding="utf-8")
    portfolio.configure(options="bibliographie: refs.bib")
    result = CliRunner().invoke(main, ["check", str(portfolio.root / "mkdocs.yml")])
    assert result.exit_code == 1
    line = BIBTEX.count("\n") + 2
    assert "../refs.bib" in result.output and f"ligne {line} · erreur : Bibliographie illisible" in result.output


def test_broken_csl_json_names_its_own_line(portfolio: Portfolio) -> None:
    (portfolio.root / "refs.json").write_text('[\n  {"id": "a",\n   "title": "x",,\n  }\n]\n', encoding="utf-8")
    portfolio.configure(options="bibliographie: refs.json")
    result = CliRunner().invoke(main, ["check", str(portfolio.root / "mkdocs.yml")])
    assert result.exit_code == 1 and "ligne 3 · erreur : Bibliographie illisible" in result.output
