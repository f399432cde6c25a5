"""Files -> notes: front matter, aliases, dates and positions, with every problem found.

Loading never stops at the first problem: a learner fixes a portfolio faster from the
whole list. A file that cannot be read at all becomes a problem, never an exception.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Callable, Iterable
from typing import Any, TypedDict

from . import engine_meta, frontmatter, schema
from .dates import PartialDate
from .mdsource import strip_comments
from .messages import Term, message
from .model import (
    MARKDOWN_SUFFIXES,
    CompetencePage,
    Kind,
    Note,
    Page,
    Parcours,
    Portfolio,
    Problem,
    Recit,
    Ref,
    Retour,
    Severity,
    Trace,
    Visibility,
    fold,
    is_markdown,
    markdown_stem,
)
from .referentiel import load_referentiel
from .scan import is_editor_file, path_problem, scan_portfolio, unreadable_problem
from .schema import Field, Value
from .settings import Settings

_ID = re.compile(r"[\w][\w.-]*")
_HEADING = re.compile(r"#\s+(.+?)\s*#*\s*$")
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
_URL = re.compile(schema.URL_PATTERN)
_VISIBILITY = next(f for f in schema.FIELDS if f.key == "visibilite")

Suggestion = tuple[str, dict[str, Any]]


def _fix(code: str, **params: Any) -> Suggestion:
    return (code, params)


def did_you_mean(value: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest candidate, compared without case and accents."""
    by_fold = {fold(c): c for c in candidates}
    match = difflib.get_close_matches(fold(value), list(by_fold), n=1, cutoff=cutoff)
    return by_fold[match[0]] if match else None


