"""Zotero first-class: Better BibTeX's three exports of one library, keys as written, dates,
access dates, languages, institutions, DOI and URL links, French typography, one clear error
for an unreadable library, and `mkdocs serve` watching the library wherever it is.

The fixtures in tests/fixtures/zotero are the sample's works (and two web pages) as Better
BibTeX exports them: Better BibLaTeX (`bibliotheque.bib`), Better BibTeX
(`bibliotheque-bibtex.bib`) and Better CSL JSON (`bibliotheque.json`).
"""

from __future__ import annotations

import json
import logging
import shutil
import textwrap
import warnings
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from kit import FIXTURES, ROOT, Portfolio
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from serving import MkDocsServe, wait_for
from test_stage import cheminement

from cheminement.cli import main

ZOTERO = FIXTURES / "zotero"
EXPORTS = ["bibliotheque.bib", "bibliotheque-bibtex.bib", "bibliotheque.json"]
KEYS = [
    "francecompetencesFicheRNCP37275Formateur2023", "francevaeFranceVAEService", "gibbsLearningDoingGuide1988",
    "lhotellierLaccompagnementMaieutiqueSociale2000", "paulAutourMotAccompagnement2009",
    "paulLaccompagnementPostureProfessionnelle2004", "rogersDeveloppementPersonne1968",
    "schonPraticienReflexifRecherche1994", "vermerschLentretienDexplicitation2019",
]
NBSP, THIN = "\u00a0", "\u202f"


def text(soup) -> str:
    return " ".join(soup.get_text().split())


def cite(portfolio: Portfolio, library: str, body: str, *, name: str = "refs.bib", lang: str = "fr") -> Portfolio:
    """A portfolio whose library (outside docs_dir, as Zotero's auto-export writes it) is
    `library`, with one récit whose text is `body`."""
    (portfolio.root / name).write_text(textwrap.dedent(library).lstrip("\n"), encoding="utf-8")
    portfolio.configure(options=f"bibliographie: {name}\nlangue: {lang}")
    portfolio.write("recits/lu.md", f"---\ntitre: Lu\ndate: 2025-06\n---\n{body}\n")
    return portfolio


