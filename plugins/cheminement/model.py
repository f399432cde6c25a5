"""The portfolio in memory: note kinds, the référentiel and problems. Plain dataclasses.

Nothing here knows about MkDocs, so the same portfolio can one day be published by another
engine. Paths are POSIX paths relative to the portfolio folder (MkDocs's `docs_dir`).
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .dates import PartialDate
from .messages import message, printable

# The suffixes MkDocs renders as pages (`mkdocs.utils.markdown_extensions`). Every file
# with one of them is a note to us, whatever its case: a private `x.markdown` read as an
# asset would be rendered and published by MkDocs without its visibility ever being read.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


def is_markdown(path: str) -> bool:
    """Whether a file is a Markdown note or page (any case: `X.MD` too, see load.py)."""
    return path.lower().endswith(MARKDOWN_SUFFIXES)


def markdown_stem(path: str) -> str:
    """The file name without its Markdown suffix: `recits/a.b.markdown` -> `a.b`."""
    name = path.rsplit("/", 1)[-1]
    lowered = name.lower()
    for suffix in MARKDOWN_SUFFIXES:
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


class Kind(enum.StrEnum):
    PARCOURS = "parcours"
    RECIT = "recit"
    TRACE = "trace"
    COMPETENCE = "competence"
    RETOUR = "retour"  # feedback from a coach


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    PRIVATE = "prive"


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower-case without accents: how labels, keys and levels are compared."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the portfolio, in terms a learner can act on.

    The text is kept as catalogue keys and parameters so that the same problem prints in
    French or English; `suggestion` may hold several keys, joined into one sentence.
    """

    file: str
    line: int | None
    severity: Severity
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    suggestions: tuple[tuple[str, dict[str, Any]], ...] = ()

    def message(self, lang: str = "fr") -> str:
        return message(self.code, lang, **self.params)

    def suggestion(self, lang: str = "fr") -> str:
        return " ".join(message(key, lang, **params) for key, params in self.suggestions)

    def describe(self, lang: str = "fr") -> str:
        """`file:line: message suggestion` on one line, safe to print on a terminal."""
        where = self.file + (f":{self.line}" if self.line else "")
        suggestion = self.suggestion(lang)
        return printable(f"{where}: {self.message(lang)}" + (f" {suggestion}" if suggestion else ""))

    def as_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message(lang),
            "suggestion": self.suggestion(lang),
        }

    @property
    def sort_key(self) -> tuple[str, int, str]:
        return (self.file, self.line or 0, self.code)


# -- Référentiel ------------------------------------------------------------------------


DEFAULT_SCALE = ("Découverte", "Application", "Maîtrise", "Expertise")


