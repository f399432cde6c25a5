"""The competence index, competence pages, the progression chart and coverage (issue #14)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from kit import Portfolio

from cheminement import chart
from cheminement.dates import PartialDate


def text(soup) -> str:
    return " ".join(soup.get_text(" ").split())


def article(folio: Portfolio, path: str):
    return folio.html(path).select_one("article.md-content__inner")


# -- Chart geometry (pure) --------------------------------------------------------------------


def test_a_partial_end_date_means_the_end_of_its_period() -> None:
    assert PartialDate(2005).end == dt.date(2005, 12, 31)
    assert PartialDate(2024, 2).end == dt.date(2024, 2, 29)
    assert PartialDate(2024, 2, 9).end == dt.date(2024, 2, 9)


def test_a_period_runs_to_today_when_ongoing_and_over_its_start_without_an_end() -> None:
    today = dt.date(2026, 3, 1)
    assert chart.period(PartialDate(2024, 9), None, True, today) == (dt.date(2024, 9, 1), today)
    assert chart.period(PartialDate(1998, 9), PartialDate(2006), False, today) == (dt.date(1998, 9, 1), dt.date(2006, 12, 31))
    assert chart.period(PartialDate(2019), None, False, today) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))


def test_one_point_sits_in_the_middle_of_a_padded_dated_frame() -> None:
    drawn = chart.layout([chart.Mark(dt.date(2022, 6, 1), 2)], levels=4)
    assert drawn is not None
    (dot,) = drawn.dots
    middle = (drawn.left + drawn.right) / 2
    assert abs(dot.x - middle) < 2
    assert [tick.year for tick in drawn.ticks] == [2022, 2023]  # years around it, labelled
    assert dot.y == drawn.rows[1].y  # level 2 on the second row from the bottom
    assert drawn.height < 160  # compact: four rows and an axis


def test_periods_are_bars_at_their_level_and_points_are_dots() -> None:
    marks = [
        chart.Mark(dt.date(1998, 9, 1), 3, dt.date(2006, 12, 31)),
        chart.Mark(dt.date(2024, 9, 1), 2, dt.date(2026, 3, 1), ongoing=True),
        chart.Mark(dt.date(2025, 3, 1), 4),
    ]
    drawn = chart.layout(marks, levels=4, target=4)
    assert drawn is not None
    old, current = drawn.bars
    assert old.x1 < old.x2 < current.x1 < current.x2 <= drawn.right
    assert (old.y, current.y) == (drawn.rows[2].y, drawn.rows[1].y)
    assert current.ongoing and not old.ongoing
    assert drawn.dots[0].y == drawn.rows[3].y == drawn.target.y  # type: ignore[union-attr]
    # 1998 to 2026 at one tick every five years: never more than MAX_TICKS labels.
    assert [t.year for t in drawn.ticks] == [2000, 2005, 2010, 2015, 2020, 2025]


def test_fifty_points_stay_inside_the_frame_with_few_year_labels() -> None:
    marks = [chart.Mark(dt.date(1980 + i, 1 + i % 12, 1), 1 + i % 4) for i in range(50)]
    drawn = chart.layout(marks, levels=4)
    assert drawn is not None and len(drawn.dots) == 50
    assert all(drawn.left <= d.x <= drawn.right for d in drawn.dots)
    assert 3 <= len(drawn.ticks) <= chart.MAX_TICKS
    assert xs_increase([t.x for t in drawn.ticks])


def xs_increase(xs: list[float]) -> bool:
    return all(a < b for a, b in itertools.pairwise(xs))


def test_nothing_to_draw_gives_no_chart() -> None:
    assert chart.layout([], levels=4) is None


def test_levels_bars_grow_with_the_mean_and_missing_values_stay_empty() -> None:
    drawn = chart.levels_layout([[2.0, None, 4.0]], levels=4)
    (group,) = drawn.groups
    low, missing, full = group.bars
    assert missing.width == 0
    assert low.width == pytest.approx(full.width / 2, abs=0.1)
    assert drawn.left + full.width == pytest.approx(drawn.grid[-1].x, abs=0.1)


# -- Built pages -------------------------------------------------------------------------------


DECLARED = """
---
titre: Jury de certification
type: benevolat
debut: 2023
fin: 2023
competences:
  evaluation: Application
