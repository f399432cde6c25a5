"""The bibliography file as Zotero exports it, read into CSL-JSON items keyed by citation key.

Better BibTeX writes the three formats a learner points `bibliographie` to: Better BibLaTeX and
Better BibTeX (`.bib`, read with pybtex) and Better CSL JSON (`.json`). Each becomes the same
CSL-JSON item, so that the three exports of one library print the same references: the key
exactly as written (citeproc lowercases keys, `biblio.Formatter` does not let it matter),
BibLaTeX's EDTF dates, access dates, the language, institutional authors as one name, LaTeX
turned into CSL rich text (`<i>`, `<b>`, `<sup>`, `<sub>`, `<span class="nocase">`), and the
Title Case BBT gives English titles back in sentence case, as APA wants them.

A file that cannot be read is one problem, said once (`Bibliography.readable` is then false,
so that no citation is reported unknown after it); an entry that cannot be used is a problem
on its own line (its key is in `rejected`, for the same reason).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import biblatex
from .model import Problem, Severity

# The CSL variables citeproc-py knows; anything else (BBT's `citation-key`, `file`, `custom`)
# is left out, or citeproc warns about it on every build.
NAMES = ("author", "collection-editor", "composer", "container-author", "editor", "editorial-director",
         "illustrator", "interviewer", "original-author", "recipient", "translator")
DATES = ("accessed", "container", "event-date", "issued", "original-date", "submitted")
TEXTS = ("abstract", "annote", "archive", "archive_location", "archive-place", "authority", "call-number",
         "collection-title", "container-title", "container-title-short", "dimensions", "DOI", "event",
         "event-place", "genre", "ISBN", "ISSN", "jurisdiction", "keyword", "medium", "note",
         "original-publisher", "original-publisher-place", "original-title", "page", "page-first", "PMCID",
         "PMID", "publisher", "publisher-place", "references", "section", "source", "status", "title",
         "title-short", "URL", "version", "chapter-number", "collection-number", "edition", "issue", "number",
         "number-of-pages", "number-of-volumes", "volume")
NAME_PARTS = ("family", "given", "literal", "dropping-particle", "non-dropping-particle", "suffix")
FILE_ERRORS = frozenset({"bib-syntax", "bib-json", "bib-json-shape", "bib-macro-size"})  # the file itself, not one entry
# Characters @string macros may add to the library, all substitutions counted: a real
# library's journal names add kilobytes; `@string{b = a # a}` forty levels deep asks for
# terabytes, which pybtex would try to build in memory.
MACRO_BUDGET = 16_000_000


@dataclass
class Bibliography:
    path: str  # as shown to the learner
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)  # CSL-JSON by exact key
    lines: dict[str, int] = field(default_factory=dict)
    readable: bool = True  # False: the file could not be read, and one error says so
    rejected: set[str] = field(default_factory=set)  # keys whose entry has an error of its own


# -- The file ----------------------------------------------------------------------------------------


def load(path: Path, shown: str) -> tuple[Bibliography, list[Problem]]:
    """Read a BibTeX, BibLaTeX or CSL-JSON file; problems name the file's own line."""
    bibliography = Bibliography(shown)
    unreadable = _unreadable(path, shown)
    if unreadable is not None:
        bibliography.readable = False
        return bibliography, [unreadable]
    try:
        data = path.read_bytes()
    except OSError as error:  # no permission to read it, or gone since
        bibliography.readable = False
        return bibliography, [_error(shown, None, "bib-syntax", "bib-missing.fix", detail=error.strerror or str(error))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bibliography.readable = False
        line, column = _position(data, error.start)
        return bibliography, [_error(shown, line, "bib-encoding", "bib-encoding.fix", column=column,
                                     byte=f"0x{data[error.start]:02X}")]
    reader = _read_csl_json if path.suffix.lower() == ".json" else _read_bibtex
    problems = reader(text, bibliography)
    bibliography.readable = not any(p.code in FILE_ERRORS for p in problems)
    return bibliography, problems


def _unreadable(path: Path, shown: str) -> Problem | None:
    if path.is_dir():
        return _error(shown, None, "bib-directory", "bib-missing.fix")
    if not path.is_file():
        return _error(shown, None, "bib-missing", "bib-missing.fix", path=shown)
    if path.suffix.lower() in (".yaml", ".yml"):
        return _error(shown, None, "bib-yaml", "bib-yaml.fix")
    return None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[start:offset].decode("utf-8", "replace")) + 1


def _error(shown: str, line: int | None, code: str, fix: str, **params: Any) -> Problem:
    return Problem(shown, line, Severity.ERROR, code, params, ((fix, params),))


def _warning(shown: str, line: int | None, code: str, **params: Any) -> Problem:
    return Problem(shown, line, Severity.WARNING, code, params, ((f"{code}.fix", params),))