def built(portfolio: Portfolio) -> BeautifulSoup:
    """Build, with any warning an error (citeproc warns about fields it does not know)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        portfolio.build()
    return portfolio.html("recits/lu/index.html").select_one("article")


def reference(page: BeautifulSoup, key: str) -> BeautifulSoup:
    found = page.select_one(f"section.chm-references li#ref-{key}")
    assert found is not None, f"no reference for {key}"
    return found


def check(portfolio: Portfolio) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(portfolio.root / "mkdocs.yml")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


# -- The three exports of one library -------------------------------------------------------------


def export_page(portfolio: Portfolio, export: str, lang: str) -> tuple[list[str], list[str]]:
    shutil.copy(ZOTERO / export, portfolio.root / export)
    portfolio.configure(options=f"bibliographie: {export}\nlangue: {lang}")
    portfolio.write("recits/lu.md", "---\ntitre: Lu\ndate: 2025-06\n---\n" + " ".join(f"[@{k}, p. 3]" for k in KEYS) + "\n")
    page = built(portfolio)
    return [str(c) for c in page.select(".chm-cite")], [str(li) for li in page.select("section.chm-references li")]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_better_biblatex_bibtex_and_csl_json_print_the_same_references(portfolio: Portfolio, lang: str) -> None:
    pages = {export: export_page(portfolio, export, lang) for export in EXPORTS}
    citations, references = pages["bibliotheque.bib"]
    assert len(citations) == len(references) == len(KEYS)
    for export in EXPORTS[1:]:
        assert pages[export] == pages["bibliotheque.bib"], export
    page = BeautifulSoup("".join(references), "lxml")
    # Title Case, as BBT exports English titles, back in sentence case as APA wants it
    assert "Gibbs, G. (1988). Learning by doing: A guide to teaching and learning methods." in text(page)
    original = "Édition originale" if lang == "fr" else "Original work published"
    assert "Schön, D. A. (1994). Le praticien réflexif" in text(page) and f"({original} 1983)" in text(page)
    assert "(Rogers, 1961/1968, p." in " ".join(text(BeautifulSoup(c, "lxml")) for c in citations)


def test_better_csl_json_leaves_citeproc_nothing_to_warn_about(portfolio: Portfolio) -> None:
    """BBT's `citation-key` (and any field CSL does not know) is not handed to citeproc,
    which would warn about it on every build ("unsupported: citation_key")."""
    library = json.loads((ZOTERO / "bibliotheque.json").read_text(encoding="utf-8"))
    library[0]["file"] = "/home/claire/Zotero/storage/X/fiche.pdf"
    cite(portfolio, json.dumps(library), f"[@{KEYS[0]}]", name="refs.json")
    assert text(built(portfolio).select_one(".chm-cite")) == "(France compétences, 2023)"


# -- Keys as written ----------------------------------------------------------------------------------


@pytest.mark.parametrize("export", EXPORTS)
def test_camel_case_keys_reach_their_reference_everywhere(portfolio: Portfolio, export: str) -> None:
    shutil.copy(ZOTERO / export, portfolio.root / export)
    portfolio.configure(options=f"bibliographie: {export}")
    portfolio.write("recits/lu.md", "---\ntitre: Lu\ndate: 2025-06\n---\nSelon [@paulAutourMotAccompagnement2009, p. 95].\n")
    page = built(portfolio)
    link = page.select_one(".chm-cite a")
    assert link["href"] == "#ref-paulAutourMotAccompagnement2009" and page.select_one(link["href"]) is not None
    assert text(reference(page, "paulAutourMotAccompagnement2009")).startswith("Paul, M. (2009). Autour du mot accompagnement.")
    works = portfolio.html("bibliographie/index.html").select("section[aria-labelledby=oeuvres] > ul > li")
    assert [li["id"] for li in works] == ["ref-paulAutourMotAccompagnement2009"]


def test_keys_that_differ_only_by_case_are_two_works(portfolio: Portfolio) -> None:
    library = [
        {"id": "Smith2020", "type": "book", "title": "Le grand livre", "author": [{"family": "Smith", "given": "Ann"}],
         "issued": {"date-parts": [[2020]]}},
        {"id": "smith2020", "type": "book", "title": "Le petit livre", "author": [{"family": "Smith", "given": "Bob"}],
         "issued": {"date-parts": [[2020]]}},
    ]
    page = built(cite(portfolio, json.dumps(library), "[@Smith2020] et [@smith2020].", name="refs.json"))
    assert "Le grand livre" in text(reference(page, "Smith2020")) and "Le petit livre" in text(reference(page, "smith2020"))
    assert [a["href"] for a in page.select(".chm-cite a")] == ["#ref-Smith2020", "#ref-smith2020"]


def test_in_bibtex_keys_that_differ_only_by_case_are_one_clear_error(portfolio: Portfolio) -> None:
    """BibTeX itself takes them for one key: the second entry is refused, said once, and never
    printed for the first's citations."""
    cite(portfolio, """
        @book{Smith2020, title = {Le grand livre}, author = {Smith, Ann}, date = {2020}}
        @book{smith2020, title = {Le petit livre}, author = {Smith, Bob}, date = {2020}}
    """, "[@Smith2020] et [@smith2020].")
    code, output = check(portfolio)
    assert code == 1
    assert "ligne 2 · erreur : La clé « smith2020 » ne diffère de « Smith2020 » (ligne 1) que par les majuscules" in output
    assert "Citation [@" not in output


def test_check_names_a_key_written_with_other_capitals(portfolio: Portfolio) -> None:
    cite(portfolio, (ZOTERO / "bibliotheque.bib").read_text(encoding="utf-8"), "Une phrase.\nSelon [@paulautourmotaccompagnement2009].")
    code, output = check(portfolio)
    assert code == 1 and "ligne 6 · erreur : Citation [@paulautourmotaccompagnement2009] : aucune référence n'a cette clé." in output
    assert "Les majuscules comptent : la clé de la bibliographie est « paulAutourMotAccompagnement2009 »" in output


# -- Dates, access dates, languages ----------------------------------------------------------------


