"""Hostile front matter in a real browser: no payload ever runs.

A portfolio whose titles, descriptions, tags, authors and subtitles carry script payloads
(each sets `window.__pwned` or calls `alert`) is built, served and opened in Chromium:
every page, then the search box with the hostile tag and title, whose results Material
inserts as HTML. A control first shows that the same payload, left raw, does run in this
browser and is caught by the same listeners.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browserkit import DESKTOP, StaticServer, shared_helpers

RUN = "window.__pwned = (window.__pwned || 0) + 1; alert(1)"
IMG = f'<img src=x onerror="{RUN}">'
SCRIPT = f"<script>{RUN}</script>"
SVG = f'<svg onload="{RUN}"></svg>'

NOTE = f"""\
---
titre: 'chmtitre {IMG} {SCRIPT}'
date: 2024-03
description: '"><script>{RUN}</script>'
tags: ['chmtag {IMG}', 'chmautre {SVG}']
auteur: '"><img src=x onerror="{RUN}">'
subtitle: '{SCRIPT}'
status: new
revision_date: '{SCRIPT}'
---
Un récit dont l'en-tête est hostile ; le corps est ordinaire.
"""

PAGE = f"""\
---
title: 'chmpage {IMG}'
author: '"><script>{RUN}</script>'
tags: ['chmtag {SCRIPT}']
git_creation_date_localized: '{SCRIPT}'
---
Une page ordinaire.
"""

COMPETENCE = f"""\
---
description: '"><svg onload="{RUN}">'
---
Mes mots sur l'écoute.
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    kit = shared_helpers()
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(kit.FIXTURES / "base", root / "docs")
    folio = kit.Portfolio(root)
    folio.configure()
    folio.write("recits/hostile.md", NOTE)
    folio.write("apropos.md", PAGE)
    folio.write("competences/ecoute-active.md", COMPETENCE)
    site = folio.build()
    server = StaticServer(site)
    server.start(not_found_page=site / "404.html")
    yield server.origin + "/", site
    server.stop()


def goto(page, url: str) -> None:
    """Open a page and wait for Material's script (its `document$` observable) to run.

    browserkit.goto also waits for the sample's palette, which this plain build has not.
    """
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    page.wait_for_function("() => typeof window.document$ !== 'undefined'")


class Watch:
    """What a page did that a payload would do: dialogs opened and `window.__pwned`."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def pwned(self) -> int:
        return self.page.evaluate("() => window.__pwned || 0")


def test_control_a_raw_payload_runs_and_is_caught(open_page) -> None:
    page, _ = open_page()
    watch = Watch(page)
    page.set_content(f"<!doctype html><title>t</title><body>{IMG}{SVG}</body>")
    page.wait_for_function("() => (window.__pwned || 0) >= 2")
    assert watch.pwned() >= 2 and len(watch.dialogs) >= 2


def test_no_payload_runs_on_any_page(hostile_site, open_page) -> None:
    base, site = hostile_site
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")
    assert {"recits/hostile/index.html", "apropos/index.html", "competences/ecoute-active/index.html"} <= set(pages)
    page, traffic = open_page(viewport=DESKTOP)
    watch = Watch(page)
    for name in pages:
        url = base + (name[: -len("index.html")] if name.endswith("index.html") else name)
        goto(page, url)
        page.wait_for_timeout(50)  # let onerror/onload handlers fire if any were created
        assert watch.pwned() == 0, url
    assert watch.dialogs == []
    assert not traffic.third_party()


def test_the_hostile_text_is_shown_as_text(hostile_site, open_page) -> None:
    base, _ = hostile_site
    page, _ = open_page()
    goto(page, base + "recits/hostile/")
    assert "<img src=x onerror=" in page.locator("h1").first.inner_text()
    assert page.title().startswith("chmtitre <img src=x")
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description == f'"><script>{RUN}</script>'


@pytest.mark.parametrize("query", ["chmtag", "chmtitre", "chmpage", "chmautre"])
def test_search_shows_hostile_tags_and_titles_without_running_them(hostile_site, open_page, query: str) -> None:
    base, _ = hostile_site
    page, _ = open_page()
    watch = Watch(page)
    goto(page, base)
    page.locator(".md-search__input").click()
    page.keyboard.type(query)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="attached")
    page.wait_for_timeout(300)  # every result rendered, handlers given the time to fire
    shown = page.locator(".md-search-result").inner_text()
    assert query in shown
    assert "<img" in shown or "<script>" in shown or "<svg" in shown  # the payload as text
    assert page.locator(".md-search-result img, .md-search-result script, .md-search-result svg[onload]").count() == 0
    assert watch.pwned() == 0 and watch.dialogs == []
