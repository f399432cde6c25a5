"""The one place that decides what is published.

Every view, page and link is computed from the public portfolio this module returns, never
from the full one, so a private note cannot leak through a side door (an index count, a
backlink, a link title). The engine adapter removes the excluded paths from its files.
"""

from __future__ import annotations

import enum
import os
import posixpath
from collections.abc import Set
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .mdsource import redact_markdown
from .model import Note, Page, Portfolio, Retour, Trace, Visibility
from .settings import Settings

# Relative targets of Markdown links and images, and of HTML src/href attributes.
_MD_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*)?\)")
_HTML_TARGET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
# Anything in a private note's text that could name a file: mentioning is using (fail closed).
_WORD = re.compile(r"[^\s\"'<>()\[\]|,;=]+")


class Reason(enum.StrEnum):
    """Why something stays private; `cheminement publication` shows it to the learner."""

    DECLARED = "declared"  # visibilite: prive, or draft: true
    FOLDER = "folder"  # in a private folder such as journal/
    KIND = "kind"  # a coach's feedback note: private unless marked public, wherever it is
    EXCLUDED = "excluded"  # left out by the engine's own settings (exclude_docs, draft_docs)
    EXPLICIT = "explicit"  # publication: explicite and not marked public
    PRIVATE_ONLY = "private-only"  # a file that only private notes use


def private_reason(page: Page, settings: Settings) -> Reason | None:
    """Why one note or page stays private, or None when it is published."""
    if page.path in settings.excluded:
        return Reason.EXCLUDED
    if page.visibility is Visibility.PRIVATE:
        return Reason.DECLARED
    if page.visibility is Visibility.PUBLIC:
        return None
    if settings.is_in_private_folder(page.path):
        return Reason.FOLDER
    if isinstance(page, Retour):
        # Feedback is private by its nature, not by where it was saved: a `retours` folder
        # left out of `dossiers_prives` must not publish what a coach wrote.
        return Reason.KIND
    # In explicit mode a note is published only when it says so; ordinary pages (home,
    # about) stay published unless marked private.
    if settings.explicit_publication and isinstance(page, Note):
        return Reason.EXPLICIT
    return None


def is_public(page: Page, settings: Settings) -> bool:
    return private_reason(page, settings) is None


@dataclass
class Publication:
    """The public portfolio and what stays on the learner's machine, with the reason.

    In a local preview (`preview=True`, only ever for `mkdocs serve`) private notes are
    kept in `public` so the learner sees them in place, and listed in `previewed`.
    """

    public: Portfolio
    private: dict[str, Reason] = field(default_factory=dict)
    previewed: set[str] = field(default_factory=set)

    @property
    def private_paths(self) -> set[str]:
        return set(self.private)


def publish(portfolio: Portfolio, settings: Settings, preview: bool = False) -> Publication:
    """Split the portfolio into what is published and what stays private."""
    publication = _split(portfolio, settings)
    if not preview:
        return publication
    # The preview shows private notes in place, but not what the engine itself leaves out.
    left_out = {path: reason for path, reason in publication.private.items() if reason is Reason.EXCLUDED}
    shown = Portfolio(
        portfolio.referentiel,
        [n for n in portfolio.notes if n.path not in left_out],
        [p for p in portfolio.pages if p.path not in left_out],
        [a for a in portfolio.assets if a not in left_out],
    )
    return Publication(shown, left_out, set(publication.private) - set(left_out))


def _split(portfolio: Portfolio, settings: Settings) -> Publication:
    public = Portfolio(portfolio.referentiel)
    private: dict[str, Reason] = {}
    for page in [*portfolio.notes, *portfolio.pages]:
        reason = private_reason(page, settings)
        if reason is None:
            (public.notes if isinstance(page, Note) else public.pages).append(page)
        else:
            private[page.path] = reason

    # The référentiel and the reference library are sources of the build, not site files.
    sources = {_relative(path, settings) for path in (settings.referentiel_path, settings.bibliography) if path}
    assets = set(portfolio.assets) - sources
    used_by_public: set[str] = set()
    used_by_private: set[str] = set()
    by_name: dict[str, set[str]] = {}
    for asset in assets:
        by_name.setdefault(posixpath.basename(asset), set()).add(asset)
    for page in [*portfolio.notes, *portfolio.pages]:
        if page.path in private:
            used_by_private.update(_referenced_assets(page, assets) | _mentioned_assets(page, by_name))
        else:
            used_by_public.update(_referenced_assets(page, assets))
    for asset in sorted(assets):
        if asset in settings.excluded:
            private[asset] = Reason.EXCLUDED
        elif asset in used_by_public:
            public.assets.append(asset)
        elif asset in used_by_private:
            private[asset] = Reason.PRIVATE_ONLY
        elif settings.is_in_private_folder(asset):
            private[asset] = Reason.FOLDER
        else:
            public.assets.append(asset)
    return Publication(public, private)


def _relative(path: Path, settings: Settings) -> str | None:
    relative = os.path.relpath(path, settings.docs_dir)
    return None if relative.startswith("..") else Path(relative).as_posix()


def _mentioned_assets(page: Page, by_name: dict[str, set[str]]) -> set[str]:
    """Files whose name appears anywhere in a private page, however it links to them.

    Links take many forms (reference definitions, srcset, poster, unquoted attributes,
    absolute paths…): for a private page, a mention is enough to keep a file private.
    """
    text = unquote(page.body)
    found: set[str] = set()
    for word in _WORD.findall(text):
        found |= by_name.get(posixpath.basename(word.replace("\\", "")), set())
    for name, paths in by_name.items():
        if " " in name and name in text:
            found |= paths
    return found


def _referenced_assets(page: Page, assets: set[str]) -> set[str]:
    """Files of the portfolio that a page links to or embeds (trace files included)."""
    found: set[str] = set()
    if isinstance(page, Trace) and page.file:
        found.add(page.file)
    for pattern in (_MD_TARGET, _HTML_TARGET):
        for match in pattern.finditer(page.body):
            path = local_target(match.group(1), page.path)
            if path in assets:
                found.add(path)
    return found


def local_target(url: str, page_path: str) -> str | None:
    """The portfolio path a relative URL in `page_path` points to, or None if external."""
    target = urlsplit(url)
    if target.scheme or target.netloc or not target.path:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), unquote(target.path)))


def redact_links(body: str, page_path: str, private_paths: Set[str]) -> str:
    """Markdown links and images to private notes or files become their text alone.

    A learner may link a private note from a public one; the link must not reveal that the
    note exists, nor its address. See `mdsource.redact_markdown`, which this calls.
    """
    return redact_markdown(body, page_path, private_paths)