def _add(bibliography: Bibliography, key: str, item: dict[str, Any], line: int, problems: list[Problem]) -> None:
    """One usable entry: a second one with the same key is refused, never mixed with the first."""
    if key in bibliography.entries:
        problems.append(_error(bibliography.path, line, "bib-duplicate-key", "bib-duplicate-key.fix",
                               key=key, other=bibliography.lines[key]))
        return
    if not item.get("title"):
        problems.append(_warning(bibliography.path, line, "bib-no-title", key=key))
    bibliography.entries[key] = item
    bibliography.lines[key] = line


# -- CSL JSON ---------------------------------------------------------------------------------------


def _read_csl_json(text: str, bibliography: Bibliography) -> list[Problem]:
    shown = bibliography.path
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        return [_error(shown, error.lineno, "bib-json", "bib-json.fix", column=error.colno, detail=error.msg)]
    except (RecursionError, ValueError):  # nested past any library's needs, or a huge number
        return [_error(shown, 1, "bib-json-shape", "bib-json.fix")]
    if not isinstance(items, list):
        return [_error(shown, 1, "bib-json-shape", "bib-json.fix")]
    problems: list[Problem] = []
    lines = _json_lines(text)
    for raw in items:
        key = _csl_key(raw)
        line = lines.get(key or "", 1)
        if key is None:
            problems.append(_warning(shown, line, "bib-no-key"))
            continue
        item, mistake = normalise(raw)
        if mistake is not None:
            problems.append(_error(shown, line, "bib-entry", "bib-entry.fix", key=key, field=mistake[0], expected=mistake[1]))
            bibliography.rejected.add(key)
            continue
        for name, value in item.pop("_unrecognised", {}).items():
            problems.append(_warning(shown, line, "bib-date", key=key, value=f"{name}: {value}"))
        item["id"] = key
        _add(bibliography, key, item, line, problems)
    return problems


_JSON_KEY = re.compile(r'"(?:citation-key|id)"\s*:\s*("(?:[^"\\]|\\.)*")')


def _json_lines(text: str) -> dict[str, int]:
    """The line of each item's key as BBT writes it, pretty-printed or not (json.loads keeps
    no positions), found in one pass: a library has thousands of items."""
    lines: dict[str, int] = {}
    line, position = 1, 0
    for match in _JSON_KEY.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        try:
            lines.setdefault(json.loads(match.group(1)).strip(), line)
        except ValueError:
            continue
    return lines


def _csl_key(raw: Any) -> str | None:
    """Zotero's `citation-key` when there is one (plain CSL JSON gives item URIs as `id`)."""
    if not isinstance(raw, dict):
        return None
    for name in ("citation-key", "id"):
        value = raw.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def normalise(raw: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, str] | None]:
    """A CSL-JSON item as citeproc can print it, or the first field it cannot (name, form).

    Idempotent: an item normalised once comes back the same (the stage writes them).
    """
    kind = raw.get("type")
    item: dict[str, Any] = {"id": raw.get("id"), "type": kind if isinstance(kind, str) and kind else "document"}
    for name, value in raw.items():
        if name in NAMES:
            people = _csl_names(value)
            if people is None:
                return item, (name, '[{"family": "…", "given": "…"}]')
            item[name] = people
        elif name in DATES:
            date = csl_date(value)
            if date is None:
                return item, (name, '{"date-parts": [[2015, 3, 1]]}')
            if "_unrecognised" in date:
                item.setdefault("_unrecognised", {})[name] = date.pop("_unrecognised")
            if date.get("date-parts") or date.get("literal"):  # an empty date is no date
                item[name] = date
        elif name in TEXTS:
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                # citeproc prints a list or a mapping as Python's repr, keys and all.
                return item, (name, '"…"')
            item[name] = _clean_identifier(name, str(value))
        elif name == "language" and isinstance(value, str):
            language = biblatex.language(value)
            if language:
                item["language"] = language
    return item, None


def _clean_identifier(name: str, value: str) -> str:
    """A DOI without its resolver (the style adds https://doi.org/), a URL without spaces
    around it, others as they are."""
    if name == "DOI":
        return re.sub(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.IGNORECASE).strip()
    return value.strip() if name == "URL" else value


def _csl_names(value: Any) -> list[dict[str, str]] | None:
    if not isinstance(value, list):
        return None
    people = []
    for person in value:
        if not isinstance(person, dict):
            return None
        parts = {part: person[part] for part in NAME_PARTS if part in person}
        if not parts or not all(isinstance(v, str) for v in parts.values()):
            return None
        people.append({k: v for k, v in parts.items() if v})
    return [p for p in people if p]


def csl_date(value: Any) -> dict[str, Any] | None:
    """A CSL date citeproc renders, or None; `raw` and EDTF-like text are parsed, `season` left out
    (citeproc fails on it). A date it cannot read becomes a literal, marked `_unrecognised`."""
    if not isinstance(value, dict):
        return None
    if "date-parts" in value:
        parts = value["date-parts"]
        if not (isinstance(parts, list) and 0 < len(parts) <= 2 and all(_date_part_ok(p) for p in parts)):
            return None
        return biblatex.date_from_parts([[int(n) for n in part] for part in parts], bool(value.get("circa")))
    if isinstance(value.get("literal"), str):
        return {"literal": value["literal"]}
    if isinstance(value.get("raw"), str):
        return biblatex.parse_date(value["raw"])
    return None


