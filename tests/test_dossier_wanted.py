"""The dossier is built only when asked: past dossier.WHOLE_LIMIT notes, a portfolio with
nothing chosen for it has no dossier page (and nothing links to one); a mark, a selection,
a dossier page of the learner's own or `cheminement dossier` bring it back."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import Portfolio, printed_pages

from cheminement import dossier
from cheminement.cli import main


def many_notes(folio: Portfolio, count: int) -> None:
    for index in range(count):
        folio.write(f"recits/r{index:03d}.md", f"---\ntitre: Récit {index}\ndate: 2024-01-01\n---\nTexte {index}.\n")


@pytest.fixture
def large(empty_portfolio: Portfolio) -> Portfolio:
    """One note more than a dossier holds whole without being asked."""
    many_notes(empty_portfolio, dossier.WHOLE_LIMIT + 1)
    empty_portfolio.write("index.md", "# Alice Martin\n\nBonjour.\n")
    return empty_portfolio


def dossier_page(folio: Portfolio) -> Path:
    return folio.site / "dossier" / "index.html"


def links_to_dossier(folio: Portfolio, page: str) -> list[str]:
    return [a["href"] for a in folio.html(page).select("a[href]") if "dossier" in a["href"]]


def test_a_small_portfolio_has_its_whole_dossier(empty_portfolio: Portfolio) -> None:
    many_notes(empty_portfolio, dossier.WHOLE_LIMIT)
    empty_portfolio.build()
    assert dossier_page(empty_portfolio).is_file()


def test_a_large_portfolio_with_nothing_chosen_has_no_dossier_and_says_why(
        large: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.cheminement"):  # whatever earlier tests did to "mkdocs"
        large.build()
    assert not dossier_page(large).exists()
    assert (large.site / "recits" / "r000" / "index.html").is_file()
    # No link leads to a page that is not there: not the home page's button, not the nav.
    assert links_to_dossier(large, "index.html") == []
    assert links_to_dossier(large, "recits/r000/index.html") == []
    said = [r.getMessage() for r in caplog.records if r.name.startswith("mkdocs.plugins.cheminement")]
    assert any("Pas de page « Dossier »" in m and f"{dossier.WHOLE_LIMIT + 1} notes" in m
               and "dossier: true" in m for m in said), said


def test_a_large_portfolio_with_one_note_marked_has_a_dossier_of_that_note(large: Portfolio) -> None:
    large.write("recits/r007.md", "---\ndossier: true\ntitre: Récit choisi\ndate: 2024-01-01\n---\nTexte choisi.\n")
    large.build()
    page = large.html("dossier/index.html")
    assert {item["id"] for item in page.select(".chm-dossier__item")} == {"dossier-recit-r007"}
    assert links_to_dossier(large, "index.html")


def test_a_selection_in_mkdocs_yml_asks_for_the_dossier(large: Portfolio) -> None:
    large.configure(options="selection_dossier: {depuis: 2024}")
    large.build()
    assert dossier_page(large).is_file()
    assert links_to_dossier(large, "index.html")


def test_a_dossier_page_of_the_learners_own_asks_for_it(large: Portfolio) -> None:
    large.write("dossier.md", "# Mon dossier\n\nPour le jury du 12 mars.\n")
    large.build()
    assert "Pour le jury du 12 mars." in dossier_page(large).read_text(encoding="utf-8")
    # The home page's button to it, not only the navigation's entry for the learner's page.
    assert [a["href"] for a in large.html("index.html").select("a.chm-button") if "dossier" in a["href"]]


def test_dossier_false_still_turns_it_off(empty_portfolio: Portfolio) -> None:
    many_notes(empty_portfolio, 3)
    empty_portfolio.configure(options="dossier: false")
    empty_portfolio.build()
    assert not dossier_page(empty_portfolio).exists()


def test_the_command_prints_the_whole_dossier_of_a_large_portfolio(
        large: Portfolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    printed = printed_pages(monkeypatch)
    result = CliRunner().invoke(main, ["dossier", str(large.root), "--pdf", str(tmp_path / "x.pdf")])
    assert result.exit_code == 0, result.output
    assert printed and all(f"Texte {index}." in printed[0] for index in range(dossier.WHOLE_LIMIT + 1))
