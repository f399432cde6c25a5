"""Values only the learner can give, left visibly unfilled: `niveau: À compléter`.

`cheminement new` used to guess what it could not know (the first level of the scale,
`type: autre`, today as the start of a job) and the guess went out as the learner's word.
It now writes one unmistakable value, the catalogue's `placeholder.value` (« À compléter »,
"To fill in"), with the allowed values in a YAML comment on the same line; `check` reports
each one left as an error, with those values as the fix, so no site publishes it. Either
language's spelling is recognised whatever the portfolio's language, and so is a learner's
own `A_COMPLETER`: case, accents and punctuation aside.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .messages import LANGUAGES, message
from .model import CompetencePage, Kind, Note, Portfolio, Problem, Scale, Severity, fold
from .schema import Value, field_of

Fix = tuple[str, dict[str, Any]]


def _words(text: str) -> str:
    """Text reduced to its words: `À compléter`, `A_COMPLETER` and `à compléter.` are alike."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


_SPELLINGS = frozenset(_words(message("placeholder.value", lang)) for lang in LANGUAGES)


def placeholder(lang: str) -> str:
    """The value `new` writes where only the learner can answer."""
    return message("placeholder.value", lang)


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and _words(value) in _SPELLINGS


def _choices(kind: Kind, key: str, nested: bool, scale: Scale) -> tuple[str, ...] | None:
    """The values a key (or, `nested`, a competence under it) accepts, when they are a list."""
    entry = field_of(kind, key)
    if entry is None:
        return None
    if entry.value is Value.LEVEL or (nested and entry.value is Value.COMPETENCES):
        return scale.labels
    if entry.value in (Value.CHOICE, Value.STATUSES, Value.VISIBILITY):
        return entry.values
    if entry.value is Value.BOOLEAN:
        return ("true", "false")
    return None


def _kind_of_value(kind: Kind, key: str) -> str:
    """`date`, `end` or `text`: how a value that is not a list of choices is described."""
    entry = field_of(kind, key)
    return {Value.DATE: "date", Value.END_DATE: "end"}.get(entry.value, "text") if entry else "text"


def comment(kind: Kind, key: str, scale: Scale, lang: str, nested: bool = False) -> str:
    """What the YAML comment after a placeholder lists: the allowed values, or their form."""
    choices = _choices(kind, key, nested, scale)
    if choices is not None:
        return " | ".join(" ".join(choice.split()) for choice in choices)
    return message(f"placeholder.comment.{_kind_of_value(kind, key)}", lang)


def line(kind: Kind, key: str, scale: Scale, lang: str, competence: str | None = None) -> str:
    """`key: À compléter  # a | b | c`: the value to replace and, after it, the choices;
    with `competence`, its line under `key` (`communiquer: À compléter  # levels`)."""
    written = competence if competence is not None else key
    return f"{written}: {placeholder(lang)}  # {comment(kind, key, scale, lang, competence is not None)}"


def _fix(kind: Kind, key: str, nested: bool, scale: Scale, value: str) -> Fix:
    choices = _choices(kind, key, nested, scale)
    if choices is not None:
        return ("placeholder.fix", {"value": value, "values": ", ".join(choices)})
    return {"date": ("placeholder-date.fix", {"value": value}), "end": ("placeholder-end.fix", {"value": value})}.get(
        _kind_of_value(kind, key), ("placeholder-text.fix", {"value": value}))


def _leaves(value: object, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], object]]:
    """Every scalar under a front-matter value, with its path (as note.lines keys it)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _scale(portfolio: Portfolio, note: Note, competence: str | None) -> Scale:
    """The scale a level of `note` is read against: its competence's framework's."""
    referentiel = portfolio.referentiel
    if competence is not None:
        return referentiel.scale_for(competence)
    return referentiel.scale_for(note.id, note.domain) if isinstance(note, CompetencePage) else referentiel.scale


def _note_problems(portfolio: Portfolio, note: Note) -> Iterator[Problem]:
    """A note's placeholders, anywhere in its front matter: a competence's level under
    `competences` (a mapping, or a list of one-key mappings) is said as such."""
    for key, value in note.meta.items():
        for path, leaf in _leaves(value, (key,)):
            if not is_placeholder(leaf):
                continue
            line = next((note.lines[path[:end]] for end in range(len(path), 0, -1) if path[:end] in note.lines), None)
            named = [str(part) for part in path[1:] if isinstance(part, str)]
            competence = named[-1] if key == "competences" and named else None
            fix = _fix(note.kind, key, competence is not None, _scale(portfolio, note, competence), str(leaf))
            if competence is not None:
                yield Problem(note.path, line, Severity.ERROR, "placeholder-level", {"id": competence}, (fix,))
            else:
                yield Problem(note.path, line, Severity.ERROR, "placeholder", {"key": key}, (fix,))


def find(portfolio: Portfolio) -> list[Problem]:
    """Every placeholder left in a note, as an error on its line with the allowed values."""
    return [problem for note in portfolio.notes for problem in _note_problems(portfolio, note)]


def supersede(problems: list[Problem], found: list[Problem]) -> list[Problem]:
    """`found` in place of what else was said of the same lines: « À compléter » is not a
    date nor a level, but the learner needs to hear only that it is still to be filled."""
    lines = {(p.file, p.line) for p in found if p.line is not None}
    return [p for p in problems if (p.file, p.line) not in lines] + found
