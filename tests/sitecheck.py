"""Assertions on a built site: every internal link and asset resolves."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"))


def target_file(site: Path, page: Path, url: str) -> Path | None:
    """The file an internal URL points to from `page`, or None for external URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "tel:", "javascript:")):
        return None
    if not parts.path:
        return page
    target = (page.parent / unquote(parts.path)).resolve()
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(site: Path) -> list[str]:
    """Every internal link, asset or fragment that does not resolve, as 'page -> url'."""
    site = site.resolve()
    problems: list[str] = []
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
            ids[path] = {tag["id"] for tag in soup.find_all(id=True)}
        return ids[path]

    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue  # served at any path, so MkDocs gives it absolute links from site_url
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for tag, attribute in LINK_ATTRIBUTES:
            for element in soup.find_all(tag):
                url = element.get(attribute)
                if not url:
                    continue
                target = target_file(site, page.resolve(), url)
                if target is None:
                    continue
                where = f"{page.relative_to(site)} -> {url}"
                if not target.is_relative_to(site) or not target.is_file():
                    problems.append(where)
                    continue
                fragment = urlsplit(url).fragment
                if fragment and target.suffix == ".html" and unquote(fragment) not in ids_of(target):
                    problems.append(where + " (missing anchor)")
    return problems
