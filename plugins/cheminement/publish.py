"""The one place that decides what is published.

Every view, page and link is computed from the public portfolio this module returns, never
from the full one, so a private note cannot leak through a side door (an index count, a
backlink, a link title). The engine adapter removes the excluded paths from its files.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .model import Note, Page, Portfolio, Trace, Visibility
from .settings import Settings

# Relative targets of Markdown links and images, and of HTML src/href attributes.
_MD_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*)?\)")
_HTML_TARGET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def in_private_folder(path: str, settings: Settings) -> bool:
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in settings.private_folders)


def is_public(page: Page, settings: Settings) -> bool:
    """Whether one note or page is published, from its declaration, folder and mode."""
    if page.visibility is Visibility.PRIVATE:
        return False
    if page.visibility is Visibility.PUBLIC:
        return True
    if in_private_folder(page.path, settings):
        return False
    # In explicit mode a note is published only when it says so; ordinary pages (home,
    # about) stay published unless marked private.
    return not (settings.explicit_publication and isinstance(page, Note))


@dataclass
class Publication:
    """The public portfolio and the paths of everything that stays on the learner's machine."""

    public: Portfolio
    private_paths: set[str] = field(default_factory=set)


def publish(portfolio: Portfolio, settings: Settings) -> Publication:
    public = Portfolio(portfolio.referentiel)
    private: set[str] = set()
    for page in [*portfolio.notes, *portfolio.pages]:
        if is_public(page, settings):
            (public.notes if isinstance(page, Note) else public.pages).append(page)
        else:
            private.add(page.path)

    assets = set(portfolio.assets)
    used_by_public: set[str] = set()
    used_by_private: set[str] = set()
    for page in [*portfolio.notes, *portfolio.pages]:
        used = _referenced_assets(page, assets)
        (used_by_private if page.path in private else used_by_public).update(used)
    for asset in portfolio.assets:
        only_private = asset in used_by_private and asset not in used_by_public
        if only_private or (in_private_folder(asset, settings) and asset not in used_by_public):
            private.add(asset)
        else:
            public.assets.append(asset)
    return Publication(public, private)


def _referenced_assets(page: Page, assets: set[str]) -> set[str]:
    """Files of the portfolio that a page links to or embeds (trace files included)."""
    found: set[str] = set()
    if isinstance(page, Trace) and page.file:
        found.add(page.file)
    base = posixpath.dirname(page.path)
    for pattern in (_MD_TARGET, _HTML_TARGET):
        for match in pattern.finditer(page.body):
            target = urlsplit(match.group(1))
            if target.scheme or target.netloc or not target.path:
                continue
            path = posixpath.normpath(posixpath.join(base, unquote(target.path)))
            if path in assets:
                found.add(path)
    return found