def slug_example(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "mon-identifiant"


_type_name = engine_meta.type_name
_shown = engine_meta.shown


# -- One file ------------------------------------------------------------------------------


class _Reader:
    """Reads the typed fields of one note, collecting problems with their lines."""

    def __init__(self, path: str, doc: frontmatter.Document, kind: Kind | None) -> None:
        self.path = path
        self.doc = doc
        self.kind = kind
        self.problems: list[Problem] = []
        self.meta: dict[str, Any] = {}
        self.lines: dict[tuple[str | int, ...], int] = {}
        self.visibility_typos: set[str] = set()  # keys reported as misspelt visibility
        self._normalise_keys()

    # Key spellings -------------------------------------------------------------------

    def _normalise_keys(self) -> None:
        first_line: dict[str, int] = {}
        for key, value in self.doc.meta.items():
            raw_key = str(key)
            canonical = schema.canonical_key(raw_key)
            line = self.doc.lines.get((raw_key,))
            if canonical in self.meta:
                self.error(
                    "duplicate-key",
                    line,
                    {"key": canonical, "first": first_line.get(canonical, "?")},
                    _fix("duplicate-key.fix", key=canonical),
                )
                continue
            self.meta[canonical] = value
            if line is not None:
                first_line[canonical] = line
            for path, item_line in self.doc.lines.items():
                if path and path[0] == raw_key:
                    self.lines[(canonical, *path[1:])] = item_line
        for key, line in self.doc.duplicates:
            self.error(
                "duplicate-key", line, {"key": key, "first": self.doc.lines.get((key,), "?")},
                _fix("duplicate-key.fix", key=key),
            )

    def check_unknown_keys(self) -> None:
        """Warn about keys we do not know; on ordinary pages, only about likely typos."""
        known = schema.known_keys(self.kind)
        for key in self.meta:
            if key in known or key in schema.ENGINE_KEYS or key in schema.EDITOR_KEYS or key in self.visibility_typos:
                continue
            # Engine keys are candidates too: `templat` or `hidde` would silently do nothing.
            guess = schema.LIKELY_MEANT.get((self.kind, key)) or did_you_mean(
                key, known + schema.ENGINE_KEYS, cutoff=0.6 if self.kind else 0.8
            )
            if self.kind is None and guess is None:
                continue  # free keys of an ordinary page (date, author…), not a typo
            fixes = [_fix("did-you-mean", guess=guess)] if guess else []
            fixes.append(_fix("unknown-key.fix", known=", ".join(known)))
            self.warning("unknown-key", self.line(key), {"key": key}, *fixes)

    # Problems ------------------------------------------------------------------------

    def line(self, *path: str | int) -> int | None:
        return self.lines.get(tuple(path))

    def error(self, code: str, line: int | None, params: dict[str, Any], *fixes: Suggestion) -> None:
        self.add(Problem(self.path, line, Severity.ERROR, code, params, tuple(fixes)))

    def warning(self, code: str, line: int | None, params: dict[str, Any], *fixes: Suggestion) -> None:
        self.add(Problem(self.path, line, Severity.WARNING, code, params, tuple(fixes)))

    def add(self, problem: Problem) -> None:
        """Record a problem once: a key read twice (by the note and for the engine) is one mistake."""
        if problem not in self.problems:
            self.problems.append(problem)

    def bad_type(self, key: str, expected: str, value: object, example: str) -> None:
        self.error(
            "bad-type",
            self.line(key),
            {"key": key, "expected": Term(expected), "got": Term(_type_name(value))},
            _fix("bad-type.fix", example=example),
        )

    # Fields ----------------------------------------------------------------------------

    def text(self, key: str) -> str:
        value = self.meta.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.bad_type(key, "type.text", value, f"{key}: …")
            return ""
        return str(value).strip()

    def texts(self, key: str) -> list[str]:
        value = self.meta.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value.strip()] if value.strip() else []
        if isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            return [str(v).strip() for v in value]
        self.bad_type(key, "type.list", value, f"{key}: [a, b]")
        return []

    def required(self, key: str) -> bool:
        if self.meta.get(key) not in (None, ""):
            return True
        kind = Term(f"kind.{self.kind.value}") if self.kind else ""
        entry = schema.field_of(self.kind, key)
        self.error(
            "missing-key", self.line(key), {"key": key, "kind": kind},
            _fix("missing-key.fix", key=key, example=entry.example if entry else "…"),
        )
        return False

    def date(self, key: str) -> PartialDate | None:
        value = self.meta.get(key)
        if value is None:
            return None
        try:
            return PartialDate.parse(value)
        except ValueError:
            self.error("bad-date", self.line(key), {"key": key, "value": _shown(value)}, _fix("bad-date.fix"))
            return None

    def end_date(self, entry: Field) -> tuple[PartialDate | None, bool]:
        """A date, or one of `entry.choices` (« en cours »): then no date, and ongoing."""
        value = self.meta.get(entry.key)
        if isinstance(value, str) and fold(value) in entry.choices:
            return None, True
        if value is None:
            return None, False
        try:
            return PartialDate.parse(value), False
        except ValueError:
            self.error("bad-date", self.line(entry.key), {"key": entry.key, "value": _shown(value)}, _fix("bad-end-date.fix"))
            return None, False

    def choice(self, entry: Field) -> str | None:
        """The value meant by one of `entry.choices`' spellings (`Bénévolat` -> `benevolat`)."""
        value = self.meta.get(entry.key)
        if value is None:
            return None
        if isinstance(value, str) and fold(value) in entry.choices:
            return entry.choices[fold(value)]
        self.unknown_choice(entry.key, value, entry.values)
        return None

    def unknown_choice(self, key: str, value: object, choices: Iterable[str]) -> None:
        self.unknown_choice_at(self.line(key), key, value, choices)

    def unknown_choice_at(self, line: int | None, key: str, value: object, choices: Iterable[str]) -> None:
        choices = tuple(choices)
        guess = did_you_mean(_shown(value), choices)
        fixes = [_fix("did-you-mean", guess=guess)] if guess else []
        fixes.append(_fix("unknown-choice.fix", choices=", ".join(choices)))
        self.error("unknown-choice", line, {"key": key, "value": _shown(value)}, *fixes)

    def boolean(self, key: str) -> bool | None:
        value = self.meta.get(key)
        if value is None or isinstance(value, bool):
            return value
        # `draft: "false"` is a non-empty string: truthy in Python, never what was meant.
        self.error("bad-bool", self.line(key), {"key": key, "value": _shown(value)}, _fix("bad-bool.fix", key=key))
        return None

    def visibility(self) -> Visibility | None:
        """The visibility the note declares; PRIVATE whenever it cannot be read for sure."""
        if self._misspelt_visibility():
            return Visibility.PRIVATE
        declared: Visibility | None = None
        value = self.meta.get("visibilite")
        if value is not None:
            entry = _VISIBILITY
            folded = fold(value) if isinstance(value, str) else ""
            if folded in entry.choices:
                declared = Visibility(entry.choices[folded])
            else:
                self.unknown_choice(entry.key, value, entry.values)
                # Fail closed: a visibility we cannot read must not publish the note.
                declared = Visibility.PRIVATE
        draft = self.boolean("draft")
        if draft or (draft is None and "draft" in self.meta):
            return Visibility.PRIVATE
        return declared

    def _misspelt_visibility(self) -> bool:
        """Report keys that look like `visibilite` or `draft` but are not: fail closed.

        `visibilty: prive` used to be an unknown key (a warning) and the note went out.
        Known keys of any kind and engine keys are never taken for typos.
        """
        for key in self.meta:
            if key in schema.VISIBILITY_KEYS or key in schema.ALL_KEYS or key in schema.ENGINE_KEYS or key in schema.EDITOR_KEYS:
                continue
            if key in schema.FOREIGN_VISIBILITY_KEYS:
                guess: str | None = key
            else:
                guess = did_you_mean(key, schema.VISIBILITY_LOOKALIKES, cutoff=0.75)
            if guess is None:
                continue
            meant = schema.canonical_key(guess) if schema.canonical_key(guess) in schema.VISIBILITY_KEYS else "visibilite"
            self.visibility_typos.add(key)
            self.error("visibility-key-typo", self.line(key), {"key": key, "guess": meant},
                       _fix("visibility-key-typo.fix", guess=meant))
        return bool(self.visibility_typos)

    def refs(self, key: str) -> list[Ref]:
        value = self.meta.get(key)
        if value is None:
            return []
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            self.bad_type(key, "type.ids", value, f"{key}: [identifiant-1, identifiant-2]")
            return []
        return [Ref(v.strip(), self.line(key, i) or self.line(key)) for i, v in enumerate(items)]

    def competences(self) -> list[Ref]:
        """`competences`: a list of ids, a mapping id -> level, or a list mixing both."""
        value = self.meta.get("competences")
        if value is None:
            return []
        found: list[Ref] = []
        if isinstance(value, dict):
            for cid, level in value.items():
                found.append(Ref(str(cid), self.line("competences", str(cid)) or self.line("competences"), level))
            return found
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            for index, item in enumerate(value):
                line = self.line("competences", index) or self.line("competences")
                if isinstance(item, str):
                    found.append(Ref(item.strip(), line))
                elif isinstance(item, dict) and len(item) == 1:
                    ((cid, level),) = item.items()
                    found.append(Ref(str(cid), line, level))
                else:
                    self.bad_type("competences", "type.competences", item, "competences: {ecoute-active: Maîtrise}")
            return found
        self.bad_type("competences", "type.competences", value, "competences: {ecoute-active: Maîtrise}")
        return []

    def statuses(self, entry: Field) -> list[Ref]:
        """`competences` of a feedback note: ids, each with a status of `entry.choices`
        (`relue` when none is given)."""
        found = []
        for ref in self.competences():
            status = entry.choices.get(fold(str(ref.level))) if ref.level is not None else entry.values[0]
            if status is None:
                self.unknown_choice_at(ref.line, entry.key, ref.level, entry.values)
            found.append(Ref(ref.id, ref.line, status))
        return found

    def url(self, key: str) -> str | None:
        value = self.text(key)
        if not value:
            return None
        if not _URL.fullmatch(value):
            self.error("bad-url", self.line(key), {"value": _shown(value)}, _fix("bad-url.fix"))
            return None
        return value

    def read(self, entry: Field) -> Any:
        """`entry`'s value as its type reads it; problems recorded, a neutral value when unusable.

        Levels are checked against the référentiel's scale (check.py), the visibility by
        `visibility()` (it fails closed), the profile by profile.py: their values as written.
        """
        by_key: dict[Value, Callable[[str], Any]] = {
            Value.TEXT: self.text, Value.ID: self.text, Value.DOMAIN: self.text, Value.PATH: self.text,
            Value.TEXTS: self.texts, Value.DATE: self.date, Value.BOOLEAN: self.boolean, Value.REFS: self.refs,
            Value.URL: self.url, Value.COMPETENCES: lambda _: self.competences(),
        }
        by_field: dict[Value, Callable[[Field], Any]] = {
            Value.END_DATE: self.end_date, Value.CHOICE: self.choice, Value.STATUSES: self.statuses,
        }
        if entry.value in by_field:
            return by_field[entry.value](entry)
        return by_key.get(entry.value, self.meta.get)(entry.key)


