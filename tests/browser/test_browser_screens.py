"""Screenshots of the main pages, desktop and phone, light and dark, for people to look at
(artifacts/screenshots/, not versioned); nothing scrolls sideways on a phone."""

from __future__ import annotations

import pytest
from browserkit import ARTIFACTS, DESKTOP, PHONE, goto, main_pages

SCREENSHOTS = ARTIFACTS / "screenshots"


def screen_pages(site) -> dict[str, str]:
    return {name: path for name, path in main_pages(site).items() if name != "parcours"}


WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  let worst = null;
  for (const el of document.querySelectorAll('.md-content *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !el.closest('.chm-table-wrap, pre, .md-typeset__scrollwrap')) {
      if (!worst || box.right > worst.right) worst = {right: Math.round(box.right), what: el.tagName.toLowerCase() + '.' + [...el.classList].join('.')};
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, worst};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_screenshots_of_the_main_pages(site, open_page, device, scheme):
    viewport = DESKTOP if device == "desktop" else PHONE
    page, traffic = open_page(scheme, viewport)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sideways = {}
    for name, path in screen_pages(site).items():
        goto(page, site.url(path), scheme)
        layout = page.evaluate(WIDEST)
        if layout["scroll"] > layout["width"] or layout["worst"]:
            sideways[name] = layout
        target = SCREENSHOTS / f"{name}-{device}-{scheme}.png"
        page.screenshot(path=str(target), full_page=True, animations="disabled")
        assert target.stat().st_size > 10_000
    assert not sideways, f"pages wider than the screen: {sideways}"
    assert not traffic.third_party()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_screenshots_of_the_dossier_cover_and_a_competence(site, open_page, device):
    """The two parts of the dossier a jury reads first: its cover, and one competence with
    its evidence (the first one that has some)."""
    page, traffic = open_page("light", DESKTOP if device == "desktop" else PHONE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    goto(page, site.url("dossier/"))
    cover = page.locator(".chm-dossier__cover")
    assert "Claire Moreau" in cover.inner_text()
    cover.screenshot(path=str(SCREENSHOTS / f"dossier-couverture-{device}.png"), animations="disabled")
    # The header is sticky: take the section as a page region, not over the header.
    section = page.locator(".chm-dossier__competence").filter(has=page.locator("article")).first
    box = section.bounding_box()
    assert box is not None and box["height"] > 200
    page.evaluate("document.querySelector('header.md-header').style.position = 'static'")
    section.screenshot(path=str(SCREENSHOTS / f"dossier-competence-{device}.png"), animations="disabled")
    assert (SCREENSHOTS / f"dossier-competence-{device}.png").stat().st_size > 10_000
    assert not traffic.third_party()
