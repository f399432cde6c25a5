"""Editor files generated from the note format (`schema.FIELDS`): JSON Schemas, VS Code setup.

The JSON Schemas say what the checker says, no more and no less: every spelling it accepts
(`Début`, `start`, `validée`, `visibilité: Privé`, `date: 2024`) validates, and a value it
refuses (wrong type, value not allowed, required key missing) does not. Unknown keys stay
allowed: the checker only warns about them. They are built from the portfolio's own
référentiel, so competence ids and level labels are the learner's; so are the VS Code
snippets, the completion notes get (the YAML extension does not read Markdown front matter).

Patterns are written in the syntax Python's `re` and JavaScript's RegExp (with the `u` flag,
as validators compile them) read alike: `\\uXXXX` escapes, classes, groups, lookaheads.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

from . import schema
from .messages import LANGUAGES, message
from .model import MARKDOWN_SUFFIXES, Kind, Referentiel, fold
from .schema import Field, Value

DRAFT = "http://json-schema.org/draft-07/schema#"
SCHEMAS = Path(".cheminement") / "schemas"
VSCODE = Path(".vscode")
SNIPPETS = "cheminement.code-snippets"
Schema = dict[str, Any]


@dataclass(frozen=True)
class Vocabulary:
    """What the portfolio lets a note say: its competence ids, level labels and domains."""

    competences: tuple[str, ...]
    levels: tuple[str, ...]
    domains: tuple[str, ...]

    @classmethod
    def of(cls, referentiel: Referentiel, competences: Iterable[str] | None = None) -> Vocabulary:
        """`competences`: every id the portfolio knows (référentiel and competence pages)."""
        ids = referentiel.competences if competences is None else competences
        scales = [f.scale for f in referentiel.frameworks] or [referentiel.scale]  # every framework's labels
        levels = tuple(dict.fromkeys(label for scale in scales for label in scale.labels))
        return cls(tuple(sorted(set(ids))), levels, tuple(d.id for d in referentiel.domains))


# -- Spellings as patterns ------------------------------------------------------------------------

# The characters a spelling may use: Latin letters with their accents, the combining accents
# of decomposed (NFD) text and the spaces of general punctuation. Other lookalikes (full-width
# letters…) are not recognised: a key written with them is an unknown key, not checked.
_ALPHABET = ((0x20, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x2000, 0x2070))
_SYNTAX = frozenset("^$\\.*+?()[]{}|/")


@functools.cache
def _variants() -> dict[str, tuple[str, ...]]:
    """Each character by what it folds to inside a word (`model.fold`): `e` <- e, E, é, Ê…;
    the empty string <- the combining accents, which fold away."""
    fold_word = fold.__wrapped__  # not the cached one: ten thousand one-off strings
    found: dict[str, list[str]] = defaultdict(list)
    for start, stop in _ALPHABET:
        for code in range(start, stop):
            folded = fold_word(f"a{chr(code)}a")
            if folded[:1] == "a" and folded[-1:] == "a" and len(folded) <= 3:
                found[folded[1:-1]].append(chr(code))
    return {key: tuple(chars) for key, chars in found.items()}


def _escaped(char: str, in_class: bool = False) -> str:
    if not char.isascii() or not char.isprintable():
        return f"\\u{ord(char):04x}"
    special = "\\]^-[" if in_class else _SYNTAX
    return "\\" + char if char in special else char


def _char_class(chars: Iterable[str]) -> str:
    """A `[...]` class of `chars`, consecutive code points written as ranges."""
    codes = sorted({ord(c) for c in chars})
    parts, index = [], 0
    while index < len(codes):
        end = index
        while end + 1 < len(codes) and codes[end + 1] == codes[end] + 1:
            end += 1
        parts.append(_escaped(chr(codes[index]), True) + ("-" + _escaped(chr(codes[end]), True) if end > index else ""))
        index = end + 1
    return "[" + "".join(parts) + "]"


def _spelt(word: str) -> str:
    variants = _variants()
    accents = _char_class(variants[""]) + "*"
    parts = [accents]
    for char in fold(word):
        options = variants.get(char, (char,))
        parts.append((_char_class(options) if len(options) > 1 else _escaped(char)) + accents)
    return "".join(parts)


def spelling(*words: str) -> str:
    """A pattern matching every spelling that folds to one of `words` (case, accents and
    surrounding spaces aside): `spelling("debut")` matches `Début`, ` DEBUT `, `début`."""
    return r"^\s*(?:" + "|".join(_spelt(word) for word in words) + r")\s*$"


def key_spelling(entry: Field) -> str:
    """Every spelling of a key: its name and aliases, with any case and accents."""
    return spelling(entry.key, *entry.aliases)


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else _escaped(c) for c in word)


# -- One value --------------------------------------------------------------------------------

NULL: Schema = {"type": "null"}
# An identifier as the checker's `[\w][\w.-]*` reads it, letters of any alphabet included:
# JavaScript has no Unicode `\w` but `\p{…}`, which Python's `re` lacks, so the pattern
# refuses what is never a letter instead: spaces, ASCII punctuation, quotes, dashes, symbols.
_NEVER_IN_ID = "\\s!-,\\/:-@\\[-\\^`{-~\\u00a0-\\u00a9\\u00ab-\\u00b1\\u00b4\\u00b6-\\u00b8\\u00bb\\u00bf\\u00d7\\u00f7\\u2000-\\u206f"
IDENTIFIER = f"[^{_NEVER_IN_ID}.\\-][^{_NEVER_IN_ID}]*"
Builder = Callable[[Field, Kind, Vocabulary], Schema]


def _choice(words: Iterable[str], canonical: Iterable[str]) -> Schema:
    """One of `words` in any case and accents; the `canonical` ones are offered first."""
    return {"anyOf": [{"enum": list(canonical)}, {"type": "string", "pattern": spelling(*words)}]}


def _date(*_: object) -> Schema:
    low, high = schema.YEARS
    return {"anyOf": [{"type": "string", "pattern": schema.DATE_PATTERN},
                      {"type": "integer", "minimum": low, "maximum": high}]}


def _level(vocabulary: Vocabulary) -> Schema:
    """A label of the scale or its rank (`2`, `"2"`, `"02"`), as model.Scale.rank reads it."""
    labels = "|".join(_spelt(label) for label in vocabulary.levels)
    ranks = "|".join(str(rank) for rank in range(1, len(vocabulary.levels) + 1))
    return {"anyOf": [{"enum": list(vocabulary.levels)},
                      {"type": "integer", "minimum": 1, "maximum": len(vocabulary.levels)},
                      {"type": "string", "pattern": f"^\\s*(?:{labels}|0*(?:{ranks}))\\s*$"}]}


def _competences(vocabulary: Vocabulary, level: Schema) -> Schema:
    """A competence id, a list of ids or of `id: level`, or a mapping `id: level`."""
    known = list(vocabulary.competences)
    name: Schema = {"enum": known} if known else {"not": {}}  # no référentiel: every id is unknown
    ident: Schema = {"type": "string", **name}
    level_or_null = {"anyOf": [NULL, level]}
    pair = {"type": "object", "minProperties": 1, "maxProperties": 1, "propertyNames": name,
            "additionalProperties": level_or_null}
    mapping = {"type": "object", "propertyNames": name, "additionalProperties": level_or_null}
    return {"anyOf": [ident, {"type": "array", "items": {"anyOf": [ident, pair]}}, mapping]}


def _refs(*_: object) -> Schema:
    ref = {"type": "string", "pattern": "\\S"}
    return {"anyOf": [ref, {"type": "array", "items": ref}]}


def _path(*_: object) -> Schema:
    """A file inside the portfolio that is not a note: absolute paths and Markdown refused."""
    notes = "|".join(_any_case(suffix[1:]) for suffix in MARKDOWN_SUFFIXES)
    return {"anyOf": [{"type": "number"}, {
        "type": "string",
        "pattern": f"^(?!\\s*(?:[/\\\\~]|[A-Za-z]:[\\\\/]))(?![\\s\\S]*\\.(?:{notes})\\s*$)",
    }]}


_BUILDERS: dict[Value, Builder] = {
    Value.TEXT: lambda f, k, v: {"type": ["string", "number"]},
    Value.TEXTS: lambda f, k, v: {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": ["string", "integer"]}}]},
    Value.ID: lambda f, k, v: {"anyOf": [{"type": "string", "pattern": f"^\\s*(?:{IDENTIFIER})?\\s*$"},
                                         {"type": "number", "minimum": 0}]},
    Value.KIND: lambda f, k, v: {"type": "string", "examples": [n for n, kind in schema.KIND_NAMES.items() if kind is k]},
    Value.VISIBILITY: lambda f, k, v: _choice(f.choices, f.values),
    Value.BOOLEAN: lambda f, k, v: {"type": "boolean"},
    Value.DATE: _date,
    Value.END_DATE: lambda f, k, v: {"anyOf": [_date(), _choice(f.choices, f.values)]},
    Value.CHOICE: lambda f, k, v: _choice(f.choices, f.values),
    Value.DOMAIN: lambda f, k, v: {"type": ["string", "number"], "examples": list(v.domains)},
    Value.LEVEL: lambda f, k, v: _level(v),
    Value.COMPETENCES: lambda f, k, v: _competences(v, _level(v)),
    Value.STATUSES: lambda f, k, v: _competences(v, _choice(f.choices, f.values)),
    Value.REFS: _refs,
    Value.URL: lambda f, k, v: {"type": "string", "pattern": f"^\\s*(?:{schema.URL_PATTERN})?\\s*$"},
    Value.PATH: _path,
    Value.PROFILE: lambda f, k, v: {"type": "object"},
}


def value_schema(entry: Field, kind: Kind, vocabulary: Vocabulary, lang: str) -> Schema:
    """What `entry` may hold on a note of `kind`: also empty when optional, never when required."""
    spec = _BUILDERS[entry.value](entry, kind, vocabulary)
    if kind in entry.required:
        spec = {"allOf": [{"not": {"enum": [None, ""]}}, spec]}
    elif entry.nullable:
        spec = {"anyOf": [NULL, spec]}
    return {"description": message(entry.description, lang), **spec}


# -- Schemas of notes and référentiel -----------------------------------------------------------


def _has(pattern: str) -> Schema:
    """True of an object with a key matching `pattern`."""
    return {"not": {"propertyNames": {"not": {"pattern": pattern}}}}


def _rules(kind: Kind, fields: tuple[Field, ...]) -> list[Schema]:
    """Required keys (in any spelling) and the keys of which one is needed (a trace's source)."""
    rules: list[Schema] = [
        {"if": {"not": _has(key_spelling(f))}, "then": {"required": [f.key]}} for f in fields if kind in f.required
    ]
    sources = [f for f in fields if f.key in schema.ANY_OF_REQUIRED.get(kind, ())]
    if sources:
        either = "|".join(key_spelling(f) for f in sources)
        blank: Schema = {"anyOf": [NULL, {"type": "string", "pattern": "^\\s*$"}]}
        rules.append({"if": {"not": _has(either)}, "then": {"anyOf": [{"required": [f.key]} for f in sources]}})
        rules.append({"not": {"patternProperties": {either: blank}}})
    return rules


def note_schema(kind: Kind, referentiel: Referentiel, lang: str, competences: Iterable[str] | None = None) -> Schema:
    """The JSON Schema of the front matter of a note of `kind`."""
    vocabulary = Vocabulary.of(referentiel, competences)
    fields = schema.fields_of(kind)
    result: Schema = {
        "$schema": DRAFT,
        "title": f"Cheminement — {message(f'kind.{kind.value}', lang)}",
        "type": "object",
        "definitions": {f.key: value_schema(f, kind, vocabulary, lang) for f in fields},
        "properties": {f.key: {"$ref": f"#/definitions/{f.key}"} for f in fields},
        "patternProperties": {key_spelling(f): {"$ref": f"#/definitions/{f.key}"} for f in fields},
    }
    rules = _rules(kind, fields)
    if rules:
        result["allOf"] = rules
    return result


def referentiel_schema(lang: str) -> Schema:
    """The JSON Schema of `referentiel.yml`, as referentiel.py reads it."""
    def described(key: str, spec: Schema) -> Schema:
        return {"description": message(f"schema.key.{key}", lang), **spec}

    anything: Schema = {}
    competence = {"type": "object", "required": ["id"], "properties": {
        "id": described("id", {"type": "string", "pattern": f"^{IDENTIFIER}(?![\\s\\S])"}),
        "titre": described("titre", anything),
        "description": described("description", anything),
        "ref": described("ref", anything),
    }}
    domain = {"type": "object", "required": ["id"], "properties": {
        "id": described("id", {"type": "string"}),
        "titre": described("titre", anything),
        "competences": described("competences", {"type": "array", "items": competence}),
    }}
    scale = described("echelle", {"anyOf": [NULL, {"type": "array", "minItems": 1, "uniqueItems": True,
                                                   "items": {"type": "string", "pattern": "\\S"}}]})
    domains = described("domaines", {"type": "array", "items": domain})
    framework = {"type": "object", "required": ["id"], "properties": {
        "id": described("id", {"type": "string", "pattern": f"^{IDENTIFIER}(?![\\s\\S])"}),
        "titre": described("titre", anything), "echelle": scale, "domaines": domains,
    }, "patternProperties": {spelling("echelle", "scale"): scale, spelling("domaines", "domains"): domains}}
    frameworks = described("referentiels", {"type": "array", "minItems": 1, "items": framework})
    return {
        "$schema": DRAFT,
        "title": "Cheminement — référentiel",
        "type": ["object", "null"],
        "properties": {"titre": described("titre", anything), "echelle": scale, "domaines": domains,
                       "referentiels": frameworks},
        "patternProperties": {spelling("echelle", "scale"): scale, spelling("domaines", "domains"): domains},
    }


def schemas(referentiel: Referentiel, lang: str, competences: Iterable[str] | None = None) -> dict[str, Schema]:
    """Every schema by its file name."""
    found = {f"{kind.value}.schema.json": note_schema(kind, referentiel, lang, competences) for kind in Kind}
    found["referentiel.schema.json"] = referentiel_schema(lang)
    return found


def write_json(path: Path, document: object, header: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _inside(root: Path, path: Path) -> bool:
    """Whether `path` stays in the project once links are followed (`.vscode` may be a link)."""
    return path.resolve().is_relative_to(root.resolve())


def write_schemas(folder: Path, referentiel: Referentiel, lang: str, competences: Iterable[str] | None = None) -> list[Path]:
    """Write the schemas into `folder`; when it is a project's `.cheminement/schemas`, also
    refresh the project's VS Code snippets, which offer the same ids and levels."""
    ids = None if competences is None else tuple(competences)
    written = [write_json(folder / name, document) for name, document in schemas(referentiel, lang, ids).items()]
    root = folder.parent.parent
    if folder.parts[-len(SCHEMAS.parts):] == SCHEMAS.parts and _inside(root, root / VSCODE / SNIPPETS):
        written.append(write_snippets(root, referentiel, lang, ids))
    return written


# -- VS Code snippets: the front matter of each kind, with choices ---------------------------------


def _text(value: str) -> str:
    """Snippet text: `$`, `}` and `\\` are syntax there."""
    return re.sub(r"([$}\\])", r"\\\1", value)


def _options(stop: int, values: Iterable[str]) -> str:
    escaped = [re.sub(r"([,|\\])", r"\\\1", value) for value in values]
    return f"${{{stop}|{','.join(escaped)}|}}" if escaped else f"${stop}"


def _placeholder(stop: int, value: str) -> str:
    return f"${{{stop}:{_text(value)}}}" if value else f"${stop}"


def _today(example: str) -> str:
    """Today's date (VS Code variables), as precise as the key's example: `2024-09`, `2025-03-12`."""
    parts = ("$CURRENT_YEAR", "$CURRENT_MONTH", "$CURRENT_DATE")
    return "-".join(parts[: example.count("-") + 1])


def _snippet_lines(entry: Field, kind: Kind, vocabulary: Vocabulary, stops: Iterator[int], lang: str) -> list[str]:
    """The lines of one key in a snippet, with tab stops, choices and placeholders (note
    ids only where one is required: an example id left in place would be a broken link)."""
    key, value = entry.key, entry.value
    if value in (Value.COMPETENCES, Value.STATUSES):
        levels = vocabulary.levels if value is Value.COMPETENCES else entry.values
        first = _options(next(stops), vocabulary.competences) if vocabulary.competences else _placeholder(next(stops), "id")
        return [f"{key}:", f"  {first}: {_options(next(stops), levels)}"]
    if value in (Value.CHOICE, Value.VISIBILITY):
        shown = _options(next(stops), entry.values)
    elif value is Value.LEVEL:
        shown = _options(next(stops), vocabulary.levels)
    elif value is Value.DOMAIN:
        shown = _options(next(stops), vocabulary.domains)
    elif value is Value.DATE:
        shown = f"${{{next(stops)}:{_today(entry.example)}}}"
    elif value is Value.END_DATE:
        shown = _placeholder(next(stops), entry.values[0])
    elif value is Value.TEXT:
        shown = _placeholder(next(stops), message(entry.description, lang).rstrip("."))
    elif value is Value.REFS:
        shown = _placeholder(next(stops), entry.example if kind in entry.required else "")
    else:
        shown = _placeholder(next(stops), entry.example)
    return [f"{key}: {shown}"]


def _snippet_fields(kind: Kind) -> list[Field]:
    """The keys a new note of `kind` starts with: its title (when it needs one), its own
    keys, then its summary; of the keys of which one is needed, the first is filled."""
    own = [f for f in schema.fields_of(kind)
           if f.kinds != schema.EVERYWHERE and f.value not in (Value.KIND, Value.BOOLEAN)]
    title = [] if kind in (Kind.COMPETENCE, Kind.RETOUR) else [schema.field_of(kind, "titre")]
    summary = [] if kind in (Kind.COMPETENCE, Kind.RETOUR) else [schema.field_of(kind, "resume")]
    return [f for f in (*title, *own, *summary) if f is not None]


def snippet(kind: Kind, vocabulary: Vocabulary, lang: str) -> Schema:
    stops = count(1)
    optional = schema.ANY_OF_REQUIRED.get(kind, ())[1:]  # left empty: the learner keeps one
    body = ["---"]
    for entry in _snippet_fields(kind):
        body += [f"{entry.key}: ${next(stops)}"] if entry.key in optional else _snippet_lines(entry, kind, vocabulary, stops, lang)
    label = message(f"kind.{kind.value}", lang)
    return {
        "scope": "markdown",
        "prefix": list(dict.fromkeys([kind.value, label])),
        "description": message("editor.snippet", lang, kind=label),
        "body": [*body, "---", "", "$0"],
    }


def snippets(referentiel: Referentiel, lang: str, competences: Iterable[str] | None = None) -> dict[str, Schema]:
    vocabulary = Vocabulary.of(referentiel, competences)
    return {f"Cheminement — {message(f'kind.{kind.value}', lang)}": snippet(kind, vocabulary, lang) for kind in Kind}


def _snippets_header(lang: str) -> str:
    return "// " + message("editor.snippets-header", lang) + "\n"


def write_snippets(root: Path, referentiel: Referentiel, lang: str, competences: Iterable[str] | None = None) -> Path:
    return write_json(root / VSCODE / SNIPPETS, snippets(referentiel, lang, competences), _snippets_header(lang))


# -- VS Code settings, task and recommendations --------------------------------------------------


def problem_matchers() -> list[Schema]:
    """What makes VS Code read `cheminement check --format lignes`: one matcher per severity,
    for French and English labels (VS Code knows only `error` and `warning` as severities)."""
    matchers = []
    for severity, label in (("error", "cli.error"), ("warning", "cli.warning")):
        labels = "|".join(re.escape(message(label, lang)) for lang in LANGUAGES)
        matchers.append({
            "owner": "cheminement",
            "source": "cheminement",
            "severity": severity,
            # Paths are relative to the folder the task runs in, absolute outside it.
            "fileLocation": ["autoDetect", "${workspaceFolder}"],
            "pattern": {"regexp": f"^(.+?):(\\d+): (?:{labels}): (.*)$", "file": 1, "line": 2, "message": 3},
        })
    return matchers


def check_task(lang: str) -> Schema:
    return {
        "label": message("editor.task-check", lang),
        "type": "shell",
        "command": "cheminement",
        "args": ["check", "--format", "lignes"],
        "group": {"kind": "build", "isDefault": True},
        "presentation": {"reveal": "silent", "revealProblems": "onProblem", "clear": True},
        "problemMatcher": problem_matchers(),
    }


def vscode_files(referentiel_path: str, lang: str) -> dict[str, Schema]:
    """`.vscode/*.json` as init writes them; `referentiel_path` relative to the project."""
    return {
        "settings.json": {
            "yaml.schemas": {(SCHEMAS / "referentiel.schema.json").as_posix(): ["/" + referentiel_path]},
            "[markdown]": {"editor.wordWrap": "on"},
            "search.exclude": {"site/**": True},
        },
        "tasks.json": {"version": "2.0.0", "tasks": [check_task(lang)]},
        "extensions.json": {"recommendations": ["redhat.vscode-yaml"]},
    }


def merged(theirs: Any, ours: Any) -> Any:
    """`ours` added to `theirs`, never changing a value of theirs: missing keys added,
    mappings merged, tasks and recommendations appended unless already there."""
    if isinstance(theirs, dict) and isinstance(ours, dict):
        result = dict(theirs)
        for key, value in ours.items():
            result[key] = merged(theirs[key], value) if key in theirs else value
        return result
    if isinstance(theirs, list) and isinstance(ours, list):
        labels = {item.get("label") for item in theirs if isinstance(item, dict)}
        return theirs + [item for item in ours
                         if item not in theirs and not (isinstance(item, dict) and item.get("label") in labels)]
    return theirs


@dataclass
class EditorSetup:
    """What setting up the editor wrote, and what the learner must do by hand (messages)."""

    written: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


# VS Code's own settings files are a few kilobytes.
SETTINGS_LIMIT = 1_000_000


def _merge_file(root: Path, path: Path, ours: Schema, setup: EditorSetup, lang: str) -> None:
    shown = path.relative_to(root).as_posix()
    if path.exists() or path.is_symlink():
        if not _inside(root, path):
            setup.notices.append(message("editor.outside", lang, path=shown))
            return
        if not path.is_file() or path.stat().st_size > SETTINGS_LIMIT:
            # A device or a FIFO (`/dev/zero` would fill memory, a FIFO would hang).
            setup.notices.append(message("editor.not-a-file", lang, path=shown))
            return
        try:
            theirs = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            theirs = None
        if not isinstance(theirs, dict):
            # JSON with comments is VS Code's own format: rather than lose a comment, say what to add.
            fragment = json.dumps(ours, ensure_ascii=False)
            setup.notices.append(message("editor.not-merged", lang, path=shown, fragment=fragment))
            return
        if merged(theirs, ours) == theirs:
            return
        ours = merged(theirs, ours)
    _write(root, path, ours, setup, lang)


def _write(root: Path, path: Path, document: object, setup: EditorSetup, lang: str, header: str = "") -> None:
    """Write a file of the editor's setup, or say why it could not be (never outside `root`)."""
    shown = path.relative_to(root).as_posix()
    if not _inside(root, path):
        setup.notices.append(message("editor.outside", lang, path=shown))
        return
    try:
        setup.written.append(write_json(path, document, header))
    except OSError as error:
        setup.notices.append(message("editor.not-written", lang, path=shown, error=error.strerror or error))


def set_up_vscode(root: Path, referentiel: Referentiel, referentiel_path: str, lang: str,
                  competences: Iterable[str] | None = None) -> EditorSetup:
    """Write the schemas and snippets, and merge the settings, task and recommendations into
    the project's `.vscode/` (files the learner already has keep every value of theirs)."""
    setup = EditorSetup()
    ids = None if competences is None else tuple(competences)
    for name, document in schemas(referentiel, lang, ids).items():
        _write(root, root / SCHEMAS / name, document, setup, lang)
    _write(root, root / VSCODE / SNIPPETS, snippets(referentiel, lang, ids), setup, lang, _snippets_header(lang))
    for name, document in vscode_files(referentiel_path, lang).items():
        _merge_file(root, root / VSCODE / name, document, setup, lang)
    return setup
