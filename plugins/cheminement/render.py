"""Views -> HTML fragments, through our Jinja templates, with autoescape on.

MkDocs's own Jinja environment has autoescape off; ours has it on, so every value that
comes from a learner's note is escaped by default. Links are computed by a `url_for`
callable given by the engine adapter, so this module knows nothing about MkDocs URLs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import jinja2

from .dates import PartialDate
from .messages import message, plural
from .model import Kind, Note, Referentiel
from .settings import Settings
from .views import CompetenceView, Views

UrlFor = Callable[[str], str]


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
    ) -> None:
        self.settings = settings
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
        )
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
            competence_index_path=settings.competence_index,
            previewed=previewed,
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

    def _context(self, url_for: UrlFor) -> dict[str, object]:
        return {
            "url": url_for,
            "note_url": lambda note: url_for(note.path),
            "competence_url": lambda cid: url_for(self.settings.competence_page(cid)),
            "file_name": posixpath.basename,
            "host": lambda link: urlsplit(link).netloc,
        }

    def _render(self, template: str, url_for: UrlFor, **context: object) -> str:
        return self.env.get_template(template).render(**self._context(url_for), **context)

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