def title_from_body(body: str) -> str:
    for line in body.split("\n"):
        if line.strip():
            match = _HEADING.match(line.strip())
            # The title as text: Markdown's backslash escapes (\<, \*) undone.
            return re.sub(r"\\(.)", r"\1", match.group(1).strip()) if match else ""
    return ""


def _kind_of(path: str, meta: dict[str, Any], settings: Settings) -> Kind | None:
    """A note's kind from its `type` key (a kind or a parcours type) or its top-level folder."""
    top = path.split("/", 1)[0] if "/" in path else ""
    folder_kind = settings.kind_of_folder(top) if top else None
    if markdown_stem(path) == "index" and "type" not in meta:
        return None  # a section's introduction, not a note
    value = meta.get("type")
    folded = fold(value) if isinstance(value, str) else None
    if folded in schema.KIND_NAMES:
        return schema.KIND_NAMES[folded]
    if folded in schema.PARCOURS_TYPES and folder_kind in (None, Kind.PARCOURS):
        return Kind.PARCOURS
    return folder_kind


class _PageFields(TypedDict):
    path: str
    title: str
    body: str
    body_line: int
    visibility: Visibility | None
    meta: dict[str, Any]
    lines: dict[tuple[str | int, ...], int]
    engine_meta: dict[str, Any]