def _date_part_ok(part: Any) -> bool:
    return isinstance(part, list) and len(part) <= 3 and all(
        (isinstance(n, int) and not isinstance(n, bool)) or (isinstance(n, str) and re.fullmatch(r"-?\d{1,4}", n.strip()))
        for n in part)


# -- BibTeX and BibLaTeX -----------------------------------------------------------------------------


_ENTRY = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s]+)[ \t]*,", re.MULTILINE)


class _MacroBudgetExceeded(Exception):
    """@string substitutions went past MACRO_BUDGET: the file is refused before memory runs out."""


@functools.cache
def _bounded_macros() -> type:
    from pybtex.utils import CaseInsensitiveDict  # noqa: PLC0415 - only with a BibTeX file

    class BoundedMacros(CaseInsensitiveDict):
        """pybtex's macro table, counting what each substitution adds (it reads every macro
        through `macros[name]`, in @string definitions and in fields alike)."""

        def __init__(self, macros: Any) -> None:
            super().__init__(macros)
            self.left = MACRO_BUDGET

        def __getitem__(self, name: str) -> str:
            value: str = super().__getitem__(name)
            self.left -= len(value)
            if self.left < 0:
                raise _MacroBudgetExceeded
            return value

    return BoundedMacros


def _read_bibtex(text: str, bibliography: Bibliography) -> list[Problem]:
    import pybtex.errors  # noqa: PLC0415 - only with a BibTeX file
    from pybtex.database.input.bibtex import Parser, UndefinedMacro  # noqa: PLC0415
    from pybtex.exceptions import PybtexError  # noqa: PLC0415
    from pybtex.scanner import PybtexSyntaxError  # noqa: PLC0415

    shown = bibliography.path
    starts = _entry_lines(text)
    try:
        # Names stay text (person_fields=()): pybtex's Person knows neither BibLaTeX's
        # `family=…, given=…` form nor institutional names.
        parser = Parser(person_fields=())
        parser.macros = _bounded_macros()(parser.macros)
        with pybtex.errors.capture() as errors:
            data = parser.parse_string(text)
    except _MacroBudgetExceeded:
        return [_error(shown, None, "bib-macro-size", "bib-macro-size.fix", limit=MACRO_BUDGET // 1_000_000)]
    except (PybtexError, RecursionError) as error:  # what capture() does not take
        return [_error(shown, None, "bib-syntax", "bib-syntax.fix", detail=str(error))]
    problems: list[Problem] = []
    for found in errors:
        if isinstance(found, UndefinedMacro):
            problems.append(_warning(shown, found.lineno, "bib-macro", name=str(found).rsplit(": ", 1)[-1]))
        elif isinstance(found, PybtexSyntaxError):
            # The entry being read when pybtex gave up: an unclosed brace shows only at the next.
            start = found.error_context_info[0] or 0
            return [_error(shown, text.count("\n", 0, start) + 1, "bib-syntax", "bib-syntax.fix",
                           detail=str(found).split(": ", 1)[-1])]
        else:
            problems.append(_data_problem(shown, str(found), starts))
            if problems[-1].code == "bib-case-duplicate":  # said once: no unknown citation after it
                bibliography.rejected.add(problems[-1].params["key"])
    lines = dict(reversed(starts))  # the first entry of a key is the one kept
    for key, entry in data.entries.items():
        line = lines.get(key, 1)
        raw, unrecognised = biblatex.csl_item(key, entry)
        item = normalise(raw)[0]
        for value in unrecognised:
            problems.append(_warning(shown, line, "bib-date", key=key, value=value))
        _add(bibliography, key, item, line, problems)
    return problems


def _entry_lines(text: str) -> list[tuple[str, int]]:
    """Each entry's key and first line, in order, counted in one pass."""
    starts, line, position = [], 1, 0
    for match in _ENTRY.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        if match.group(1).lower() not in ("string", "comment", "preamble"):
            starts.append((match.group(2), line))
    return starts


def _data_problem(shown: str, detail: str, starts: list[tuple[str, int]]) -> Problem:
    """pybtex's complaint about an entry (a repeated key, a repeated field), on the entry's line."""
    repeated = re.match(r"repeated bibliography entry: (.+)$", detail)
    if repeated:
        key = repeated.group(1)
        same = [(k, line) for k, line in starts if k.lower() == key.lower()]
        first_key, first_line = same[0] if same else (key, None)
        line = next((line for k, line in same[1:] if k == key), same[-1][1] if same else None)
        code = "bib-duplicate-key" if first_key == key else "bib-case-duplicate"
        return _error(shown, line, code, "bib-duplicate-key.fix", key=key, other_key=first_key, other=first_line)
    field_match = re.match(r"entry with key (.+) has a duplicate (\S+) field", detail)
    if field_match:
        key, name = field_match.groups()
        line = next((line for k, line in starts if k == key), None)
        return _warning(shown, line, "bib-duplicate-field", key=key, field=name)
    return _error(shown, None, "bib-syntax", "bib-syntax.fix", detail=detail)
