"""Print: Chromium's PDFs of the timeline and of a competence page, with no timeline entry
and no evidence card cut across two pages."""

from __future__ import annotations

import re
import unicodedata

from browserkit import ARTIFACTS, goto, require

pypdf = require("pypdf")

# A4, in CSS pixels (96 per inch). The margins are those of the theme's @page rule when it
# has one (they are passed to page.pdf() as well, so both agree), else 15 mm.
MM = 96 / 25.4
PAPER_MM = (210, 297)
DEFAULT_MARGINS_MM = {"top": 15, "right": 15, "bottom": 15, "left": 15}
UNITS_MM = {"mm": 1, "cm": 10, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "px": 25.4 / 96}

PAGE_RULE = """() => {
  for (const sheet of document.styleSheets) {
    let rules;
    try { rules = sheet.cssRules; } catch (error) { continue; }
    for (const rule of rules) {
      if (rule instanceof CSSPageRule && !rule.selectorText) {
        const s = rule.style;
        return {top: s.marginTop, right: s.marginRight, bottom: s.marginBottom, left: s.marginLeft};
      }
    }
  }
  return null;
}"""


def _margins_mm(page) -> dict[str, float]:
    margins = dict(DEFAULT_MARGINS_MM)
    for side, value in (page.evaluate(PAGE_RULE) or {}).items():
        match = re.fullmatch(r"([\d.]+)(mm|cm|in|pt|pc|px)", value or "")
        if match:
            margins[side] = float(match.group(1)) * UNITS_MM[match.group(2)]
    return margins


MEASURE = """selector => [...document.querySelectorAll(selector)].map(el => {
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    height: box.height,
    breakInside: style.breakInside,
    title: (el.querySelector('h2, h3, h4') || el).innerText.trim(),
    last: (el.querySelector('.chm-event__summary, .chm-card__summary') || {innerText: ''}).innerText.trim(),
  };
})"""


def _words(text: str) -> str:
    """Text as pypdf extracts it and as the DOM gives it, made comparable."""
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"[«»\"'’“”]", " ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _pages_of(pdf_path) -> list[str]:
    reader = pypdf.PdfReader(str(pdf_path))
    return [_words(page.extract_text() or "") for page in reader.pages]


def _page_with(pages: list[str], needle: str) -> list[int]:
    return [i for i, text in enumerate(pages) if needle in text]


def _print_and_check(page, url: str, selector: str, pdf_name: str) -> None:
    goto(page, url)
    margins = _margins_mm(page)
    printable_width = (PAPER_MM[0] - margins["left"] - margins["right"]) * MM
    printable_height = (PAPER_MM[1] - margins["top"] - margins["bottom"]) * MM
    page.set_viewport_size({"width": round(printable_width), "height": round(printable_height)})
    page.emulate_media(media="print")
    blocks = page.evaluate(MEASURE, selector)
    assert blocks, f"no {selector} on {url}"
    for block in blocks:
        assert block["breakInside"] == "avoid", f"{selector} '{block['title']}' may be cut: break-inside is {block['breakInside']}"
        assert block["height"] <= printable_height, f"{selector} '{block['title']}' is taller than a page ({block['height']:.0f}px)"

    target = ARTIFACTS / "print" / pdf_name
    target.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(target), format="A4", print_background=True,
             margin={side: f"{value:.2f}mm" for side, value in margins.items()})
    pages = _pages_of(target)
    assert len(pages) >= 1
    # In the PDF itself: each block's heading and the end of its summary on the same page.
    located = 0
    for block in blocks:
        if not block["last"]:
            continue
        title = _words(block["title"].splitlines()[-1])[:30]
        end = _words(block["last"])[-25:]
        where_end = _page_with(pages, end)
        if len(where_end) == 1:  # the summary's end is unique enough to locate the block
            located += 1
            assert title in pages[where_end[0]], f"'{block['title']}' is cut: its summary ends on PDF page {where_end[0] + 1}, without its title"
    with_summary = sum(1 for block in blocks if block["last"])
    print(f"{pdf_name}: {len(pages)} pages, {located}/{with_summary} blocks located in the PDF")
    assert located >= with_summary // 2, f"only {located} of {with_summary} blocks found in the PDF's text"


def test_timeline_prints_without_cutting_an_entry(site, open_page):
    page, traffic = open_page()
    _print_and_check(page, site.url("chronologie/"), "li.chm-event", "chronologie.pdf")
    assert not traffic.third_party()


def test_competence_page_prints_without_cutting_a_card(site, open_page):
    page, traffic = open_page()
    competence = site.pick("competences", "ecoute-active", contains="chm-card")
    _print_and_check(page, site.url(competence), "ol.chm-cards .chm-card", "competence.pdf")
    assert not traffic.third_party()


def _printed_pages(page, url: str, pdf_name: str, scheme: str = "light") -> list[str]:
    """The page printed by Chromium as the CLI prints it (pdf.py): the theme's @page size."""
    goto(page, url, scheme)
    page.emulate_media(media="print")
    target = ARTIFACTS / "print" / pdf_name
    target.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(target), prefer_css_page_size=True, print_background=True)
    return _pages_of(target)


def test_dossier_prints_cover_contents_and_parts_on_pages_of_their_own(site, open_page):
    page, traffic = open_page(scheme="dark")  # printed light whatever the scheme on screen
    goto(page, site.url("dossier/"), "dark")
    page.emulate_media(media="print")
    name = _words(page.inner_text(".chm-dossier__cover h1"))
    parts = [_words(h) for h in page.eval_on_selector_all(".chm-dossier__part > h2", "hs => hs.map(h => h.innerText)")]
    colour = page.evaluate("getComputedStyle(document.querySelector('.chm-dossier__text p')).color")
    assert colour.startswith(("rgba(0, 0, 0,", "rgb(0, 0, 0)")), f"dark text on paper expected, got {colour}"
    assert page.evaluate("getComputedStyle(document.querySelector('.chm-dossier__help')).display") == "none"
    pages = _printed_pages(page, site.url("dossier/"), "dossier.pdf", "dark")
    print(f"dossier.pdf: {len(pages)} pages, parts: {parts}")
    assert name in pages[0] and _words("Sommaire") not in pages[0], "the cover has a page of its own"
    assert pages[1].startswith(_words("2 / ")) and _words("Sommaire") in pages[1]
    for title in parts:
        starts = [i for i, text in enumerate(pages) if re.sub(r"^\d+ / \d+ ", "", text).startswith(title[:25])
                  or re.sub(r"^\d+ / \d+ (preuves, par compétence |evidence, by competence )?", "", text).startswith(title[:25])]
        assert starts, f"part '{title}' does not start a page"
    assert "¶" not in " ".join(pages)
    assert not traffic.third_party()


def test_dossier_prints_without_cutting_a_path_entry_or_a_feedback(site, open_page):
    page, traffic = open_page()
    _print_and_check(page, site.url("dossier/"), ".chm-dossier__path > li, .chm-dossier__retour", "dossier-blocs.pdf")
    assert not traffic.third_party()


def test_folded_parts_print_open(site, open_page):
    page, _ = open_page()
    goto(page, site.url("competences/"))
    folded = page.locator("details:not([open])")
    if not folded.count():
        return  # nothing folded on this page today
    page.emulate_media(media="print")
    inside = folded.first.locator(":scope > :not(summary)").first
    assert inside.bounding_box() is not None and inside.bounding_box()["height"] > 0, "a closed <details> prints folded"