@pytest.mark.parametrize(("fields", "lang", "shown"), [
    ("date = {2023}", "fr", "(2023)."),
    ("date = {2023-06}", "fr", "(2023, juin)."),
    ("date = {2023-06-15}", "fr", "(2023, 15 juin)."),
    ("date = {2023-06-15}", "en", "(2023, June 15)."),
    ("date = {2023-06-15T10:30:00+02:00}", "fr", "(2023, 15 juin)."),
    ("date = {2019/2020}", "fr", "(2019–2020)."),
    ("date = {2011-05~}", "en", "(ca. 2011, May)."),
    ("date = {2017-21}", "fr", "(2017)."),  # a season, which citeproc cannot print
    ("date = {2014-12-31/..}", "fr", "(2014, 31 décembre)."),
    ("year = 2020, month = mar", "fr", "(2020, mars)."),
    ("year = {2020}, month = {3}", "en", "(2020, March)."),
    ("year = {Printemps 1985}", "fr", "(Printemps 1985)."),
])
def test_biblatex_and_bibtex_dates(portfolio: Portfolio, fields: str, lang: str, shown: str) -> None:
    page = built(cite(portfolio, f"@online{{k, title = {{Un billet}}, author = {{Dupont, Marie}}, {fields}}}", "[@k]", lang=lang))
    assert text(reference(page, "k")).startswith(f"Dupont, M. {shown} Un billet")


@pytest.mark.parametrize(("issued", "shown"), [
    ({"date-parts": [["2023", 6, 15]]}, "(2023, 15 juin)."),  # BBT writes the year as text
    ({"date-parts": [["2011"]], "circa": True}, "(v. 2011)."),
    ({"literal": "Printemps 1985"}, "(Printemps 1985)."),
    ({"raw": "2023-06"}, "(2023, juin)."),
    ({"date-parts": [[2019, 3, 1], [2019, 3, 5]]}, "(2019, 1 mars)."),  # citeproc would print nothing
])
def test_csl_json_dates(portfolio: Portfolio, issued: dict, shown: str) -> None:
    library = [{"id": "k", "type": "webpage", "title": "Un billet", "author": [{"family": "Dupont", "given": "Marie"}], "issued": issued}]
    page = built(cite(portfolio, json.dumps(library), "[@k]", name="refs.json"))
    assert text(reference(page, "k")).startswith(f"Dupont, M. {shown} Un billet")


@pytest.mark.parametrize(("lang", "shown"), [
    ("fr", "Consulté le 12 mars 2025, à l'adresse https://vae.gouv.fr/"),
    ("en", "Retrieved March 12, 2025, from https://vae.gouv.fr/"),
])
@pytest.mark.parametrize("export", EXPORTS)
def test_access_date_of_an_undated_page(portfolio: Portfolio, export: str, lang: str, shown: str) -> None:
    shutil.copy(ZOTERO / export, portfolio.root / export)
    portfolio.configure(options=f"bibliographie: {export}\nlangue: {lang}")
    portfolio.write("recits/lu.md", "---\ntitre: Lu\ndate: 2025-06\n---\n[@francevaeFranceVAEService]\n")
    assert text(reference(built(portfolio), "francevaeFranceVAEService")).endswith(shown)


@pytest.mark.parametrize(("langid", "journal"), [
    ("langid = {french},", "Recherche et formation"),
    ("langid = {fre},", "Recherche et formation"),
    ("", "Recherche Et Formation"),  # the control: without a language, English rules apply
])
def test_the_language_keeps_a_french_journal_from_english_title_case(portfolio: Portfolio, langid: str, journal: str) -> None:
    library = f"@article{{k, title = {{Autour du mot}}, author = {{Paul, Maela}}, journaltitle = {{recherche et formation}}, date = {{2009}}, {langid}}}"
    page = built(cite(portfolio, library.replace("recherche et", "Recherche et"), "[@k]", lang="en"))
    assert f"{journal}" in text(reference(page, "k"))


# -- Names, links, typography ------------------------------------------------------------------------


