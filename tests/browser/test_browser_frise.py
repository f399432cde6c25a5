"""The timeline's frise in Chromium: filters with JavaScript, everything without it, one
screen for a 30-year career on a desktop, nothing wider than a phone."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from browserkit import PHONE, StaticServer, goto, shared_helpers

VISIBLE = "els => els.filter(e => e.getClientRects().length > 0).length"


def _career(folio) -> None:
    """Thirty years of work with overlapping trainings, volunteering and one-off events."""
    for year in range(1994, 2024, 4):
        folio.write(f"parcours/emploi-{year}.md", f"---\ntitre: Emploi de {year} à {year + 4}\ntype: emploi\n"
                    f"debut: {year}-03\nfin: {year + 4}-02\n---\nUn emploi.\n")
    for year in range(1996, 2024, 5):
        folio.write(f"parcours/formation-{year}.md", f"---\ntitre: Formation {year}\ntype: formation\n"
                    f"debut: {year}-09\nfin: {year + 1}-06\n---\nUne formation.\n")
    folio.write("parcours/benevolat.md", "---\ntitre: Bénévolat dans une association d'insertion\ntype: benevolat\n"
                "debut: 2008-10\nfin: en cours\n---\nDu bénévolat.\n")
    folio.write("parcours/bilan.md", "---\ntitre: Bilan de compétences\ntype: autre\ndebut: 2019-03\n---\nUn bilan.\n")
    for index, month in enumerate(("2001-05", "2009-02", "2015-11", "2020-06", "2020-07", "2023-01")):
        folio.write(f"recits/recit-{index}.md", f"---\ntitre: Récit {index}\ndate: {month}\n---\nUn récit.\n")


@pytest.fixture(scope="module")
def career_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    kit = shared_helpers()
    root = tmp_path_factory.mktemp("frise")
    shutil.copytree(kit.FIXTURES / "base", root / "docs")
    folio = kit.Portfolio(root)
    folio.configure()
    _career(folio)
    site = folio.build()
    server = StaticServer(site)
    server.start(not_found_page=site / "404.html")
    yield server.origin + "/chronologie/"
    server.stop()


def _open(page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    page.wait_for_function("() => typeof window.document$ !== 'undefined'")


def test_filters_hide_items_in_the_frise_and_the_list(site, open_page):
    page, traffic = open_page()
    goto(page, site.url("chronologie/"))
    form = page.locator("form.chm-frise-filtres")
    assert form.is_visible(), "the script reveals the filters"
    total = page.eval_on_selector_all("li.chm-event", "els => els.length")
    recits = page.eval_on_selector_all("li.chm-event[data-kind=recit]", "els => els.length")
    assert recits and page.eval_on_selector_all(".chm-frise [data-kind=recit]", VISIBLE) == recits

    page.get_by_role("checkbox", name="Récits").uncheck()  # keyboard and mouse alike: a real checkbox
    assert page.eval_on_selector_all(".chm-frise [data-kind=recit], li.chm-event[data-kind=recit]", VISIBLE) == 0
    assert page.eval_on_selector_all("li.chm-event", VISIBLE) == total - recits
    assert page.locator(".chm-frise-filtres__count").inner_text().startswith(str(total - recits))
    assert page.locator(".chm-frise-filtres__count").get_attribute("role") == "status"

    page.get_by_role("checkbox", name="Récits").check()
    page.get_by_label("Compétence", exact=True).select_option("ecoute-active")
    shown = page.eval_on_selector_all("li.chm-event:not([hidden])", "els => els.map(e => e.dataset.competences)")
    assert shown and all("ecoute-active" in c.split() for c in shown)
    hidden_years = page.eval_on_selector_all("section.chm-year[hidden]", "els => els.length")
    empty_years = page.eval_on_selector_all(
        "section.chm-year", "els => els.filter(s => !s.querySelector('li.chm-event:not([hidden])')).length")
    assert hidden_years == empty_years, "a year left with nothing is hidden, with its link"
    bars = page.eval_on_selector_all(".chm-frise__bar:not([hidden])", "els => els.map(e => e.dataset.competences)")
    assert all("ecoute-active" in c.split() for c in bars)
    assert not traffic.third_party()


def test_without_javascript_frise_and_list_are_complete_and_filters_hidden(site, open_page):
    page, _ = open_page(java_script_enabled=False)
    page.goto(site.url("chronologie/"), wait_until="load")
    assert not page.locator("form.chm-frise-filtres").is_visible()
    events = page.eval_on_selector_all("li.chm-event", VISIBLE)
    assert events and page.eval_on_selector_all(".chm-frise li[data-kind]", VISIBLE) == events
    names = page.eval_on_selector_all(".chm-frise li[data-kind] a", "els => els.map(a => a.getAttribute('aria-label'))")
    assert all(any(ch.isdigit() for ch in name) for name in names), "every link's name holds its date"


def test_a_thirty_year_career_fits_one_desktop_screen(career_site, open_page):
    page, _ = open_page(viewport={"width": 1280, "height": 800})
    _open(page, career_site)
    box = page.locator("figure.chm-frise").bounding_box()
    assert box is not None and box["height"] <= 800, f"the frise is {box and box['height']} px tall"
    lanes = page.evaluate("() => getComputedStyle(document.querySelector('figure.chm-frise')).getPropertyValue('--pistes')")
    assert 2 <= int(lanes) <= 5
    # Bars of one lane never overlap on screen.
    overlaps = page.evaluate("""() => {
      const bars = [...document.querySelectorAll('.chm-frise__bar')].map(li => ({
        lane: li.style.getPropertyValue('--piste'), box: li.querySelector('.chm-frise__line').getBoundingClientRect()}));
      return bars.filter((a, i) => bars.some((b, j) => j > i && a.lane === b.lane
        && a.box.left < b.box.left && a.box.right > b.box.left + 1)).length;
    }""")
    assert overlaps == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nothing_overflows_sideways_on_a_phone(career_site, site, open_page, scheme):
    page, _ = open_page(scheme, PHONE)
    for url in (career_site, site.url("chronologie/")):
        _open(page, url)
        width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{url}: {width[0]} px wide in a {width[1]} px screen"
        plot = page.locator(".chm-frise__plot").bounding_box()
        assert plot is not None and plot["height"] > plot["width"], "time runs down the page on a phone"