class _NoteFields(_PageFields):
    kind: Kind
    id: str
    summary: str
    tags: list[str]
    aliases: list[str]
    featured: bool
    in_dossier: bool


PageReader = Callable[[str, bytes, Settings], tuple[Page | None, list[Problem]]]


def read_page(path: str, raw: bytes, settings: Settings) -> tuple[Page | None, list[Problem]]:
    """Read one Markdown file into a note or an ordinary page, with its problems.

    A file that cannot be read is still returned, as a private page with no front matter:
    whatever happens to the build, a note whose visibility we could not read is not
    published (fail closed).
    """
    doc = frontmatter.read(raw)
    if isinstance(doc, frontmatter.SyntaxProblem):
        return _unreadable(path, raw), [
            Problem(path, doc.line, Severity.ERROR, doc.code, doc.params, ((f"{doc.code}.fix", {}),))
        ]
    # Obsidian `%%comments%%` and HTML `<!-- comments -->` are the learner's private remarks:
    # gone before anything reads the body (its title, links, citations, backlinks), so that
    # every build, staged or not, shows the same; line breaks kept for the line numbers, and
    # the blog's `<!-- more -->` kept for Material.
    doc.body = strip_comments(doc.body, html_comments=True, keep_lines=True, keep_separator=True)
    kind = _kind_of(path, _Reader(path, doc, None).meta, settings)
    reader = _Reader(path, doc, kind)
    title = reader.text("titre") or title_from_body(doc.body)
    if not title and kind is Kind.RETOUR:
        title = _feedback_title(reader, settings.lang)
    visibility = reader.visibility()
    if not _suffix_is_rendered(path, reader) or _unfenced_front_matter(doc, reader) or _control_characters(reader):
        visibility = Visibility.PRIVATE
    page = _PageFields(
        path=path, title=title, body=doc.body, body_line=doc.body_line, visibility=visibility,
        meta=reader.meta, lines=reader.lines, engine_meta=_engine_meta(reader, title),
    )
    if "type" in reader.meta and not isinstance(reader.meta["type"], str):
        reader.bad_type("type", "type.text", reader.meta["type"], "type: recit")
    if kind is None:
        if "type" in reader.meta and isinstance(reader.meta["type"], str):
            reader.unknown_choice("type", reader.meta["type"], tuple(schema.KIND_NAMES) + schema.PARCOURS_TYPES)
        reader.check_unknown_keys()
        return Page(**page), reader.problems
    note = _note(reader, kind, page, settings)
    reader.check_unknown_keys()
    return note, reader.problems


