"""The dossier for a jury: which notes it holds (its selection) and where each one goes.

A portfolio of a thousand notes must not give a thousand-page dossier: the learner marks
notes (`dossier: true`) or selects competences and dates (`selection_dossier:` in
mkdocs.yml, or `cheminement dossier --competence … --depuis … --jusqu-a …`). The plan then
puts every note in one place only: in full at its first competence (référentiel order), as
a short reference at the others, and the coach's feedback next to what it comments.

Engine-free: the plugin hands in the options and the views, the renderer gets a `Plan`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

from .dates import PartialDate
from .load import did_you_mean
from .model import Domain, Kind, Note, Parcours, Portfolio, Problem, Retour, Severity, fold
from .settings import DossierSelection, Settings
from .views import CompetenceView, Views

# The command line hands its selection to the build through the environment (JSON).
SELECTION_VARIABLE = "CHEMINEMENT_DOSSIER_SELECTION"
COMMAND = "cheminement dossier"
KEYS = ("competences", "depuis", "jusqu_a")
ALIASES = {"competence": "competences", "since": "depuis", "jusqua": "jusqu_a", "until": "jusqu_a"}
# How each key is written where the learner wrote it, to name it in a message.
CONFIG_NAMES = {key: f"selection_dossier.{key}" for key in KEYS}
COMMAND_NAMES = {"competences": "--competence", "depuis": "--depuis", "jusqu_a": "--jusqu-a"}
# Without a choice the dossier holds every public note: a reasonable book for a small
# portfolio; past this many notes, hundreds of pages nobody asked for, and a second copy of
# every page to build on each save. It is then built only when asked (`wanted`).
WHOLE_LIMIT = 100


class SelectionError(Exception):
    """A selection that cannot be read: the problem names the file (or command) and key."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem

    def describe(self, lang: str) -> str:
        return self.problem.describe(lang)


def _error(where: str, code: str, params: dict[str, Any], fix: str, **fix_params: Any) -> SelectionError:
    return SelectionError(Problem(where, None, Severity.ERROR, code, params, ((fix, fix_params),)))


def read_selection(option: object, variable: str | None = None, config_file: str = "mkdocs.yml") -> DossierSelection:
    """The selection of mkdocs.yml, each key the command line gives replacing its own.

    `variable` is the JSON the command line puts in SELECTION_VARIABLE.
    """
    configured = _parse(option, config_file, CONFIG_NAMES)
    if not variable:
        return _ordered(configured, config_file, CONFIG_NAMES)
    try:
        given = _parse(json.loads(variable), COMMAND, COMMAND_NAMES)
    except json.JSONDecodeError:
        raise _error(COMMAND, "dossier.sel.not-mapping", {"key": SELECTION_VARIABLE}, "dossier.sel.not-mapping.fix") from None
    merged = DossierSelection(given.competences or configured.competences,
                              given.since or configured.since, given.until or configured.until)
    return _ordered(merged, COMMAND, COMMAND_NAMES)


def command_line(competences: tuple[str, ...], since: str | None, until: str | None) -> str:
    """The command line's selection as SELECTION_VARIABLE holds it, checked first."""
    raw: dict[str, object] = {"competences": list(competences), "depuis": since, "jusqu_a": until}
    raw = {key: value for key, value in raw.items() if value}
    _ordered(_parse(raw, COMMAND, COMMAND_NAMES), COMMAND, COMMAND_NAMES)
    return json.dumps(raw, ensure_ascii=False)


def _parse(raw: object, where: str, names: dict[str, str]) -> DossierSelection:
    if raw is None or raw == {}:
        return DossierSelection()
    if not isinstance(raw, dict):
        raise _error(where, "dossier.sel.not-mapping", {"key": "selection_dossier"}, "dossier.sel.not-mapping.fix")
    values: dict[str, Any] = {}
    for raw_key, value in raw.items():
        key = fold(str(raw_key)).replace("-", "_").replace(" ", "_")
        key = ALIASES.get(key.replace("_", ""), ALIASES.get(key, key))
        if key not in KEYS:
            guess = did_you_mean(str(raw_key), KEYS)
            if guess:
                raise _error(where, "dossier.sel.unknown-key", {"key": raw_key}, "dossier.sel.unknown-key.fix",
                             known=", ".join(KEYS), guess=guess)
            raise _error(where, "dossier.sel.unknown-key", {"key": raw_key}, "dossier.sel.keys", known=", ".join(KEYS))
        if key == "competences":
            values[key] = _competences(value, where, names[key])
        elif value is not None and value != "":
            try:
                values[key] = PartialDate.parse(value)
            except ValueError:
                raise _error(where, "dossier.sel.bad-date", {"key": names[key], "value": value},
                             "dossier.sel.bad-date.fix") from None
    return DossierSelection(values.get("competences", ()), values.get("depuis"), values.get("jusqu_a"))


