"""Views -> HTML fragments, through our Jinja templates, with autoescape on.

MkDocs's own Jinja environment has autoescape off; ours has it on, so every value that
comes from a learner's note is escaped by default. Links are computed by a `url_for`
callable given by the engine adapter, so this module knows nothing about MkDocs URLs.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import jinja2

from .dates import PartialDate
from .messages import message, plural
from slugify import slugify as slug

from .biblio import Formatter, anchor, authors
from .changes import Changed, Since
from .model import Kind, Note, Referentiel, Retour, fold
from .profile import Profile
from .settings import Settings
from .views import Citations, CompetenceView, Views

UrlFor = Callable[[str], str]

_HEADING = re.compile(r"<(/?)h([1-6])\b")
_LEADING_H1 = re.compile(r"^\s*<h1\b.*?</h1>", re.DOTALL)


def lower_headings(html: str, by: int) -> str:
    """Shift headings down (h2 -> h3) so a fragment nests under the page's own headings."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + by, 6)}", html)


def _without_h1(html: str) -> str:
    return _LEADING_H1.sub("", html, count=1)


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    level: int
    label: str


class Renderer:
    """Renders our templates for one build; `search_path` lets a theme override them."""

    def __init__(
        self,
        search_path: Sequence[str],
        settings: Settings,
        referentiel: Referentiel,
        views: Views,
        previewed: frozenset[str] = frozenset(),
        profile: Profile | None = None,
    ) -> None:
        self.settings = settings
        self.profile = profile or Profile()
        self.lang = settings.lang
        self.scale = referentiel.scale
        self.referentiel = referentiel
        self.views = views
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(list(search_path)),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=False,  # one build, templates do not change under us
        )
        # The page being rendered: macros reach links through these globals, so they can be
        # imported without context, which lets Jinja cache them across renders.
        self._url_for: UrlFor = lambda path: path
        self.env.globals.update(
            t=lambda key, **params: message(key, self.lang, **params),
            plural=lambda key, n: plural(key, n, self.lang),
            date=self.date,
            level=self.level,
            kind_label=lambda kind: message(f"kind.{Kind(kind).value}", self.lang),
            Kind=Kind,
            lang=self.lang,
            scale=self.scale,
            views=views,
            profile=self.profile,
            today=settings.today,
            competence_index_path=settings.competence_index,
            previewed=previewed,
            url=lambda path: self._url_for(path),
            note_url=lambda note: self._url_for(note.path),
            competence_url=lambda cid: self._url_for(settings.competence_page(cid)),
            file_name=posixpath.basename,
            host=lambda link: urlsplit(link).netloc,
        )
        self.env.filters.update(
            parcours_note=lambda ident: views.notes.get((Kind.PARCOURS, ident)),
            trace_note=lambda ident: views.notes.get((Kind.TRACE, ident)),
        )

    # Helpers available in templates ----------------------------------------------------

    def date(self, value: PartialDate | None) -> str:
        return value.display(self.lang) if value else ""

    def level(self, rank: int | None) -> str:
        if not rank:
            return message("ui.no-level", self.lang)
        return message("ui.level", self.lang, label=self.scale.label(rank), rank=rank, count=len(self.scale.labels))

    def _render(self, template: str, url_for: UrlFor, **context: object) -> str:
        self._url_for = url_for
        return self.env.get_template(template).render(**context)

    # Pages ---------------------------------------------------------------------------

    def competence_index(self, url_for: UrlFor) -> str:
        views = self.views
        total = len(views.competences)
        return self._render(
            "cheminement/competences.html", url_for,
            referentiel=self.referentiel, covered=total - len(views.uncovered), total=total,
        )

    def competence_header(self, view: CompetenceView, url_for: UrlFor) -> str:
        return self._render("cheminement/competence.html", url_for, view=view)

    def competence_evidence(self, view: CompetenceView, url_for: UrlFor) -> str:
        return self._render("cheminement/competence-evidence.html", url_for, view=view, chart=self.chart(view))

    def timeline(self, url_for: UrlFor) -> str:
        return self._render("cheminement/chronologie.html", url_for)

    def listing(self, kind: Kind, url_for: UrlFor) -> str:
        return self._render("cheminement/liste.html", url_for, kind=kind, notes=self.views.listing(kind))

    def note_header(self, note: Note, url_for: UrlFor) -> str:
        return self._render("cheminement/fiche.html", url_for, note=note)

    def note_footer(self, note: Note, url_for: UrlFor) -> str:
        return self._render("cheminement/cite-dans.html", url_for, note=note,
                            sources=self.views.backlinks.get(note.key, []))

    def feedback(self, retours: Sequence[Retour], url_for: UrlFor, bodies: dict[str, str]) -> str:
        """The coach's feedback on a page; `bodies` holds each note's rendered Markdown."""
        return self._render("cheminement/retours.html", url_for, retours=retours, bodies=bodies)

    def changes(self, since: Since, changed: Changed, url_for: UrlFor) -> str:
        notes = {n.path: n for n in self.views.notes.values()}

        def newest_first(paths: list[str]) -> list[Note]:
            found = [notes[p] for p in paths if p in notes]
            return sorted(found, key=lambda n: n.sort_date.start if n.sort_date else dt.date.min, reverse=True)

        return self._render(
            "cheminement/nouveautes.html", url_for, since=since,
            new=newest_first(changed.new),
            changed=newest_first(changed.changed),
        )

    def dossier(self, url_for: UrlFor, content_of: Callable[[str], str], home: str) -> str:
        """The whole public portfolio on one page, in reading order, for print."""
        def oldest_first(kind: Kind) -> list[Note]:
            return list(reversed(self.views.listing(kind)))

        total = len(self.views.competences)
        return self._render(
            "cheminement/dossier.html", url_for,
            home=lower_headings(home, 1),
            competences=lower_headings(self.competence_index(url_for), 1) if total else "",
            timeline=lower_headings(self.timeline(url_for), 1),
            parts=[(kind, oldest_first(kind)) for kind in (Kind.PARCOURS, Kind.RECIT, Kind.TRACE, Kind.RETOUR)],
            content_of=lambda path: lower_headings(_without_h1(content_of(path)), 2),
        )

    def references(self, items: list[tuple[str, str]]) -> str:
        """The page's own « Références » section: the works it cites, in APA order."""
        return self._render("cheminement/references.html", lambda p: p, items=items, anchor=anchor)

    def bibliography(self, url_for: UrlFor, formatter: Formatter, citations: Citations) -> str:
        """Every work cited in the public portfolio, with the notes that cite it, and authors."""
        works = formatter.ordered(citations.cited_by)
        by_author: dict[str, list[str]] = {}
        for key, _ in works:
            for name in authors(formatter.entries[key]):
                by_author.setdefault(name, []).append(key)
        index = sorted(by_author.items(), key=lambda item: fold(item[0]))
        first_work = {name: keys[0] for name, keys in index}
        return self._render(
            "cheminement/bibliographie.html", url_for, works=works, authors=index, anchor=anchor,
            author_anchor=lambda name: "auteur-" + (slug(name) or "x"), first_work=first_work,
            work_authors=lambda key: authors(formatter.entries[key]), cited_by=citations.cited_by,
        )

    # The progression chart --------------------------------------------------------------

    def chart(self, view: CompetenceView, width: int = 640, row: int = 36, margin: int = 24, left: int = 150) -> list[ChartPoint]:
        """Points of the demonstrated levels, spread along time (x) and level (y)."""
        steps = view.progression
        if not steps:
            return []
        ordinals = [step.date.start.toordinal() for step in steps]  # type: ignore[union-attr]
        first, last = min(ordinals), max(ordinals)
        span = max(last - first, 1)
        levels = len(self.scale.labels)
        inner = width - left - margin
        points = []
        for step, ordinal in zip(steps, ordinals):
            x = left + (inner * (ordinal - first) / span if last > first else inner / 2)
            y = margin + row * (levels - step.level)  # type: ignore[operator]
            points.append(ChartPoint(round(x, 1), y, step.level, self.date(step.date)))  # type: ignore[arg-type]
        return points
