"""Accessibility in a real browser: axe-core on the main pages, light and dark, desktop and
phone; the timeline with the keyboard alone."""

from __future__ import annotations

import json

import pytest
from browserkit import DESKTOP, PHONE, goto, main_pages, require

axe_module = require("axe_playwright_python.sync_playwright")  # bundles axe.min.js: works offline

# Stock Material markup that our theme cannot fix, as (rule, CSS target of the one node
# allowed to fail). Empty: Material's nameless search dialog (aria-dialog-name) is fixed by
# our override of partials/search.html, which `test_search_dialog_has_a_name` checks.
MATERIAL_KNOWN: set[tuple[str, str]] = set()


PAGE_NAMES = ["home", "competences", "competence", "chronologie", "recit", "parcours", "trace", "dossier"]


def violations(page, known: set[tuple[str, str]] = MATERIAL_KNOWN) -> list[dict]:
    """axe-core's violations of any impact, less the listed stock-Material nodes."""
    result = axe_module.Axe().run(page).response
    found = []
    for violation in result["violations"]:
        nodes = [n for n in violation["nodes"] if (violation["id"], " ".join(n["target"])) not in known]
        if nodes:
            found.append({
                "rule": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "nodes": [{"target": n["target"], "html": n["html"][:200], "why": n.get("failureSummary", "")} for n in nodes[:5]],
            })
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing(site, open_page, scheme, viewport):
    page, traffic = open_page(scheme, viewport)
    problems = {}
    for name in PAGE_NAMES:
        path = main_pages(site)[name]
        goto(page, site.url(path), scheme)
        found = violations(page)
        if found:
            problems[f"{name} ({path or '/'})"] = found
    assert not problems, "axe-core violations:\n" + json.dumps(problems, indent=1, ensure_ascii=False)
    assert not traffic.third_party()


def test_axe_finds_nothing_on_any_page(site, open_page):
    """Every page of the sample (listings, every note, the dossier...), light, desktop."""
    page, traffic = open_page()
    problems = {}
    for url in site.page_urls():
        goto(page, url)
        found = violations(page)
        if found:
            problems[url[len(site.base_url):] or "/"] = found
    assert not problems, "axe-core violations:\n" + json.dumps(problems, indent=1, ensure_ascii=False)
    assert not traffic.third_party()


def test_search_dialog_has_a_name(site, open_page):
    page, _ = open_page()
    goto(page, site.url(""))
    assert not violations(page, known=set()), "the search dialog still has no accessible name"


FOCUS_STATE = """el => {
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {href: el.getAttribute('href'), focusVisible: el.matches(':focus-visible'), ring: outline || shadow};
}"""


def test_timeline_by_keyboard_alone(site, open_page):
    """Tab reaches the filters, the frise's links, every year link, then every link of every
    entry, in document order, each with a visible focus ring; Enter on a year link goes to
    that year."""
    page, traffic = open_page()
    goto(page, site.url("chronologie/"))
    # The filters, the skip link, the frise's links, then the years and the list, in that order.
    expected = page.eval_on_selector_all(".chm-timeline :is(a[href], input, select)", "els => els.map(e => e.getAttribute('href'))")
    years = page.eval_on_selector_all(".chm-timeline .chm-years a", "els => els.map(e => e.getAttribute('href'))")
    entry_titles = page.eval_on_selector_all(".chm-timeline li.chm-event .chm-event__title a", "els => els.map(e => e.getAttribute('href'))")
    assert years and entry_titles, "the timeline has year links and entries"

    reached, unringed = [], []
    for _ in range(len(expected) + 150):  # the header, the navigation, then the timeline
        page.keyboard.press("Tab")
        inside = page.evaluate("() => !!document.activeElement.closest('.chm-timeline')")
        if inside:
            state = page.evaluate(f"({FOCUS_STATE})(document.activeElement)")
            reached.append(state["href"])
            if not (state["focusVisible"] and state["ring"]):
                unringed.append(state["href"])
        elif reached:
            break  # past the timeline
    assert reached == expected, "Tab order through the timeline differs from the document order"
    assert not unringed, f"focus not visible on: {unringed[:5]}"

    # Enter on a year link (focused with the keyboard) moves to that year's heading.
    page.focus(f".chm-years a[href='{years[-1]}']")
    page.keyboard.press("Enter")
    page.wait_for_function("hash => location.hash === hash", arg=years[-1])
    heading = page.locator(years[-1])
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"], "the year's heading is scrolled into view"
    assert not traffic.third_party()
