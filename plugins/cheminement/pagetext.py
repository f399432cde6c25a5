"""The learner's text as our pages publish it: `[[links]]` and `![[embeds]]` resolved over
the public portfolio only, Obsidian's callouts and block ids in Python-Markdown's terms,
`%%` comments and links to private files out, citations formatted, and a coach's feedback
rendered for the page that shows it.

Engine-free, like the rest of the core: the adapter hands in how to make a note's HTML inert
(it logs what was refused on the note) and gets Markdown or HTML back. What a link or an
embed cannot show (a private note, a missing file, a loop of embeds) is reported by
`check`, on the learner's line; here it simply shows nothing of what it names.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from functools import cached_property

import markdown

from . import biblio, obsidian, wikilinks
from .markup import redact_private_links
from .mdsource import redact_markdown, strip_comments
from .messages import message
from .model import Kind, Page, Retour, is_markdown, markdown_stem
from .pagehtml import md_escape
from .render import Renderer, UrlFor
from .settings import Settings
from .views import Citations, Views

Inert = Callable[[str, str], str]  # (html, source path) -> the same HTML, inert
LinkTo = Callable[[str, "str | None"], str]  # (source path, heading id) -> a link's destination

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".bmp")


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
        self.style = obsidian.CalloutStyle(settings.lang, self._has("admonition"), self._has("pymdownx.details"))
        self._anchors: dict[str, list[tuple[str, str]]] = {}

    def body(self, text: str, source: str, with_links: bool) -> str:
        """A page's Markdown before the engine renders it (`with_links`: our parse of a note)."""
        if with_links:
            text = self.obsidian(text, source, _relative_to(source))
        text = redact_markdown(strip_comments(text), source, self.private_paths)
        if self.formatter is not None and self.citations is not None and source in self.citations.by_page:
            formatter = self.formatter
            text = wikilinks.sub_outside_code(biblio.CITATION, lambda m: _cite(formatter, m), text)
        return text

    def obsidian(self, text: str, page: str, link_to: LinkTo) -> str:
        """Obsidian's syntax in Python-Markdown's: embeds, links, block ids, then callouts
        (an embedded note's callouts too)."""
        return obsidian.callouts(self._expand(text, page, page, link_to, (page,), anchors=True), self.style)

    def _expand(self, text: str, origin: str, page: str, link_to: LinkTo, chain: tuple[str, ...], anchors: bool) -> str:
        """`text`, written in `origin` and shown on `page`, with its embeds and links resolved.

        `chain`: the notes being shown, one inside the other (a loop stops at a link);
        `anchors`: whether links to headings get the heading's id (not while finding ids).
        """
        text = self._embeds(text, origin, page, link_to, chain, anchors)
        text = wikilinks.replace(text, lambda link: self._link(link, origin, page, link_to, anchors))
        return obsidian.strip_block_ids(text)

    # -- Embeds ------------------------------------------------------------------------------

    def _embeds(self, text: str, origin: str, page: str, link_to: LinkTo, chain: tuple[str, ...], anchors: bool) -> str:
        """`![[…]]`: a note alone on its line shows its text in a quote; an image shows; any
        other file, or a note in a sentence, is a link."""
        by_line: dict[int, list[wikilinks.Wikilink]] = {}
        for link in wikilinks.find(text, embeds=True):
            if link.embed:
                by_line.setdefault(link.line, []).append(link)
        if not by_line:
            return text
        lines = text.split("\n")
        for number, links in by_line.items():
            line = lines[number - 1]
            place = obsidian.lead(line[:links[0].start]) if len(links) == 1 and not line[links[0].end:].strip() else None
            shown = self._transclusion(links[0], origin, page, link_to, chain, anchors) if place else None
            if place and shown is not None:
                # Nothing to show: the line goes (a quote keeps its marker, a list loses the item).
                lines[number - 1] = "\n".join(obsidian.quoted(*shown, *place)) if shown[1] else place[1].rstrip()
                continue
            parts, cursor = [], 0
            for link in links:
                parts += [line[cursor:link.start], self._embed_inline(link, origin, page, link_to, anchors)]
                cursor = link.end
            lines[number - 1] = "".join([*parts, line[cursor:]])
        return "\n".join(lines)

    def _transclusion(self, link: wikilinks.Wikilink, origin: str, page: str, link_to: LinkTo,
                      chain: tuple[str, ...], anchors: bool) -> tuple[list[str], str] | None:
        """The lines of a public note's text (or section, or block) that `link` embeds, and
        the line that names their source; ([], "") for a note that is not published; None
        when the embed shows as a link or an image instead (a file, a competence, a loop,
        too deep)."""
        if not link.name or (wikilinks.is_file_name(link.name) and self.files.resolve(link.name, origin)):
            return None
        targets = self.views.links.resolve(link.target, pages=True, origin=origin) if self.views.links else []
        if not targets:
            return [], ""  # not published, or no such note: nothing of it shows
        if targets[0].kind is Kind.COMPETENCE:
            return None
        path, title = self._where(targets[0])
        source = self._pages.get(path)
        if source is None or path in chain or len(chain) > obsidian.MAX_EMBED_DEPTH:
            return None
        if link.heading:
            part = obsidian.section(source.body, link.heading)
        elif link.block:
            part = obsidian.block(source.body, link.block)
        else:
            part = obsidian.without_title(source.body)
        if part is None:
            return None  # no such heading or block: `check` says so; a link to the note
        part = redact_markdown(strip_comments(part, html_comments=True), path, self.private_paths)
        part = self._expand(obsidian.rebase(part, path, page), path, page, link_to, (*chain, path), anchors)
        origin_link = f"[{md_escape(title)}](<{link_to(path, None)}>)"
        return part.split("\n"), message("obsidian.embed-source", self.settings.lang, link=origin_link)

    def _embed_inline(self, link: wikilinks.Wikilink, origin: str, page: str, link_to: LinkTo, anchors: bool) -> str:
        """An embed within a line: an image, a link to a file, or a link to the note;
        nothing for what is not published or does not exist."""
        found = self.files.resolve(link.name, origin) if wikilinks.is_file_name(link.name) else []
        if not found:
            named = self.views.links.resolve(link.target, pages=True, origin=origin) if self.views.links else []
            return self._link(link, origin, page, link_to, anchors) if named or not link.name else ""
        path = found[0]
        if path in self.private_paths:
            return ""
        if not path.lower().endswith(IMAGE_SUFFIXES):
            return f"[{md_escape(link.text or posixpath.basename(path))}](<{link_to(path, None)}>)"
        alt, width, height = obsidian.image_options(link.text)
        image = f"![{md_escape(alt or posixpath.splitext(posixpath.basename(path))[0])}](<{link_to(path, None)}>)"
        sizes = [f'{name}="{value}"' for name, value in (("width", width), ("height", height)) if value]
        return image + ("{ " + " ".join(sizes) + " }" if sizes and self._has("attr_list") else "")

    @cached_property
    def files(self) -> wikilinks.FileIndex:
        """Every file that is not a note: the published ones, and the names of the others,
        so that a name resolves as in the learner's vault (to a file then left out)."""
        private = (path for path in self.private_paths if not is_markdown(path))
        return wikilinks.FileIndex([*self.views.assets, *private])

    # -- Links -------------------------------------------------------------------------------

    def _link(self, link: wikilinks.Wikilink, origin: str, page: str, link_to: LinkTo, anchors: bool) -> str:
        """A Markdown link to a public note, page, heading or file; the text alone for
        anything else (a private note's title never shows)."""
        if not link.name:  # `[[#Titre]]`: a heading of the note the text was written in
            text = link.text or link.heading or link.block or ""
            anchor = self._anchor(origin, link.heading) if link.heading and anchors else None
            if anchor is None:
                return md_escape(text)
            return f"[{md_escape(text)}](#{anchor})" if origin == page else f"[{md_escape(text)}](<{link_to(origin, anchor)}>)"
        found = self.files.resolve(link.name, origin) if wikilinks.is_file_name(link.name) else []
        if found:
            if found[0] in self.private_paths:
                return md_escape(link.text or link.name)
            return f"[{md_escape(link.text or link.name)}](<{link_to(found[0], None)}>)"
        targets = self.views.links.resolve(link.target, pages=True, origin=origin) if self.views.links else []
        if not targets:
            return md_escape(link.text or link.target)
        path, title = self._where(targets[0])
        anchor = self._anchor(path, link.heading) if link.heading and anchors else None
        text = link.text or (f"{title} > {link.heading}" if link.heading else title)
        return f"[{md_escape(text)}](<{link_to(path, anchor)}>)"

    def _where(self, target: wikilinks.Target) -> tuple[str, str]:
        """The source path and title of a public link target."""
        if target.kind is Kind.COMPETENCE:
            return self.settings.competence_page(target.id), self.views.competences[target.id].competence.title
        if target.kind is None:
            page = self._pages[target.id]
            return page.path, page.title or markdown_stem(page.path)
        note = self.views.notes[(target.kind, target.id)]
        return note.path, note.title

    @cached_property
    def _pages(self) -> dict[str, Page]:
        """Public notes and pages by path: what an embed may show."""
        pages: dict[str, Page] = dict(self.views.links.pages) if self.views.links else {}
        pages.update((note.path, note) for note in self.views.notes.values())
        return pages

    def _anchor(self, path: str, heading: str) -> str | None:
        """The id the page at `path` gives the heading a link names, if it has it."""
        if path not in self._anchors:
            page = self._pages.get(path)
            if page is None:
                return None  # a competence's generated page: only its own text has headings
            text = obsidian.callouts(self._expand(page.body, path, path, _relative_to(path), (path,), anchors=False), self.style)
            self._anchors[path] = obsidian.toc_headings(self._converter, text)
        return obsidian.anchor(self._anchors[path], heading)

    @cached_property
    def _converter(self) -> markdown.Markdown:
        """Python-Markdown as the engine runs it, for the ids of headings (its `toc` slugify)."""
        extensions = list(self.extensions)
        if not self._has("toc"):
            extensions.append("toc")
        return markdown.Markdown(extensions=extensions, extension_configs=self.configs)

    def _has(self, name: str) -> bool:
        """Whether the engine's Markdown runs the extension `name`."""
        for extension in self.extensions:
            written = extension if isinstance(extension, str) else type(extension).__module__
            if written in (name, f"markdown.extensions.{name}"):
                return True
        return False

    # -- Other parts of a page ---------------------------------------------------------------

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

        def link_to(path: str, anchor: str | None) -> str:
            return url_for(path) + (f"#{anchor}" if anchor else "")

        bodies = {}
        for retour in retours:
            body = redact_markdown(strip_comments(retour.body), retour.path, self.private_paths)
            body = self.obsidian(body, retour.path, link_to)
            rendered = markdown.markdown(body, extensions=list(self.extensions), extension_configs=self.configs)
            # Raw HTML in the coach's text: inert, its links resolved from the note's place.
            bodies[retour.path] = redact_private_links(self.inert(rendered, retour.path), retour.path, self.private_paths)
        return self.renderer.feedback(retours, url_for, bodies)


def _relative_to(source: str) -> LinkTo:
    """Destinations relative to the page at `source`, which the engine checks and rewrites."""
    folder = posixpath.dirname(source) or "."

    def link_to(path: str, anchor: str | None) -> str:
        return posixpath.relpath(path, folder) + (f"#{anchor}" if anchor else "")

    return link_to


def _cite(formatter: biblio.Formatter, match: re.Match[str]) -> str:
    """One `[@key, p. 12]` as its APA citation; anything unparsable stays as written."""
    citations = list(biblio.find(match.group(0)))
    if not citations:
        return match.group(0)
    try:
        return formatter.cite(citations[0])
    except Exception as error:  # noqa: BLE001 - citeproc's errors on data it cannot format
        raise CitationError(match.group(0), f"{type(error).__name__}: {error}") from None