def _note(reader: _Reader, kind: Kind, page: _PageFields, settings: Settings) -> Note:
    """A note of `kind`: every key of the kind read by its type (schema.FIELDS), then checked
    across keys (an end before the start, a trace without its file or link)."""
    path = page["path"]
    note_id = reader.text("id") or markdown_stem(path)
    if not _ID.fullmatch(note_id):
        reader.error("bad-id", reader.line("id"), {"id": note_id}, _fix("bad-id.fix", example=slug_example(note_id)))
    if not page["title"] and kind is not Kind.COMPETENCE:  # a competence page may take the référentiel's
        reader.error("missing-title", None, {"kind": Term(f"kind.{kind.value}")}, _fix("missing-title.fix"))
    for key in schema.required_keys(kind):
        reader.required(key)
    values = {entry.key: reader.read(entry) for entry in schema.fields_of(kind)}
    sources = schema.ANY_OF_REQUIRED.get(kind, ())
    if sources and not any(reader.text(key) for key in sources):
        line = next((reader.line(key) for key in sources if reader.line(key)), None)
        reader.error("trace-without-source", line, {}, _fix("trace-without-source.fix"))
    common = _NoteFields(
        **page, kind=kind, id=note_id, summary=values["resume"], tags=values["tags"], aliases=values["aliases"],
        featured=bool(values["a_la_une"]), in_dossier=bool(values["dossier"]),
    )
    if kind is Kind.PARCOURS:
        return _parcours(reader, common, values)
    if kind is Kind.RECIT:
        return Recit(**common, competences=values["competences"], date=values["date"], parcours=values["parcours"],
                     traces=values["traces"], model=values["modele"])
    if kind is Kind.TRACE:
        return Trace(**common, competences=values["competences"], date=values["date"],
                     file=_trace_file(reader, values["fichier"], path, settings), link=values["lien"],
                     description=values["description"])
    if kind is Kind.RETOUR:
        about = values["sur"]
        return Retour(**common, competences=values["competences"], author=values["auteur"], date=values["date"],
                      about=about[0] if about else None, review=bool(values["relecture"]))
    return CompetencePage(**common, domain=values["domaine"], description=values["description"],
                          level=values["niveau"], target=values["objectif"])


def _parcours(reader: _Reader, common: _NoteFields, values: dict[str, Any]) -> Parcours:
    end, ongoing = values["fin"]
    note = Parcours(**common, competences=values["competences"], type=values["type"],
                    organisation=values["organisation"], place=values["lieu"], start=values["debut"],
                    end=end, ongoing=ongoing)
    if note.start and note.end and note.end.start < note.start.start:
        reader.error(
            "end-before-start", reader.line("fin"),
            {"start": note.start.iso, "end": note.end.iso}, _fix("end-before-start.fix"),
        )
    return note


def _unreadable(path: str, raw: bytes) -> Page:
    """A file we could not read, as a private page; its text kept for the privacy audit."""
    text = frontmatter.decode(raw)
    return Page(path=path, body=text if isinstance(text, str) else "", visibility=Visibility.PRIVATE)


def _unfenced_front_matter(doc: frontmatter.Document, reader: _Reader) -> bool:
    """Note keys written without `---` fences (frontmatter.unfenced_key): the note stays private."""
    found = frontmatter.unfenced_key(doc)
    if found is not None:
        reader.error(found.code, found.line, found.params, _fix(f"{found.code}.fix", **found.params))
    return found is not None


def _control_characters(reader: _Reader) -> bool:
    """Values holding invisible control characters: an error on the key, the note private."""
    found = frontmatter.control_characters(reader.meta)
    for key, code in found:
        reader.error("control-character", reader.line(key), {"key": key, "code": code}, _fix("control-character.fix"))
    return bool(found)