@pytest.mark.parametrize(("library", "name"), [
    ("@report{k, title = {Rapport annuel}, author = {{France compétences}}, date = {2023}, institution = {France compétences}}", "refs.bib"),
    ("@techreport{k, title = {Rapport annuel}, author = {{France comp{\\'e}tences}}, year = 2023}", "refs.bib"),
    ('[{"id": "k", "type": "report", "title": "Rapport annuel", "author": [{"literal": "France compétences"}], '
     '"issued": {"date-parts": [["2023"]]}}]', "refs.json"),
])
def test_an_institution_is_one_name(portfolio: Portfolio, library: str, name: str) -> None:
    page = built(cite(portfolio, library, "[@k]", name=name))
    assert text(page.select_one(".chm-cite")) == "(France compétences, 2023)"
    assert text(reference(page, "k")).startswith("France compétences. (2023). Rapport annuel")


def test_biblatex_particles_and_others(portfolio: Portfolio) -> None:
    library = "@book{k, title = {Le deuxième sexe}, author = {family=Beauvoir, given=Simone, prefix=de, useprefix=false and others}, date = {1949}}"
    page = built(cite(portfolio, library, "[@k]"))
    assert text(reference(page, "k")).startswith("Beauvoir, S. de. (1949). Le deuxième sexe.")


@pytest.mark.parametrize("export", EXPORTS)
def test_doi_and_url_are_links(portfolio: Portfolio, export: str) -> None:
    shutil.copy(ZOTERO / export, portfolio.root / export)
    portfolio.configure(options=f"bibliographie: {export}")
    portfolio.write("recits/lu.md", "---\ntitre: Lu\ndate: 2025-06\n---\n[@paulAutourMotAccompagnement2009] [@francevaeFranceVAEService]\n")
    page = built(portfolio)
    doi = reference(page, "paulAutourMotAccompagnement2009").select("a")
    assert [(a["href"], a.get_text()) for a in doi] == [("https://doi.org/10.4000/rechercheformation.435",) * 2]
    url = reference(page, "francevaeFranceVAEService").select("a")
    assert [(a["href"], a.get_text()) for a in url] == [("https://vae.gouv.fr/",) * 2]


def test_only_web_addresses_become_links_and_everything_stays_escaped(portfolio: Portfolio) -> None:
    library = [
        {"id": "a", "type": "webpage", "title": "A", "author": [{"literal": "X"}], "URL": "javascript:alert(1)"},
        {"id": "b", "type": "article-journal", "title": "B <script>alert(2)</script>", "author": [{"literal": "Y"}],
         "DOI": "doi:10.1000/a<b>\"c", "issued": {"date-parts": [[2020]]}},
    ]
    page = built(cite(portfolio, json.dumps(library), "[@a] [@b]", name="refs.json"))
    assert reference(page, "a").select("a") == [] and "javascript:alert(1)" in text(reference(page, "a"))
    assert page.select("script") == [] and "B <script>alert(2)</script>" in text(reference(page, "b"))
    assert [a["href"] for a in reference(page, "b").select("a")] == ["https://doi.org/10.1000/a%3Cb%3E%22c"]


@pytest.mark.parametrize(("pages", "name"), [('"45-52"', "refs.json"), ("{45--52}", "refs.bib"), ("{45-52}", "refs.bib")])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_page_ranges_take_an_en_dash(portfolio: Portfolio, pages: str, name: str, lang: str) -> None:
    if name == "refs.json":
        library = ('[{"id": "k", "type": "article-journal", "title": "T", "author": [{"family": "Paul", "given": "M"}], '
                   f'"container-title": "Revue", "volume": "7", "page": {pages}, "issued": {{"date-parts": [[2000]]}}}}]')
    else:
        library = f"@article{{k, title = {{T}}, author = {{Paul, M}}, journaltitle = {{Revue}}, volume = {{7}}, pages = {pages}, date = {{2000}}}}"
    page = built(cite(portfolio, library, "[@k]", name=name, lang=lang))
    assert text(reference(page, "k")).endswith("Revue, 7, 45–52.")


