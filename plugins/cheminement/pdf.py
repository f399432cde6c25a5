"""HTML -> PDF with a well-kept engine: WeasyPrint, or Chromium through Playwright.

Neither is a dependency of Cheminement (both are heavy); the first one installed is used,
and `NoEngine` says how to get one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_VARIABLE = "CHEMINEMENT_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class NoEngine(Exception):
    """Neither WeasyPrint nor Playwright with a Chromium could be found."""


def chromium_path() -> str | None:
    """A Chromium to drive: $CHEMINEMENT_CHROMIUM, else the first one on the PATH."""
    configured = os.environ.get(CHROMIUM_VARIABLE)
    if configured:
        return configured
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def write_pdf(page: Path, output: Path) -> str:
    """Print `page` (an HTML file of a built site) to `output`; return the engine's name."""
    try:
        import weasyprint  # noqa: PLC0415 - optional
    except ImportError:
        pass
    else:
        weasyprint.HTML(filename=str(page)).write_pdf(str(output))
        return "WeasyPrint"
    try:
        from playwright.sync_api import Error, sync_playwright  # noqa: PLC0415 - optional
    except ImportError:
        raise NoEngine() from None
    executable = chromium_path()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
            )
        except Error:
            raise NoEngine() from None
        try:
            tab = browser.new_page()
            tab.goto(page.resolve().as_uri(), wait_until="load")
            # Paper is light whatever the machine's preference; headings become the PDF's
            # bookmarks and its structure is tagged, for a jury reading it on screen too.
            tab.emulate_media(media="print", color_scheme="light")
            tab.pdf(path=str(output), prefer_css_page_size=True, print_background=True, display_header_footer=False,
                    outline=True, tagged=True)
        finally:
            browser.close()
    return "Chromium"