@dataclass
class Scale:
    """Ordered level labels; a level is written as a label or its rank (1 = first)."""

    labels: tuple[str, ...] = DEFAULT_SCALE

    def __post_init__(self) -> None:
        self._ranks = {fold(label): index for index, label in enumerate(self.labels, start=1)}

    def rank(self, value: object) -> int | None:
        """The 1-based rank of a level written as a label or a rank, or None if invalid."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value if 1 <= value <= len(self.labels) else None
        if isinstance(value, str):
            folded = fold(value)
            if folded.isascii() and folded.isdigit():
                return self.rank(int(folded))
            return self._ranks.get(folded)
        return None

    def label(self, rank: int) -> str:
        return self.labels[rank - 1]


@dataclass
class Competence:
    id: str
    title: str
    domain: str
    description: str = ""
    refs: dict[str, str] = field(default_factory=dict)
    line: int | None = None


@dataclass
class Domain:
    id: str
    title: str
    competences: list[Competence] = field(default_factory=list)
    framework: str = ""  # the id of the framework it belongs to ("" in a one-framework file)


@dataclass
class Framework:
    """One competence framework of a référentiel (the learner's, CRCN, DigComp…).

    A portfolio may hold several (`referentiels:` in referentiel.yml); each has its own scale,
    and a competence's level is read against the scale of the framework it belongs to.
    """

    id: str
    title: str = ""
    scale: Scale = field(default_factory=Scale)
    domains: list[Domain] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)  # e.g. {"rncp": "RNCP35137"}
    source: str = ""
    licence: str = ""


@dataclass
class Referentiel:
    """Every framework of the portfolio; `domains` and `competences` are the flat lists over
    all of them, `scale` the first framework's (the only one in a one-framework file)."""

    title: str = ""
    scale: Scale = field(default_factory=Scale)
    domains: list[Domain] = field(default_factory=list)
    path: str = "referentiel.yml"
    frameworks: list[Framework] = field(default_factory=list)  # empty or one: the v1 form

    @property
    def competences(self) -> dict[str, Competence]:
        return {c.id: c for d in self.domains for c in d.competences}

    def domain(self, domain_id: str) -> Domain | None:
        return next((d for d in self.domains if d.id == domain_id), None)

    @property
    def several(self) -> bool:
        """Whether the index groups domains under their framework's title."""
        return len(self.frameworks) > 1

    def framework(self, framework_id: str) -> Framework | None:
        return next((f for f in self.frameworks if f.id == framework_id), None)

    def scale_of_domain(self, domain_id: str) -> Scale:
        """The scale of the framework a domain belongs to; the first one's otherwise."""
        if self.several:
            domain = self.domain(domain_id)
            found = self.framework(domain.framework) if domain else None
            if found is not None:
                return found.scale
        return self.scale

    def scale_for(self, competence_id: str, domain_id: str = "") -> Scale:
        """The scale a competence's levels are read against: its framework's.

        `domain_id` places a competence the référentiel does not list (defined by its page).
        """
        if not self.several:
            return self.scale
        return self._scales().get(competence_id) or self._scales().get("\0" + domain_id) or self.scale

    def _scales(self) -> dict[str, Scale]:
        """Scale by competence id (and by "\\0" + domain id), built once: levels are read for
        every note, so a lookup must not walk the référentiel each time."""
        count = sum(len(d.competences) for d in self.domains) + len(self.domains)
        cached: tuple[int, dict[str, Scale]] | None = self.__dict__.get("_scale_cache")
        if cached is None or cached[0] != count:
            found: dict[str, Scale] = {}
            for domain in self.domains:
                scale = self.scale_of_domain(domain.id)
                found["\0" + domain.id] = scale
                found.update((c.id, scale) for c in domain.competences)
            cached = (count, found)
            self.__dict__["_scale_cache"] = cached
        return cached[1]

    def rank(self, competence_id: str, value: object) -> int | None:
        """A level written for a competence, as a rank of its framework's scale."""
        return self.scale_for(competence_id).rank(value)


# -- Notes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A reference from a note to another note or competence, where the learner wrote it."""

    id: str
    line: int | None = None
    level: object = None  # as written: a label, a rank or None


@dataclass(kw_only=True)
class Page:
    """Any Markdown file of the portfolio; notes are pages with a kind."""

    path: str
    title: str = ""
    body: str = ""
    body_line: int = 1
    visibility: Visibility | None = None  # as declared; publish.py decides
    meta: dict[str, Any] = field(default_factory=dict)
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    # What the publishing engine may see of the front matter (engine_meta.py): checked,
    # and escaped where the theme prints values raw. Never the learner's raw values.
    engine_meta: dict[str, Any] = field(default_factory=dict)

    def line_of(self, *path: str | int) -> int | None:
        return self.lines.get(tuple(path))


@dataclass(kw_only=True)
class Note(Page):
    kind: Kind
    id: str
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    competences: list[Ref] = field(default_factory=list)
    featured: bool = False  # `a_la_une: true`: shown on the home page
    in_dossier: bool = False  # `dossier: true`: part of the dossier's selection
    aliases: list[str] = field(default_factory=list)  # Obsidian's `aliases`: other names [[…]] may use

    @property
    def key(self) -> tuple[Kind, str]:
        return (self.kind, self.id)

    @property
    def sort_date(self) -> PartialDate | None:
        return None


@dataclass(kw_only=True)
class Parcours(Note):
    type: str | None = None
    organisation: str = ""
    place: str = ""
    start: PartialDate | None = None
    end: PartialDate | None = None
    ongoing: bool = False

    @property
    def sort_date(self) -> PartialDate | None:
        return self.start


@dataclass(kw_only=True)
class Recit(Note):
    date: PartialDate | None = None
    parcours: list[Ref] = field(default_factory=list)
    traces: list[Ref] = field(default_factory=list)
    model: str | None = None

    @property
    def sort_date(self) -> PartialDate | None:
        return self.date


@dataclass(kw_only=True)
class Trace(Note):
    date: PartialDate | None = None
    file: str | None = None  # resolved path relative to the portfolio
    link: str | None = None
    description: str = ""

    @property
    def sort_date(self) -> PartialDate | None:
        return self.date


@dataclass(kw_only=True)
class CompetencePage(Note):
    """The learner's own page about a competence: `competences/<id>.md`."""

    domain: str = ""
    description: str = ""
    level: object = None
    target: object = None


@dataclass(kw_only=True)
class Retour(Note):
    """Feedback from a coach on a note or a competence (`retours/`)."""

    author: str = ""
    date: PartialDate | None = None
    about: Ref | None = None  # the note or competence it is about, as written (`kind/id` allowed)
    review: bool = False  # `relecture: true`: the coach's review ends here (the next "since")

    @property
    def sort_date(self) -> PartialDate | None:
        return self.date


@dataclass
class Portfolio:
    """Everything read from one portfolio folder."""

    referentiel: Referentiel
    notes: list[Note] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)  # ordinary pages, not notes
    assets: list[str] = field(default_factory=list)  # every other file

    def of_kind(self, kind: Kind) -> list[Note]:
        return [note for note in self.notes if note.kind is kind]

    @property
    def competences(self) -> dict[str, Competence]:
        """The référentiel's competences plus those a competence page defines."""
        known = self.referentiel.competences
        for note in self.of_kind(Kind.COMPETENCE):
            assert isinstance(note, CompetencePage)
            if note.id not in known and note.domain and self.referentiel.domain(note.domain):
                known[note.id] = Competence(note.id, note.title, note.domain, note.description)
        return known

    def index(self) -> dict[tuple[Kind, str], Note]:
        """Notes by (kind, id); with duplicate ids the first file in path order wins."""
        found: dict[tuple[Kind, str], Note] = {}
        for note in sorted(self.notes, key=lambda n: n.path):
            found.setdefault(note.key, note)
        return found