def test_french_typography(portfolio: Portfolio) -> None:
    library = """
        @article{a, title = {L'accompagnement, une maïeutique sociale ?}, author = {Lhotellier, Alexandre},
          journaltitle = {Carriérologie}, volume = {7}, pages = {7--14}, date = {2000}, langid = {french}}
        @online{b, title = {VAE : la démarche}, author = {{France VAE}}, date = {2024}}
    """
    page = built(cite(portfolio, library, "[@a, p. 12; @b]"))
    assert page.select_one(".chm-cite").get_text() == f"(France VAE, 2024\u202f; Lhotellier, 2000, p.{NBSP}12)"
    assert reference(page, "a").get_text().startswith(f"Lhotellier, A. (2000). L'accompagnement, une maïeutique sociale{THIN}? Carriérologie")
    assert f"VAE{NBSP}: la démarche" in reference(page, "b").get_text()


def test_english_typography_is_left_alone(portfolio: Portfolio) -> None:
    library = "@article{a, title = {L'accompagnement, une maïeutique sociale ?}, author = {Lhotellier, Alexandre}, journaltitle = {Carriérologie}, date = {2000}}"
    page = built(cite(portfolio, library, "[@a, p. 12; @a, p. 13]", lang="en"))
    assert NBSP not in page.select_one(".chm-cite").get_text() and THIN not in page.select_one(".chm-cite").get_text()
    assert "une maïeutique sociale ? Carriérologie" in reference(page, "a").get_text()  # no "?." either


def test_latex_and_rich_text_become_html(portfolio: Portfolio) -> None:
    library = r"""
        @book{a, title = {Loi n\textsuperscript{o} 2022 et \emph{Homo sapiens} : \mkbibquote{la} {{VAE}}}, author = {Dupont, Marie},
          date = {2020}, langid = {french}}
    """
    page = built(cite(portfolio, library, "[@a]"))
    title = reference(page, "a").select_one("i")
    assert title.select_one("sup").get_text() == "o" and title.select_one("i").get_text() == "Homo sapiens"
    assert title.get_text() == f"Loi no 2022 et Homo sapiens{NBSP}: «{NBSP}la{NBSP}» VAE"


# -- An unreadable library: one error, no cascade ------------------------------------------------------


BROKEN_BIBTEX = """\
@book{a, title = {A}, author = {Dupont, Marie}, date = {2020}}
@book{b,
  title = {Sans fin,
  date = {2020}
}
@book{c, title = {C}, author = {Martin, Paul}, date = {2021}}
"""


@pytest.mark.parametrize(("name", "content", "shown"), [
    ("refs.bib", BROKEN_BIBTEX.encode(), "ligne 2 · erreur : Bibliographie illisible : '}' expected."),
    ("refs.json", b'[\n  {"id": "a", "title": "A"},\n  {"id": "c" "title": "C"}\n]\n',
     "ligne 3 · erreur : Bibliographie illisible : JSON incorrect en colonne 14 (Expecting ',' delimiter)."),
    ("refs.json", b'{"id": "a"}', "ligne 1 · erreur : Bibliographie illisible : un fichier CSL JSON est une liste d'entrées"),
    ("refs.bib", "@book{a, title = {Caf\u00e9}}\n@book{c, title = {\u00e9t\u00e9}}\n".encode("latin-1"),
     "ligne 1 · erreur : Bibliographie illisible : le fichier n'est pas en UTF-8 (octet 0xE9 en colonne 22)."),
    ("refs.yaml", b"- id: a\n", "erreur : Bibliographie illisible : le format CSL YAML n'est pas pris en charge."),
    ("missing.bib", None, "erreur : Bibliographie introuvable : ../missing.bib."),
    ("dossier.bib", "dir", "erreur : Bibliographie illisible : c'est un dossier"),
    # Each macro doubles the one before: forty levels ask pybtex for terabytes of memory.
    ("bombe.bib", "\n".join(['@string{a0 = "xxxxxxxx"}', *(f"@string{{a{i} = a{i - 1} # a{i - 1}}}" for i in range(1, 40)),
                             "@book{a, title = a39, author = {Dupont, Marie}, date = {2020}}", ""]).encode(),
     "erreur : Bibliographie refusée : ses macros @string s'y développent en plus de 16 millions de caractères."),
])
def test_an_unreadable_library_is_one_error(portfolio: Portfolio, caplog: pytest.LogCaptureFixture, name: str,
                                           content: bytes | str | None, shown: str) -> None:
    if content == "dir":
        (portfolio.root / name).mkdir()
    elif isinstance(content, bytes):
        (portfolio.root / name).write_bytes(content)
    portfolio.configure(options=f"bibliographie: {name}")
    portfolio.write("recits/lu.md", "---\ntitre: Lu\ndate: 2025-06\n---\n[@a] [@c] [@a; @c]\n")
    code, output = check(portfolio)
    assert code == 1 and shown in output, output
    assert output.count("erreur :") == 1 and "Citation [@" not in output
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):  # MkDocs's clean stop, no traceback
        portfolio.build()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged.count("\n../") == 1 and shown.split("erreur : ")[-1] in logged