def _competences(value: object, where: str, name: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if items is None:
        return ()
    if not isinstance(items, list) or not all(isinstance(item, str) and item.strip() for item in items):
        raise _error(where, "dossier.sel.bad-competences", {"key": name}, "dossier.sel.bad-competences.fix")
    return tuple(dict.fromkeys(item.strip() for item in items))


def _ordered(selection: DossierSelection, where: str, names: dict[str, str]) -> DossierSelection:
    if selection.since and selection.until and selection.since.start > _last_day(selection.until):
        raise _error(where, "dossier.sel.reversed", {"since": names["depuis"], "until": names["jusqu_a"],
                                                     "start": selection.since.iso, "end": selection.until.iso},
                     "dossier.sel.reversed.fix")
    return selection


def check_competences(selection: DossierSelection, known: list[str], variable: str | None = None,
                      config_file: str = "mkdocs.yml") -> None:
    """Every selected competence is one of the référentiel's, or a clear error naming where
    it was written (the command line's, in `variable`, replace mkdocs.yml's)."""
    try:
        from_command = bool(variable) and "competences" in json.loads(variable or "{}")
    except json.JSONDecodeError:
        from_command = False
    where, names = (COMMAND, COMMAND_NAMES) if from_command else (config_file, CONFIG_NAMES)
    for cid in selection.competences:
        if cid not in known:
            guess = did_you_mean(cid, known)
            fix, hint = (("dossier.sel.unknown-competence.fix", {"guess": guess}) if guess else
                         ("dossier.sel.unknown-competence.known", {"known": ", ".join(sorted(known)[:20])}))
            raise _error(where, "dossier.sel.unknown-competence", {"key": names["competences"], "value": cid},
                         fix, **hint)


# -- Whether the site has a dossier at all --------------------------------------------------------


def wanted(settings: Settings, public: Portfolio, variable: str | None) -> bool:
    """Whether the build makes the dossier page: when the learner asked for one, or when
    the whole portfolio makes a reasonable one.

    Asked: a selection (mkdocs.yml or the command line), notes marked `dossier: true`, a
    dossier page of their own (its introduction), or `cheminement dossier` running (it
    always sets `variable`, SELECTION_VARIABLE, even to an empty selection). Otherwise only
    while the portfolio holds at most WHOLE_LIMIT notes (competence pages aside).
    """
    if not settings.dossier_page:
        return False
    if variable is not None or settings.dossier_selection.is_set:
        return True
    if any(page.path == settings.dossier_page for page in public.pages):
        return True
    notes = [n for n in public.notes if n.kind is not Kind.COMPETENCE]
    return len(notes) <= WHOLE_LIMIT or any(n.in_dossier for n in notes)


# -- Dates: a note is in the selected period when its own period meets it ----------------------


def _last_day(date: PartialDate) -> dt.date:
    """The last day of a partial date's period: 2025-06 ends on 30 June."""
    if date.day is not None:
        return date.start
    if date.month is None:
        return dt.date(date.year, 12, 31)
    following = dt.date(date.year + date.month // 12, date.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _period(note: Note, today: dt.date) -> tuple[dt.date, dt.date] | None:
    if isinstance(note, Parcours) and note.start:
        end = today if note.ongoing else _last_day(note.end or note.start)
        return note.start.start, max(end, note.start.start)
    date = note.sort_date
    return (date.start, _last_day(date)) if date else None


def _matches(note: Note, selection: DossierSelection, today: dt.date) -> bool:
    if selection.competences:
        about = {ref.id for ref in note.competences}
        if isinstance(note, Retour) and note.about:
            about.add(note.about.id.rsplit("/", 1)[-1])
        if not about & set(selection.competences):
            return False
    if selection.since or selection.until:
        period = _period(note, today)
        if period is None:
            return False
        if selection.since and period[1] < selection.since.start:
            return False
        if selection.until and period[0] > _last_day(selection.until):
            return False
    return True


# -- The plan ---------------------------------------------------------------------------------


@dataclass
class Entry:
    """A note under a competence: in full where it first appears, else a short reference."""

    note: Note
    level: int | None
    full: bool


@dataclass
class Section:
    view: CompetenceView
    entries: list[Entry] = field(default_factory=list)
    feedback: list[Retour] = field(default_factory=list)  # about the competence itself


@dataclass
class Part:
    domain: Domain
    sections: list[Section]


@dataclass
class Plan:
    """What the dossier holds, in its reading order."""

    selection: DossierSelection
    marked: bool  # some notes are marked `dossier: true`
    notes: list[Note]  # every note in the dossier, feedback included
    published: int  # the public notes it was chosen from
    parcours: list[Note]
    parts: list[Part]
    others: list[Note]  # in full, after the competences: linked to none of those shown
    feedback_on: dict[tuple[Kind, str], list[Retour]]  # printed after the note in full
    feedback_alone: list[Retour]
    anchors: dict[tuple[Kind, str], str]

    @property
    def shown(self) -> set[str]:
        """The competences that have a section."""
        return {s.view.id for part in self.parts for s in part.sections}

    @property
    def is_selection(self) -> bool:
        return self.marked or self.selection.is_set

    def anchor(self, note: Note) -> str:
        return self.anchors[note.key]

    def printed(self) -> list[Note]:
        """The notes whose text is printed (not parcours, which are a list), each once."""
        full = [e.note for part in self.parts for s in part.sections for e in s.entries if e.full]
        feedback = [r for part in self.parts for s in part.sections for r in s.feedback]
        feedback += [r for items in self.feedback_on.values() for r in items] + self.feedback_alone
        return [*full, *self.others, *feedback]


def _oldest_first(notes: list[Note]) -> list[Note]:
    return sorted(notes, key=lambda n: (n.sort_date is None, n.sort_date.start if n.sort_date else dt.date.min,
                                        n.title.lower()))


def plan(views: Views, selection: DossierSelection, today: dt.date) -> Plan:
    """Which notes the dossier holds, and where each is printed (see the module's docstring).

    Marked notes are always in; with competences or dates given, the notes that match them
    too; with neither, every public note. Feedback follows what it comments on.
    """
    candidates = [n for n in views.notes.values() if n.kind is not Kind.COMPETENCE]
    marked = any(n.in_dossier for n in candidates)
    everything = not marked and not selection.is_set
    chosen = {n.key for n in candidates
              if everything or n.in_dossier or (selection.is_set and _matches(n, selection, today))}
    evidence = {n.key for n in candidates if n.key in chosen and n.kind is not Kind.RETOUR}
    if selection.competences:
        shown = set(selection.competences)
    elif everything:
        shown = set(views.competences)
    else:
        shown = {cid for cid, view in views.competences.items() if any(e.note.key in evidence for e in view.evidence)}

    printed: set[tuple[Kind, str]] = set()
    sections: dict[str, Section] = {}
    parts = []
    for dv in views.domains:
        rows = []
        for view in dv.competences:
            if view.id not in shown:
                continue
            section = sections[view.id] = Section(view)
            for item in view.evidence:
                if item.note.key not in evidence:
                    continue
                in_full = item.note.kind is not Kind.PARCOURS and item.note.key not in printed
                if in_full:
                    printed.add(item.note.key)
                section.entries.append(Entry(item.note, item.level, in_full))
            rows.append(section)
        if rows:
            parts.append(Part(dv.domain, rows))

    kept = [n for n in candidates if n.key in evidence]
    parcours = _oldest_first([n for n in kept if n.kind is Kind.PARCOURS])
    others = _oldest_first([n for n in kept if n.kind is not Kind.PARCOURS and n.key not in printed])
    full = printed | {n.key for n in others}

    feedback_on: dict[tuple[Kind, str], list[Retour]] = {}
    alone: list[Retour] = []
    in_dossier: list[Retour] = []
    for retour in _oldest_first([n for n in candidates if isinstance(n, Retour)]):
        assert isinstance(retour, Retour)
        target = views.about(retour)
        statuses = {ref.id for ref in retour.competences}
        if isinstance(target, Note) and target.key in full:
            feedback_on.setdefault(target.key, []).append(retour)
        elif isinstance(target, CompetenceView) and target.id in sections:
            sections[target.id].feedback.append(retour)
        elif statuses & sections.keys():
            sections[next(cid for cid in sections if cid in statuses)].feedback.append(retour)
        elif retour.key in chosen or (isinstance(target, Note) and target.key in chosen):
            alone.append(retour)
        else:
            continue  # about nothing the dossier shows, and not selected itself
        in_dossier.append(retour)

    notes = [*kept, *in_dossier]
    return Plan(
        selection=selection, marked=marked, notes=notes, published=len(candidates),
        parcours=parcours, parts=parts, others=others, feedback_on=feedback_on, feedback_alone=alone,
        anchors=_anchors(notes),
    )


def _anchors(notes: list[Note]) -> dict[tuple[Kind, str], str]:
    """An id for each note in the dossier, readable and unique whatever its id holds."""
    anchors: dict[tuple[Kind, str], str] = {}
    taken: set[str] = set()
    for note in notes:
        base = f"dossier-{note.kind.value}-{slugify(note.id) or 'note'}"
        anchor, count = base, 1
        while anchor in taken:
            count += 1
            anchor = f"{base}-{count}"
        taken.add(anchor)
        anchors[note.key] = anchor
    return anchors
