"""The note format in one table: every front-matter key, its kinds, type, spellings and values.

`FIELDS` is the single definition of what a note may say. The checker (load.py) reads each
key by its `Value` type, and the editor files (editor.py: JSON Schemas, VS Code snippets)
are generated from the same entries, so a key or an allowed value added here is checked,
completed and documented at once, and the two can no longer disagree.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .model import Kind, fold

PARCOURS_TYPES = ("emploi", "formation", "stage", "benevolat", "projet", "certification", "autre")
REFLECTION_MODELS = ("gibbs", "kolb", "star", "schon", "quoi-et-alors")
# What a coach's feedback says of a competence: read and commented, or validated.
FEEDBACK_STATUSES = {
    "relue": "relue",
    "relu": "relue",
    "commentee": "relue",
    "reviewed": "relue",
    "validee": "validee",
    "valide": "validee",
    "validated": "validee",
}
ONGOING = ("en cours", "en-cours", "ongoing", "present", "aujourd'hui")
VISIBILITY_VALUES = {
    "public": "public",
    "publique": "public",
    "publie": "public",
    "prive": "prive",
    "privee": "prive",
    "private": "prive",
}


class Value(enum.StrEnum):
    """What a key holds: how load.py reads it and how editor.py describes it."""

    TEXT = "text"  # one line of text; numbers are read as text, empty is allowed
    TEXTS = "texts"  # a text or a list of texts
    ID = "id"  # letters, digits and `_`, then also `.` and `-`
    KIND = "kind"  # `type` on a note that is not a path entry: the kind's name
    VISIBILITY = "visibility"  # one of `choices`; unreadable means private (load.py fails closed)
    BOOLEAN = "boolean"  # `true` or `false`, nothing else (`yes` is a word here)
    DATE = "date"  # a partial date: 2025, 2025-03, 2025-03-12
    END_DATE = "end-date"  # a date, or one of `choices` (« en cours »)
    CHOICE = "choice"  # one of `choices`, case and accents aside
    DOMAIN = "domain"  # a domain id of the référentiel (checked in check.py)
    LEVEL = "level"  # a label of the référentiel's scale, or its rank (checked in check.py)
    COMPETENCES = "competences"  # competence ids, or id: level
    STATUSES = "statuses"  # competence ids, or id: one of `choices` (a coach's feedback)
    REFS = "refs"  # one note id or a list of them (`kind/id` allowed)
    URL = "url"  # an http(s) address
    PATH = "path"  # a file of the portfolio, relative to the note
    PROFILE = "profile"  # the learner's profile on the home page (read by profile.py)


PAGE = None  # in `Field.kinds`: an ordinary page (not a note)
NOTES: frozenset[Kind | None] = frozenset(Kind)
EVERYWHERE: frozenset[Kind | None] = NOTES | {PAGE}


def _same(*values: str) -> Mapping[str, str]:
    return MappingProxyType({value: value for value in values})


@dataclass(frozen=True)
class Field:
    """One key of the front matter, for the kinds in `kinds`.

    A key may have several entries with disjoint kinds when its value differs by kind
    (`competences` holds levels on a récit and statuses on a feedback note). `choices` maps
    every accepted spelling, folded (`fold`), to the value it means; `aliases` are the other
    accepted spellings of the key itself (accents and case fold by themselves: `Début`).
    """

    key: str
    value: Value
    kinds: frozenset[Kind | None]
    required: frozenset[Kind] = frozenset()
    aliases: tuple[str, ...] = ()
    choices: Mapping[str, str] = field(default_factory=dict)
    example: str = "…"
    nullable: bool = True  # False: an empty value is a wrong type (`type:` names no kind)

    @property
    def values(self) -> tuple[str, ...]:
        """The canonical values of `choices`, in order: what messages and snippets offer."""
        return tuple(dict.fromkeys(self.choices.values()))

    @property
    def description(self) -> str:
        """The catalogue key describing this key (editors show it on hover)."""
        return f"schema.key.{self.key}"


_P, _R, _T, _C, _F = Kind.PARCOURS, Kind.RECIT, Kind.TRACE, Kind.COMPETENCE, Kind.RETOUR

# In the order messages list them: the common keys, then each kind's own keys.
FIELDS: tuple[Field, ...] = (
    Field("id", Value.ID, EVERYWHERE, example="mon-identifiant"),
    Field("type", Value.CHOICE, frozenset({_P}), aliases=("kind",), choices=_same(*PARCOURS_TYPES), example="emploi",
          nullable=False),
    Field("type", Value.KIND, EVERYWHERE - {_P}, aliases=("kind",), example="recit", nullable=False),
    Field("titre", Value.TEXT, EVERYWHERE, aliases=("title",), example="Mon titre"),
    Field("visibilite", Value.VISIBILITY, EVERYWHERE, aliases=("visibility",),
          choices=MappingProxyType(VISIBILITY_VALUES), example="prive"),
    Field("draft", Value.BOOLEAN, EVERYWHERE, aliases=("brouillon",), example="true"),
    Field("tags", Value.TEXTS, EVERYWHERE, example="[mot-cle]"),
    Field("resume", Value.TEXT, EVERYWHERE, aliases=("summary",), example="Une ligne de résumé."),
    Field("a_la_une", Value.BOOLEAN, EVERYWHERE, aliases=("featured", "highlight"), example="true"),
    Field("dossier", Value.BOOLEAN, EVERYWHERE, example="true"),
    Field("aliases", Value.TEXTS, EVERYWHERE, example="[Autre nom]"),
    Field("profil", Value.PROFILE, frozenset({PAGE})),
    Field("organisation", Value.TEXT, frozenset({_P}), aliases=("organization",), example="Nom de l'organisation"),
    Field("lieu", Value.TEXT, frozenset({_P}), aliases=("location", "place"), example="Ville"),
    Field("debut", Value.DATE, frozenset({_P}), required=frozenset({_P}), aliases=("start",), example="2024-09"),
    Field("fin", Value.END_DATE, frozenset({_P}), aliases=("end",), choices=_same(*ONGOING), example="2025-06"),
    Field("auteur", Value.TEXT, frozenset({_F}), required=frozenset({_F}), aliases=("author",), example="Prénom Nom"),
    Field("date", Value.DATE, frozenset({_R, _T, _F}), required=frozenset({_R, _F}), example="2025-03-12"),
    Field("sur", Value.REFS, frozenset({_F}), required=frozenset({_F}), aliases=("about",),
          example="identifiant-de-la-note"),
    Field("fichier", Value.PATH, frozenset({_T}), aliases=("file",), example="attestation.pdf"),
    Field("lien", Value.URL, frozenset({_T}), aliases=("link", "url"), example="https://exemple.fr/article"),
    Field("competences", Value.COMPETENCES, frozenset({_P, _R, _T}), aliases=("skills", "competencies"),
          example="[ecoute-active]"),
    Field("competences", Value.STATUSES, frozenset({_F}), aliases=("skills", "competencies"),
          choices=MappingProxyType(FEEDBACK_STATUSES), example="{ecoute-active: validee}"),
    Field("relecture", Value.BOOLEAN, frozenset({_F}), example="true"),
    Field("parcours", Value.REFS, frozenset({_R}), example="[identifiant-du-parcours]"),
    Field("traces", Value.REFS, frozenset({_R}), aliases=("evidence",), example="[identifiant-de-la-trace]"),
    Field("modele", Value.CHOICE, frozenset({_R}), aliases=("model",), choices=_same(*REFLECTION_MODELS),
          example="gibbs"),
    Field("domaine", Value.DOMAIN, frozenset({_C}), aliases=("domain",), example="identifiant-du-domaine"),
    Field("description", Value.TEXT, frozenset({_T, _C}), example="Une phrase."),
    Field("niveau", Value.LEVEL, frozenset({_C}), aliases=("level",), example="Application"),
    Field("objectif", Value.LEVEL, frozenset({_C}), aliases=("target", "goal"), example="Maîtrise"),
)


def fields_of(kind: Kind | None) -> tuple[Field, ...]:
    """The keys a note of `kind` (None: an ordinary page) knows, in table order."""
    return tuple(f for f in FIELDS if kind in f.kinds)


def field_of(kind: Kind | None, key: str) -> Field | None:
    return next((f for f in fields_of(kind) if f.key == key), None)


def known_keys(kind: Kind | None) -> tuple[str, ...]:
    return tuple(f.key for f in fields_of(kind))


def required_keys(kind: Kind) -> tuple[str, ...]:
    return tuple(f.key for f in fields_of(kind) if kind in f.required)


# Every key a note of some kind knows (the page-only `profil` aside).
ALL_KEYS = tuple(dict.fromkeys(f.key for f in FIELDS if f.kinds & NOTES))
# Keys of which a note of the kind needs at least one, not empty: a trace's file or link.
ANY_OF_REQUIRED: dict[Kind, tuple[str, ...]] = {Kind.TRACE: ("fichier", "lien")}
# The other accepted spellings of keys, mostly English: `start` is `debut`.
ALIASES = {alias: f.key for f in FIELDS for alias in f.aliases}

# Obsidian's default properties that only change how Obsidian shows a note: accepted, unused.
EDITOR_KEYS = ("cssclasses",)

# Keys that MkDocs, Material or common plugins read: never "unknown". They are the keys
# engine_meta.py passes on to the engine, checked (`title` and `author` are spelt `titre`
# and `auteur` here, their canonical form); any other key never reaches the theme.
# Material: title, description, author, tags, template, hide, icon, status, subtitle,
# search, comments, social; its blog: authors, categories, slug, pin, links, readtime;
# mkdocs-macros: render_macros.
ENGINE_KEYS = (
    "template", "hide", "search", "icon", "status", "subtitle", "render_macros",
    "comments", "description", "authors", "categories", "slug", "pin", "links",
    "social", "readtime",
)

KIND_NAMES = {
    "parcours": Kind.PARCOURS,
    "recit": Kind.RECIT,
    "recits": Kind.RECIT,
    "trace": Kind.TRACE,
    "traces": Kind.TRACE,
    "competence": Kind.COMPETENCE,
    "competences": Kind.COMPETENCE,
    "retour": Kind.RETOUR,
    "retours": Kind.RETOUR,
}

# Keys a learner writes on the wrong kind, and what they meant there.
LIKELY_MEANT: dict[tuple[Kind | None, str], str] = {
    (Kind.PARCOURS, "date"): "debut",
    (Kind.RECIT, "debut"): "date",
    (Kind.TRACE, "debut"): "date",
}

# The keys that decide visibility, and what a misspelling of them looks like: a key close
# to one of these (case and accents aside) is an error and keeps the note private. Other
# generators' keys (Jekyll's `published: false`, `hidden: true`) count when spelt exactly:
# `hidde` is closer to Material's `hide` than to a visibility.
VISIBILITY_KEYS = ("visibilite", "draft")
VISIBILITY_LOOKALIKES = (
    "visibilite", "visibility", "draft", "brouillon", "prive", "privee", "private", "public", "publique",
)
FOREIGN_VISIBILITY_KEYS = ("published", "hidden")

# -- Patterns shared by the checker and the JSON Schemas --------------------------------------
# Written in the syntax Python's `re` and JavaScript's RegExp (with or without the `u` flag)
# read alike: editors and validators of JSON Schemas run JavaScript.

URL_PATTERN = r"https?://[^\s/]+\S*"
# A date as dates.PartialDate.parse accepts it, calendar included (no 30 February, 29
# February in leap years only, no year 0000), a full date optionally with a time, as
# Obsidian or YAML write it (`2024-03-12T10:30`, `2024-03-12 10:30:00+01:00`). A test
# compares it with PartialDate.parse on every day of several years, the invalid ones
# around them and times of every form.
_YEAR = "(?!0000)[0-9]{4}"
_LEAP_YEAR = "(?!0000)(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_MONTH_31 = "(?:0?[13578]|1[02])"
_MONTH_30 = "(?:0?[469]|11)"
_DAY_31 = "(?:0?[1-9]|[12][0-9]|3[01])"
_DAY_30 = "(?:0?[1-9]|[12][0-9]|30)"
_DAY_28 = "(?:0?[1-9]|1[0-9]|2[0-8])"
_TIME = (  # a second of 60 is a leap second
    "(?:[Tt]|[ \t]+)(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::(?:[0-5][0-9]|60)(?:[.,][0-9]+)?)?"
    "(?:[ \t]*(?:[Zz]|[-+](?:[01]?[0-9]|2[0-3])(?::?[0-5][0-9])?))?"
)
DATE_PATTERN = (
    rf"^\s*(?:{_LEAP_YEAR}-0?2-29(?:{_TIME})?"
    rf"|{_YEAR}(?:-(?:{_MONTH_31}(?:-{_DAY_31}(?:{_TIME})?)?|{_MONTH_30}(?:-{_DAY_30}(?:{_TIME})?)?"
    rf"|0?2(?:-{_DAY_28}(?:{_TIME})?)?))?)\s*$"
)
YEARS = (1000, 9999)  # a date written as a bare number: `date: 2024`


def canonical_key(key: str) -> str:
    """The canonical spelling of a key: `Début` -> `debut`, `skills` -> `competences`."""
    folded = fold(key)
    return ALIASES.get(folded, folded)