def test_an_entry_in_error_says_so_once(portfolio: Portfolio) -> None:
    library = '[{"id": "a", "type": "book", "title": "A", "author": "Dupont"},\n {"id": "c", "type": "book", "title": "C"}]'
    cite(portfolio, library, "[@a] [@a] [@c]", name="refs.json")
    code, output = check(portfolio)
    assert code == 1 and output.count("erreur :") == 1
    assert "ligne 1 · erreur : Bibliographie illisible : dans l'entrée « a », le champ « author »" in output


def test_an_entry_without_title_is_a_warning_on_its_line(portfolio: Portfolio) -> None:
    page = built(cite(portfolio, "@book{a, title = {A}, date = {2020}}\n\n@book{b,\n  author = {Dupont, Marie},\n  date = {2021}\n}\n",
                      "[@b]"))
    assert text(reference(page, "b")).startswith("Dupont, M. (2021).")
    code, output = check(portfolio)
    assert code == 0 and "ligne 3 · avertissement : L'entrée « b » n'a pas de titre" in output


def test_an_unrecognised_date_is_shown_as_written_with_a_warning(portfolio: Portfolio) -> None:
    page = built(cite(portfolio, "@book{a,\n  title = {A},\n  date = {vers 1900}\n}\n", "[@a]"))
    assert "(vers 1900)" in text(reference(page, "a"))
    assert "ligne 1 · avertissement : L'entrée « a » : la date « vers 1900 » n'est pas reconnue" in check(portfolio)[1]


# -- The sample, the stage, serve -------------------------------------------------------------------


def test_the_sample_cites_its_better_biblatex_library(tmp_path: Path) -> None:
    library = (ROOT / "content" / "bibliographie.bib").read_text(encoding="utf-8")
    assert library == (ZOTERO / "bibliotheque.bib").read_text(encoding="utf-8")  # the export these tests read
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    cited = 0
    for path in (tmp_path / "site").rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for link in soup.select(".chm-cite a"):
            assert soup.find(id=link["href"].removeprefix("#")) is not None, (path, link)
            cited += 1
    assert cited >= 6
    bibliography = BeautifulSoup((tmp_path / "site" / "bibliographie" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert "ref-paulAutourMotAccompagnement2009" in {li.get("id") for li in bibliography.select("li")}


def test_the_stage_keeps_every_detail_of_the_library(portfolio: Portfolio) -> None:
    """`cheminement build` writes the cited works to its stage as CSL-JSON: the site is the same."""
    export_page(portfolio, "bibliotheque.bib", "fr")
    direct = (portfolio.site / "recits" / "lu" / "index.html").read_bytes()
    result = cheminement("build", str(portfolio.root), "-d", str(portfolio.root / "public"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (portfolio.root / "public" / "recits" / "lu" / "index.html").read_bytes() == direct


def test_serve_rebuilds_when_zotero_rewrites_the_library(portfolio: Portfolio) -> None:
    """Zotero's auto-export rewrites the file beside mkdocs.yml, outside docs_dir."""
    cite(portfolio, "@book{a, title = {Premier titre}, author = {Dupont, Marie}, date = {2020}}\n", "[@a]")
    with MkDocsServe(portfolio.root / "mkdocs.yml") as server:
        wait_for(server.base + "recits/lu/", b"Premier titre")
        library = portfolio.root / "refs.bib"
        library.write_text(library.read_text(encoding="utf-8").replace("Premier", "Second"), encoding="utf-8")
        wait_for(server.base + "recits/lu/", b"Second titre")
