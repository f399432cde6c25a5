"""The timeline's frise: the layout (lanes, positions, gaps, ticks) and the built page."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from bs4 import BeautifulSoup
from kit import ROOT, Portfolio

from cheminement import frise
from cheminement.dates import PartialDate
from cheminement.model import Kind, Parcours, Recit, Referentiel, Trace
from cheminement.render import Renderer
from cheminement.settings import Settings
from cheminement.views import TimelineEntry, TimelineYear, Views

TODAY = dt.date(2026, 6, 15)


def d(text: str) -> PartialDate:
    return PartialDate.parse(text)


def job(ident: str, start: str, end: str | None = None, ongoing: bool = False) -> TimelineEntry:
    note = Parcours(path=f"parcours/{ident}.md", kind=Kind.PARCOURS, id=ident, title=ident.capitalize(),
                    start=d(start), end=d(end) if end else None, ongoing=ongoing)
    return TimelineEntry(note, note.start, note.end, ongoing)  # type: ignore[arg-type]


def story(ident: str, date: str, kind: Kind = Kind.RECIT) -> TimelineEntry:
    cls = Recit if kind is Kind.RECIT else Trace
    note = cls(path=f"{kind}s/{ident}.md", kind=kind, id=ident, title=ident, date=d(date))
    return TimelineEntry(note, d(date))


def views_of(*entries: TimelineEntry) -> Views:
    years = [TimelineYear(e.start.year, [e]) for e in entries]  # grouping does not matter here
    return Views(domains=[], competences={}, timeline=years, backlinks={}, notes={}, undated=[])


def lanes(layout: frise.Frise) -> dict[str, int]:
    return {bar.note.id: bar.lane for bar in layout.bars}


# -- Layout -----------------------------------------------------------------------------------


def test_periods_span_their_dates_and_overlaps_take_separate_lanes() -> None:
    layout = frise.layout(views_of(
        job("vente", "1998", "2006-02"),
        job("grands-comptes", "2006-03", "2019-01-31"),  # touches the first: same lane
        job("benevolat", "2015-10", ongoing=True),  # overlaps: a lane of its own
        job("titre", "2020-01-06", "2021-06-30"),  # overlaps the ongoing one: back to lane 0
    ), TODAY)
    assert lanes(layout) == {"vente": 0, "grands-comptes": 0, "benevolat": 1, "titre": 0}
    assert layout.lanes == 2
    vente = layout.bars[0]
    assert vente.left == 0.0  # the axis starts on 1 January of the first year
    # 1998-01-01 .. 2006-03-01 over 1998-01-01 .. 2027-01-01 (the last year, 2026, included).
    span = (dt.date(2027, 1, 1) - dt.date(1998, 1, 1)).days
    assert vente.right == round(100 * (dt.date(2006, 3, 1) - dt.date(1998, 1, 1)).days / span, 3)
    ongoing = next(b for b in layout.bars if b.note.id == "benevolat")
    assert ongoing.right == round(100 * (TODAY - dt.date(1998, 1, 1)).days / span, 3), "ongoing runs to today"
    assert all(0 <= b.left < b.right <= 100 for b in layout.bars)


def test_a_parcours_without_end_is_a_one_off_event() -> None:
    layout = frise.layout(views_of(job("bilan", "2019-03"), job("emploi", "2015", "2020")), TODAY)
    bilan = next(b for b in layout.bars if b.note.id == "bilan")
    assert bilan.event and not next(b for b in layout.bars if b.note.id == "emploi").event
    assert bilan.right - bilan.left < 0.1
    assert bilan.lane == 1  # within the job's span: another lane, not on top of its bar


def test_gaps_between_periods_not_between_touching_or_covered_ones() -> None:
    layout = frise.layout(views_of(
        job("a", "2000", "2003"),
        job("b", "2004-01", "2005-06"),  # starts the day after a ends: no gap
        job("c", "2008-09", "2010"),  # a gap from July 2005 to September 2008
        job("d", "2009", "2012"),
        job("event", "2013-05"),  # a one-off event does not close a gap...
        job("e", "2015", ongoing=True),  # ...so 2013-2014 stays one
    ), TODAY)
    assert [(str(g.after), str(g.before)) for g in layout.gaps] == [("2005-06", "2008-09"), ("2012", "2015")]
    first = layout.gaps[0]
    b = next(bar for bar in layout.bars if bar.note.id == "b")
    c = next(bar for bar in layout.bars if bar.note.id == "c")
    assert (first.left, first.right) == (b.right, c.left)


def test_thirty_years_with_overlaps_fit_in_few_lanes_and_ticks_every_five_years() -> None:
    entries = [job(f"job{year}", str(year), str(year + 3)) for year in range(1995, 2024, 3)]
    entries += [job(f"training{year}", f"{year}-09", f"{year + 1}-06") for year in range(1996, 2024, 4)]
    layout = frise.layout(views_of(*entries), TODAY)
    assert layout.lanes <= 3
    assert [t.year for t in layout.ticks] == [1995, 2000, 2005, 2010, 2015, 2020, 2025]
    assert layout.ticks[0].left == 0.0
    for lane in range(layout.lanes):  # no two bars of one lane overlap
        bars = sorted((b for b in layout.bars if b.lane == lane), key=lambda b: b.left)
        assert all(a.right <= b.left for a, b in itertools.pairwise(bars))


def test_tick_step_adapts_to_the_span() -> None:
    def steps(start: str, end: str) -> list[int]:
        return [t.year for t in frise.layout(views_of(job("x", start, end)), TODAY).ticks]

    assert steps("2020", "2023") == [2020, 2021, 2022, 2023, 2024]
    assert steps("2001", "2018") == [2002, 2004, 2006, 2008, 2010, 2012, 2014, 2016, 2018]
    assert steps("1960", "2020") == [1960, 1970, 1980, 1990, 2000, 2010, 2020]


def test_stories_and_evidence_are_points_on_rows_that_never_hide_one_another() -> None:
    layout = frise.layout(views_of(
        job("x", "2010", "2020"),
        story("a", "2012-03"), story("b", "2012-04"), story("c", "2016"),
        story("t", "2014-05", Kind.TRACE),
    ), TODAY)
    recits, traces = layout.rows
    assert (recits.kind, traces.kind) == (Kind.RECIT, Kind.TRACE)
    assert [(p.note.id, p.row) for p in recits.points] == [("a", 0), ("b", 1), ("c", 0)]
    assert recits.depth == 2 and traces.depth == 1
    assert frise.layout(views_of(job("x", "2010", "2020"), story("a", "2012")), TODAY, points=False).rows == []


def test_phone_labels_move_down_rather_than_cover_each_other() -> None:
    layout = frise.layout(views_of(job("a", "2020-01", "2020-02"), job("b", "2020-02", "2020-03"), job("c", "2024")), TODAY)
    a, b, c = layout.bars
    assert a.label_top == a.left
    assert b.label_top > b.left  # one month later: under a's label, not on it
    assert c.label_top == c.left


def test_an_empty_timeline_has_an_empty_frise() -> None:
    empty = frise.layout(views_of(), TODAY)
    assert (empty.bars, empty.rows, empty.ticks, empty.lanes) == ([], [], [], 0)


# -- The built page ----------------------------------------------------------------------------


def test_timeline_page_has_a_frise_with_named_links_and_hidden_filters(portfolio: Portfolio) -> None:
    portfolio.build()
    page = portfolio.html("chronologie/index.html").select_one("article .chm-timeline")
    figure = page.select_one("figure.chm-frise")
    bars = figure.select("li.chm-frise__bar")
    assert [b.a["href"] for b in bars] == ["../parcours/vente/", "../parcours/master/"]
    vente = bars[0]
    assert vente.a["aria-label"] == "Commerciale, septembre 1998 à 2006"  # the visible title first
    assert bars[1].a["aria-label"] == "Master ingénierie de formation, depuis septembre 2024, en cours"
    assert "--debut: 2.294%" in vente["style"] and "--piste: 0" in vente["style"]
    assert vente["data-competences"] == "ecoute-active"
    master = bars[1]
    assert "chm-frise__bar--ongoing" in master["class"]
    gap = figure.select_one(".chm-frise__gaps li [role=img]")
    assert gap["aria-label"] == "Période sans parcours, entre 2006 et septembre 2024"
    assert figure.select_one(".chm-frise__point a")["aria-label"] == "Mon premier entretien, 9 février 2022"
    points = {li.a["href"]: li["data-kind"] for li in figure.select("li.chm-frise__point")}
    assert points == {"../recits/premier-entretien/": "recit", "../recits/atelier/": "recit", "../traces/grille/": "trace"}
    form = page.select_one("form.chm-frise-filtres")
    assert form.has_attr("hidden")
    assert [i["value"] for i in form.select("input[name=type]")] == ["parcours", "recit", "trace"]
    options = [o["value"] for o in form.select("select option")]
    assert options[0] == "" and "ecoute-active" in options
    events = page.select("li.chm-event")
    assert all(e.has_attr("data-competences") for e in events)
    assert page.select_one("nav.chm-years")["id"] == "chm-frise-liste"
    assert page.select_one("a.chm-frise__skip")["href"] == "#chm-frise-liste"


def test_timeline_strip_for_the_home_page(tmp_path: Path) -> None:
    views = views_of(job("vente", "1998", "2006-02"), job("master", "2024-09", ongoing=True), story("a", "2022"))
    renderer = Renderer([str(ROOT / "themes" / "cheminement")], Settings(docs_dir=tmp_path, today=TODAY), Referentiel(), views)
    html = renderer.timeline_strip(lambda path: "/" + path)
    soup = BeautifulSoup(html, "lxml")
    assert [a["href"] for a in soup.select("li.chm-frise__bar a")] == ["/parcours/vente.md", "/parcours/master.md"]
    assert not soup.select(".chm-frise__point, form, nav, [id]"), "lanes and axis only, and no id"
    assert soup.select_one(".chm-frise__more a")["href"] == "/chronologie.md"
    assert soup.select(".chm-frise__ticks li")[0].get_text() == "2000"
    only_stories = Renderer([str(ROOT / "themes" / "cheminement")], Settings(docs_dir=tmp_path, today=TODAY),
                            Referentiel(), views_of(story("a", "2022")))
    assert only_stories.timeline_strip(lambda path: path) == ""