---
"""


def test_index_says_one_coverage_sentence_consistent_with_statuses_and_work_on_list(portfolio: Portfolio) -> None:
    portfolio.write("parcours/jury.md", DECLARED)  # a parcours entry only declares
    portfolio.build()
    page = article(portfolio, "competences/index.html")
    coverage = page.select_one("section.chm-coverage")
    assert text(coverage.select_one(".chm-coverage__sentence")) == (
        "Sur 4 compétences : 3 étayées par un récit, une trace ou un retour ; 1 seulement déclarée.")
    groups = {d["id"]: d for d in coverage.select("details.chm-by-status__group")}
    assert sorted(groups) == ["statut-declaree", "statut-etayee"]
    assert [text(a) for a in groups["statut-etayee"].select("li a")] == [
        "Pratiquer l'écoute active", "Construire l'alliance", "Concevoir un dispositif"]
    # What is to work on is exactly what is not covered, and it is open.
    assert groups["statut-declaree"].has_attr("open") and not groups["statut-etayee"].has_attr("open")
    assert [text(a) for a in groups["statut-declaree"].select("li a")] == ["Évaluer"]
    assert "(1)" in text(coverage.select_one(".chm-coverage__hint"))
    assert "sur 4 sont étayées" not in text(page)  # the old, second notion is gone


def test_index_opens_each_competence_evidence_in_place(portfolio: Portfolio) -> None:
    portfolio.build()
    page = article(portfolio, "competences/index.html")
    row = next(r for r in page.select("tbody tr") if "Pratiquer l'écoute active" in r.th.get_text())
    evidence = row.select_one("details.chm-evidence")
    assert text(evidence.summary).startswith("2 récits, 1 trace, 1 parcours")
    items = evidence.select("li")
    assert [text(li.a) for li in items] == ["Co-animer un atelier", "Mon premier entretien", "Ma grille d'entretien", "Commerciale"]
    first = text(items[0])
    assert first.startswith("Récit · mars 2025 · ") and "Maîtrise" in first
    assert items[0].a["href"].endswith("recits/atelier/")
    assert items[3].select("time")[1]["datetime"] == "2006"  # a period, its end as written
    # A competence without evidence says so, with nothing to open.
    empty = next(r for r in page.select("tbody tr") if "Évaluer" in r.th.get_text())
    assert empty.select_one("details") is None


def test_competence_page_draws_periods_as_bars_with_year_ticks(portfolio: Portfolio) -> None:
    portfolio.build()
    page = article(portfolio, "competences/conception/index.html")
    svg = page.select_one("figure.chm-chart svg")
    assert svg["role"] == "img" and svg.title
    bars = svg.select("rect.chm-chart__period")
    assert len(bars) == 1 and "chm-chart__period--ongoing" in bars[0]["class"]  # the master, ongoing
    assert len(svg.select("circle.chm-chart__point")) == 1  # the récit of 2025-03
    years = [int(text(t)) for t in svg.select("text.chm-chart__year")]
    assert years and years[0] <= 2025 and years == sorted(years)
    steps = [text(li) for li in page.select("ol.chm-chart__text li")]
    assert steps[0].startswith("depuis septembre 2024 – en cours : Application (niveau 2 sur 4)")
    assert steps[1].startswith("mars 2025 : Application (niveau 2 sur 4)")


def test_a_parcours_start_is_not_plotted_as_a_demonstration(portfolio: Portfolio) -> None:
    portfolio.write("parcours/vente.md", """
        ---
        titre: Commerciale
        type: emploi
        debut: 1998-09
        fin: 2006
        competences:
          ecoute-active: Maîtrise
        ---
        """)
    portfolio.build()
    svg = article(portfolio, "competences/ecoute-active/index.html").select_one("figure.chm-chart svg")
    (bar,) = svg.select("rect.chm-chart__period")
    assert float(bar["width"]) > 100  # eight years, drawn as a period, not a dot in 1998
    target = svg.select_one("line.chm-chart__target")
    assert target is not None  # the objective (Expertise) is drawn too


def test_home_page_coverage_overview_links_to_the_index(portfolio: Portfolio) -> None:
    portfolio.build()
    overview = portfolio.html("index.html").select_one(".chm-overview")
    assert overview is not None
    assert text(overview.select_one(".chm-overview__sentence")).startswith("Sur 4 compétences : 3 étayées")
    links = [a["href"] for a in overview.select("ul.chm-status-counts a")]
    assert links == ["competences/#statut-etayee", "competences/#statut-aucun"]
    svg = overview.select_one("figure.chm-levels svg")
    assert svg["role"] == "img" and svg.title
    rows = overview.select("table.chm-levels__table tbody tr")
    assert [text(r.th) for r in rows] == ["Relation", "Ingénierie"]
    # Relation: self-assessed 3 (écoute active); shown: 3 (écoute) and 1 (alliance) → 2.
    assert [text(td) for td in rows[0].select("td")] == ["3 sur 4", "2 sur 4", "4 sur 4"]


def test_coverage_sentence_in_english(portfolio: Portfolio) -> None:
    portfolio.configure(language="en")
    portfolio.build()
    sentence = article(portfolio, "competences/index.html").select_one(".chm-coverage__sentence")
    assert text(sentence) == "Of 4 competences: 3 supported by a story, evidence or feedback; 1 with nothing yet."
