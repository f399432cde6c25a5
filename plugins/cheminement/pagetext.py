"""The learner's text as our pages publish it: `[[links]]` resolved over the public
portfolio only, `%%` comments and links to private files out, citations formatted, and a
coach's feedback rendered for the page that shows it.

Engine-free, like the rest of the core: the adapter hands in how to make a note's HTML inert
(it logs what was refused on the note) and gets Markdown or HTML back.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence

import markdown

from . import biblio, wikilinks
from .markup import redact_private_links
from .mdsource import redact_markdown, strip_comments
from .model import Kind, Retour
from .pagehtml import md_escape
from .render import Renderer, UrlFor
from .settings import Settings
from .views import Citations, Views

Inert = Callable[[str, str], str]  # (html, source path) -> the same HTML, inert


class CitationError(Exception):
    """citeproc could not format a citation (`text`): the adapter reports it as a build error."""

    def __init__(self, text: str, detail: str) -> None:
        super().__init__(detail)
        self.text, self.detail = text, detail


class PageText:
    """One build's public text: what every page's own words go through."""

    def __init__(self, settings: Settings, views: Views, renderer: Renderer, private_paths: frozenset[str],
                 markdown_options: tuple[Sequence[object], dict[str, object]], inert: Inert,
                 formatter: biblio.Formatter | None = None, citations: Citations | None = None) -> None:
        self.settings, self.views, self.renderer = settings, views, renderer
        self.private_paths = private_paths
        self.extensions, self.configs = markdown_options
        self.inert = inert
        self.formatter, self.citations = formatter, citations

    def body(self, text: str, source: str, with_links: bool) -> str:
        """A page's Markdown before the engine renders it (`with_links`: our parse of a note)."""
        if with_links:
            text = wikilinks.replace(text, lambda link: self.wikilink(link, source))
        text = redact_markdown(strip_comments(text), source, self.private_paths)
        if self.formatter is not None and self.citations is not None and source in self.citations.by_page:
            formatter = self.formatter
            text = wikilinks.sub_outside_code(biblio.CITATION, lambda m: _cite(formatter, m), text)
        return text

    def wikilink(self, link: wikilinks.Wikilink, from_path: str) -> str:
        """A Markdown link to a public target, relative to `from_path`; plain text for anything else."""
        path, title = self.target(link)
        if path is None:
            return md_escape(link.text or link.target)
        relative = posixpath.relpath(path, posixpath.dirname(from_path) or ".")
        return f"[{md_escape(link.text or title)}](<{relative}>)"

    def target(self, link: wikilinks.Wikilink) -> tuple[str | None, str]:
        """The source path and title of a public link target, or (None, "")."""
        targets = self.views.links.resolve(link.target) if self.views.links else []
        if not targets:
            return None, ""
        found = targets[0]
        if found.kind is Kind.COMPETENCE:
            return self.settings.competence_page(found.id), self.views.competences[found.id].competence.title
        note = self.views.notes[(found.kind, found.id)]
        return note.path, note.title

    def references(self, source: str) -> str:
        """The « Références » section of a page that cites works."""
        if self.formatter is None or self.citations is None:
            return ""
        cited = self.citations.by_page.get(source)
        if not cited:
            return ""
        keys = {i.key for c in cited for i in c.items}
        return self.inert(self.renderer.references(self.formatter.ordered(keys)), source)

    def feedback(self, retours: Sequence[Retour], url_for: UrlFor) -> str:
        """The feedback block, each note's Markdown rendered for the page that shows it."""
        if not retours:
            return ""
        bodies = {}
        for retour in retours:
            body = redact_markdown(strip_comments(retour.body), retour.path, self.private_paths)
            body = wikilinks.replace(body, lambda link: self._wikilink_url(link, url_for))
            rendered = markdown.markdown(body, extensions=list(self.extensions), extension_configs=self.configs)
            # Raw HTML in the coach's text: inert, its links resolved from the note's place.
            bodies[retour.path] = redact_private_links(self.inert(rendered, retour.path), retour.path, self.private_paths)
        return self.renderer.feedback(retours, url_for, bodies)

    def _wikilink_url(self, link: wikilinks.Wikilink, url_for: UrlFor) -> str:
        """Like `wikilink`, for Markdown rendered outside the engine: the URL is final."""
        path, title = self.target(link)
        if path is None:
            return md_escape(link.text or link.target)
        return f"[{md_escape(link.text or title)}](<{url_for(path)}>)"


def _cite(formatter: biblio.Formatter, match: re.Match[str]) -> str:
    """One `[@key, p. 12]` as its APA citation; anything unparsable stays as written."""
    citations = list(biblio.find(match.group(0)))
    if not citations:
        return match.group(0)
    try:
        return formatter.cite(citations[0])
    except Exception as error:  # noqa: BLE001 - citeproc's errors on data it cannot format
        raise CitationError(match.group(0), f"{type(error).__name__}: {error}") from None
