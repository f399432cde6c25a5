"""Links in a real browser: every internal link and asset of every page resolves, with the
site at the root of the server or under a sub-path, with and without directory URLs; search
and the 404 page work there too; no page asks anything of another site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
from browserkit import DESKTOP, PHONE, SUBPATH, goto

VARIANTS = [
    pytest.param(False, True, id="root-dirurls"),
    pytest.param(False, False, id="root-files"),
    pytest.param(True, True, id="subpath-dirurls"),
    pytest.param(True, False, id="subpath-files"),
]

COLLECT = """() => {
  const found = [];
  for (const [selector, attribute] of [['a[href]', 'href'], ['img[src]', 'src'], ['link[href]', 'href'], ['script[src]', 'src']]) {
    for (const el of document.querySelectorAll(selector)) {
      const url = new URL(el.getAttribute(attribute), document.baseURI).href;
      found.push({tag: el.tagName.toLowerCase(), raw: el.getAttribute(attribute), url, rel: el.getAttribute('rel') || ''});
    }
  }
  return {links: found, ids: [...document.querySelectorAll('[id]')].map(e => e.id)};
}"""

FETCH = """async urls => Promise.all(urls.map(async url => {
  try {
    const response = await fetch(url, {cache: 'no-store'});
    await response.arrayBuffer();  // read it all: an unread body is aborted on navigation
    return [url, response.status];
  } catch (error) {
    return [url, String(error)];
  }
}))"""


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _check_site(site, page, traffic) -> list[str]:
    """Load every page, collect its links and assets, fetch each internal one once."""
    problems: list[str] = []
    statuses: dict[str, object] = {}
    ids_by_page: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []  # (from page, target page, fragment)
    for url in [*site.page_urls(), site.base_url + "pas-de-page-ici/", site.base_url + "recits/pas-de-recit/"]:
        missing = "pas-de-" in url
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == (404 if missing else 200), f"{url}: HTTP {response and response.status}"
        found = page.evaluate(COLLECT)
        ids_by_page[_without_fragment(page.url)] = set(found["ids"])
        todo = []
        for link in found["links"]:
            target = link["url"]
            if not target.startswith(("http:", "https:")):
                continue  # mailto:, tel:, javascript:
            if not site.is_internal(target):
                if urlsplit(target).hostname in ("127.0.0.1", "localhost"):
                    problems.append(f"{url}: {link['raw']} points at another local server")
                continue  # a link to another site is the visitor's choice, never loaded here
            if site.subpath and not urlsplit(target).path.startswith(SUBPATH):
                problems.append(f"{url}: {link['raw']} leaves {SUBPATH}")
            bare = _without_fragment(target)
            if bare not in statuses and bare not in todo:
                todo.append(bare)
            fragment = urlsplit(target).fragment
            if link["tag"] == "a" and fragment:
                anchors.append((url, bare, unquote(fragment)))
        for fetched, status in page.evaluate(FETCH, todo):
            statuses[fetched] = status
    for fetched, status in statuses.items():
        if status != 200:
            where = "an internal link or asset"
            problems.append(f"{fetched}: {where} answered {status}")
    for origin, target, fragment in anchors:
        if target in ids_by_page and fragment not in ids_by_page[target]:
            problems.append(f"{origin}: #{fragment} is not an id of {target}")
    # ERR_ABORTED: a request the browser dropped because the test moved to the next page
    # (the search worker's scripts, say); an answer >= 400 is caught as a status instead.
    problems += [f"while loading: {f}" for f in traffic.failures if "pas-de-" not in f and "ERR_ABORTED" not in f]
    return problems


@pytest.mark.parametrize(("subpath", "directory_urls"), VARIANTS)
def test_every_internal_link_and_asset_resolves(sample_sites, open_page, subpath, directory_urls):
    site = sample_sites(subpath=subpath, directory_urls=directory_urls)
    page, traffic = open_page()
    problems = _check_site(site, page, traffic)
    assert not problems, "\n".join(problems[:40])
    outside = traffic.third_party()
    assert not outside, f"requests to other sites: {outside[:10]}"


@pytest.mark.parametrize(("subpath", "directory_urls"), VARIANTS)
def test_search_finds_notes_and_its_results_resolve(sample_sites, open_page, subpath, directory_urls):
    """Material's search loads its index from the site's base URL: it must work under a
    sub-path too, and lead to real pages."""
    site = sample_sites(subpath=subpath, directory_urls=directory_urls)
    page, traffic = open_page()
    goto(page, site.url("chronologie/"))
    page.locator(".md-search__input").click()
    page.keyboard.type("entretien")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="attached")
    hrefs = results.evaluate_all("els => els.map(e => e.href)")
    assert hrefs, "search found nothing"
    for href in hrefs[:5]:
        assert site.is_internal(href) and (not site.subpath or urlsplit(href).path.startswith(SUBPATH)), href
        response = page.request.get(_without_fragment(href))
        assert response.status == 200, f"search result {href}: HTTP {response.status}"
    assert not traffic.failures
    assert not traffic.third_party()


def test_no_request_leaves_the_machine(site, open_page):
    """All requests go to 127.0.0.1 (no Google Fonts, no analytics, no CDN): here the dark
    scheme on a phone, the 404 page and a search; the link tests above check the same while
    they load every page of the four builds."""
    page, traffic = open_page("dark", PHONE)
    for url in [site.url(p) for p in ("", "competences/", "chronologie/", "recits/", "parcours/", "traces/")]:
        goto(page, url, "dark")
    goto(page, site.url("pas-de-page/"), "dark", expect_status=404)
    page.set_viewport_size(DESKTOP)
    page.locator(".md-search__input").click()
    page.keyboard.type("bilan")
    page.locator(".md-search-result__item").first.wait_for(state="attached")
    assert len(traffic.requests) > len(site.page_urls())
    assert not traffic.third_party(), f"requests to other sites: {traffic.third_party()[:10]}"