def _suffix_is_rendered(path: str, reader: _Reader) -> bool:
    """MkDocs renders `.md` but copies `.MD` as it is, front matter and all: refuse it."""
    suffix = "." + path.rsplit(".", 1)[-1]
    if suffix in MARKDOWN_SUFFIXES:
        return True
    reader.error("markdown-suffix-case", None, {"suffix": suffix},
                 _fix("markdown-suffix-case.fix", expected=path[: -len(suffix)] + suffix.lower()))
    return False


def _engine_meta(reader: _Reader, title: str) -> dict[str, Any]:
    """What the engine may see of the front matter; its problems join the reader's."""
    meta, findings = engine_meta.build(reader.meta, title)
    for finding in findings:
        line = reader.line(*finding.where) or reader.line(str(finding.where[0]))
        reader.add(Problem(reader.path, line, finding.severity, finding.code, finding.params, finding.fixes))
    return meta


def _feedback_title(reader: _Reader, lang: str) -> str:
    """A feedback note may have no title of its own: « Retour de Marie Dupont »."""
    author = reader.text("auteur")
    return message("retour.title", lang, author=author) if author else ""


def _trace_file(reader: _Reader, value: str, note_path: str, settings: Settings) -> str | None:
    """The trace's file, relative to the portfolio: inside it, there, and not a note."""
    if not value:
        return None
    line = reader.line("fichier")
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(note_path), value.replace("\\", "/")))
    docs = settings.docs_dir.resolve()
    target = (settings.docs_dir / joined).resolve()
    absolute = value.startswith(("/", "~", "\\")) or _WINDOWS_DRIVE.match(value)
    if absolute or joined.startswith("..") or not target.is_relative_to(docs):
        reader.error("trace-file-outside", line, {"path": value}, _fix("trace-file-outside.fix"))
        return None
    if not target.is_file():
        reader.error("trace-file-missing", line, {"path": value}, _fix("trace-file-missing.fix", expected=joined))
        return None
    if is_markdown(joined):
        reader.error("trace-file-is-note", line, {"path": value}, _fix("trace-file-is-note.fix"))
        return None
    return joined


# -- The whole portfolio ----------------------------------------------------------------------


def load_portfolio(settings: Settings, paths: Iterable[str] | None = None,
                   read: PageReader | None = None) -> tuple[Portfolio, list[Problem]]:
    """Read the référentiel and every file of the portfolio (or the given `paths`).

    Every Markdown suffix MkDocs renders is a note (model.MARKDOWN_SUFFIXES). Files whose
    name or place we refuse are reported and left out, never read. `read` reads one file's
    bytes (`read_page`, or a memo of it that serve keeps between rebuilds: reread.py).
    """
    referentiel, problems = load_referentiel(settings)
    portfolio = Portfolio(referentiel)
    docs_dir = settings.docs_dir
    if paths is None:
        paths, refused_paths = scan_portfolio(docs_dir)
        problems.extend(refused_paths)
    reported = {p.params["path"] for p in problems if p.code.startswith("symlink-")}
    for path in paths:
        refused, problem = path_problem(docs_dir, path, reported)
        if refused:
            problems.extend([problem] if problem else [])
            continue
        if not is_markdown(path):
            portfolio.assets.append(path)
            continue
        if is_editor_file(docs_dir, path):
            # Obsidian's trash and templates (`date: {{date}}` is no value): never read as a
            # note, never published; publish.py still reads the file for what it names.
            portfolio.pages.append(Page(path=path, visibility=Visibility.PRIVATE))
            continue
        try:
            raw = (docs_dir / path).read_bytes()
        except OSError as error:
            problems.append(unreadable_problem(path, error))
            portfolio.pages.append(Page(path=path, visibility=Visibility.PRIVATE))
            continue
        page, found = (read or read_page)(path, raw, settings)
        problems.extend(found)
        if isinstance(page, Note):
            portfolio.notes.append(page)
        elif page is not None:
            portfolio.pages.append(page)
    return portfolio, problems
