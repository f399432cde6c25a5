"""Derived data over the public portfolio: competence index, evidence, timeline, backlinks.

Everything is computed in one pass over the notes (no per-competence or per-note scans), so
the cost stays linear in the size of the portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from . import wikilinks
from .dates import PartialDate
from .model import (
    Competence,
    CompetencePage,
    Domain,
    Kind,
    Note,
    Parcours,
    Portfolio,
    Recit,
    Trace,
)
from .settings import Settings


@dataclass
class Evidence:
    """A public note that supports a competence, with the level it demonstrates."""

    note: Note
    level: int | None

    @property
    def date(self) -> PartialDate | None:
        return self.note.sort_date


@dataclass
class CompetenceView:
    competence: Competence
    domain: Domain
    page: CompetencePage | None = None
    self_level: int | None = None
    target_level: int | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.competence.id

    def count(self, kind: Kind) -> int:
        return sum(1 for e in self.evidence if e.note.kind is kind)

    @property
    def last_date(self) -> PartialDate | None:
        dates = [e.date for e in self.evidence if e.date]
        return max(dates) if dates else None

    @property
    def progression(self) -> list[Evidence]:
        """Demonstrated levels in date order: the growth of this competence over time."""
        return sorted((e for e in self.evidence if e.level and e.date), key=lambda e: e.date)  # type: ignore[arg-type, return-value]

    @property
    def latest_level(self) -> int | None:
        steps = self.progression
        return steps[-1].level if steps else None


@dataclass
class DomainView:
    domain: Domain
    competences: list[CompetenceView]


@dataclass
class TimelineEntry:
    note: Note
    start: PartialDate
    end: PartialDate | None = None
    ongoing: bool = False


@dataclass
class TimelineYear:
    year: int
    entries: list[TimelineEntry]


@dataclass
class Views:
    domains: list[DomainView]
    competences: dict[str, CompetenceView]
    timeline: list[TimelineYear]
    backlinks: dict[tuple[Kind, str], list[Note]]
    notes: dict[tuple[Kind, str], Note]
    undated: list[Note]

    @property
    def uncovered(self) -> list[CompetenceView]:
        """Competences no public note supports yet: where a coach may start a conversation."""
        return [view for domain in self.domains for view in domain.competences if not view.evidence]

    def listing(self, kind: Kind) -> list[Note]:
        """The notes of one kind, most recent first (undated last, then by title)."""
        notes = [n for n in self.notes.values() if n.kind is kind]
        notes.sort(key=lambda n: n.title.lower())
        notes.sort(key=lambda n: n.sort_date.start if n.sort_date else PartialDate(1).start, reverse=True)
        return notes


def build(public: Portfolio, settings: Settings, newest_first: bool = True) -> Views:
    """Compute every view from the public portfolio only."""
    notes = public.index()
    scale = public.referentiel.scale
    competences = public.competences

    views: dict[str, CompetenceView] = {}
    domain_views: list[DomainView] = []
    for domain in public.referentiel.domains:
        members = [c for c in competences.values() if c.domain == domain.id]
        dv = DomainView(domain, [CompetenceView(c, domain) for c in members])
        views.update((v.id, v) for v in dv.competences)
        domain_views.append(dv)

    for note in notes.values():
        if isinstance(note, CompetencePage) and note.id in views:
            view = views[note.id]
            view.page = note
            view.self_level = scale.rank(note.level) if note.level is not None else None
            view.target_level = scale.rank(note.target) if note.target is not None else None
            continue
        seen: set[str] = set()
        for ref in note.competences:
            if ref.id in views and ref.id not in seen:
                seen.add(ref.id)
                level = scale.rank(ref.level) if ref.level is not None else None
                views[ref.id].evidence.append(Evidence(note, level))
    for view in views.values():
        view.evidence.sort(key=lambda e: (e.date.start if e.date else PartialDate(1).start, e.note.title))

    return Views(
        domains=domain_views,
        competences=views,
        timeline=_timeline(notes.values(), newest_first),
        backlinks=_backlinks(public, notes, settings),
        notes=notes,
        undated=[n for n in notes.values() if n.kind is not Kind.COMPETENCE and n.sort_date is None],
    )


def _timeline(notes: object, newest_first: bool) -> list[TimelineYear]:
    entries: list[TimelineEntry] = []
    for note in notes:  # type: ignore[attr-defined]
        if isinstance(note, Parcours) and note.start:
            entries.append(TimelineEntry(note, note.start, note.end, note.ongoing))
        elif isinstance(note, (Recit, Trace)) and note.date:
            entries.append(TimelineEntry(note, note.date))
    entries.sort(key=lambda e: (e.start, e.note.title.lower()), reverse=newest_first)
    return [
        TimelineYear(year, list(group))
        for year, group in groupby(entries, key=lambda e: e.start.year)
    ]


def _backlinks(public: Portfolio, notes: dict[tuple[Kind, str], Note], settings: Settings) -> dict[tuple[Kind, str], list[Note]]:
    """For each note, the public notes that cite it by a key or a [[link]] in their text."""
    index = wikilinks.LinkIndex(public, settings.folders)
    found: dict[tuple[Kind, str], list[Note]] = {}

    def add(target: tuple[Kind, str], source: Note) -> None:
        if target in notes and target != source.key:
            bucket = found.setdefault(target, [])
            if source not in bucket:
                bucket.append(source)

    for note in notes.values():
        if isinstance(note, Recit):
            for ref in note.parcours:
                add((Kind.PARCOURS, ref.id), note)
            for ref in note.traces:
                add((Kind.TRACE, ref.id), note)
        for link in wikilinks.find(note.body):
            targets = index.resolve(link.target)
            if targets and targets[0].kind is not Kind.COMPETENCE:
                add((targets[0].kind, targets[0].id), note)
    for sources in found.values():
        sources.sort(key=lambda n: n.sort_date.start if n.sort_date else PartialDate(1).start, reverse=True)
    return found
