"""Files -> notes: front matter, aliases, dates and positions, with every problem found.

Loading never stops at the first problem: a learner fixes a portfolio faster from the
whole list. A file that cannot be read at all becomes a problem, never an exception.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterable
from typing import Any

from . import engine_meta, frontmatter, schema
from .mdsource import strip_comments
from .referentiel import load_referentiel
from .scan import path_problem, scan_portfolio, unreadable_problem
from .dates import PartialDate
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
from .messages import Term, message
from .settings import Settings

_ID = re.compile(r"[\w][\w.-]*")
_HEADING = re.compile(r"#\s+(.+?)\s*#*\s*$")
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
_URL = re.compile(r"https?://[^\s/]+\S*")

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
        self.error(
            "missing-key", self.line(key), {"key": key, "kind": kind},
            _fix("missing-key.fix", key=key, example=schema.EXAMPLES.get(key, "…")),
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

    def end_date(self) -> tuple[PartialDate | None, bool]:
        value = self.meta.get("fin")
        if isinstance(value, str) and fold(value) in schema.ONGOING:
            return None, True
        if value is None:
            return None, False
        try:
            return PartialDate.parse(value), False
        except ValueError:
            self.error("bad-date", self.line("fin"), {"key": "fin", "value": _shown(value)}, _fix("bad-end-date.fix"))
            return None, False

    def choice(self, key: str, choices: Iterable[str]) -> str | None:
        value = self.meta.get(key)
        if value is None:
            return None
        choices = tuple(choices)
        if isinstance(value, str) and fold(value) in choices:
            return fold(value)
        self.unknown_choice(key, value, choices)
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
            folded = fold(value) if isinstance(value, str) else ""
            if folded in schema.VISIBILITY_VALUES:
                declared = Visibility(schema.VISIBILITY_VALUES[folded])
            else:
                self.unknown_choice("visibilite", value, ("public", "prive"))
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


def title_from_body(body: str) -> str:
    for line in body.split("\n"):
        if line.strip():
            match = _HEADING.match(line.strip())
            # The title as text: Markdown's backslash escapes (\<, \*) undone.
            return re.sub(r"\\(.)", r"\1", match.group(1).strip()) if match else ""
    return ""


def _kind_of(path: str, meta: dict[str, Any], reader_meta: dict[str, Any], settings: Settings) -> tuple[Kind | None, str | None]:
    """A note's kind from its `type` key or its top-level folder; also the parcours type."""
    top = path.split("/", 1)[0] if "/" in path else ""
    folder_kind = settings.kind_of_folder(top) if top else None
    if markdown_stem(path) == "index" and "type" not in reader_meta:
        return None, None  # a section's introduction, not a note
    value = reader_meta.get("type")
    folded = fold(value) if isinstance(value, str) else None
    if folded in schema.KIND_NAMES:
        return schema.KIND_NAMES[folded], None
    if folded in schema.PARCOURS_TYPES and folder_kind in (None, Kind.PARCOURS):
        return Kind.PARCOURS, folded
    return folder_kind, None


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
    probe = _Reader(path, doc, None)
    kind, parcours_type = _kind_of(path, doc.meta, probe.meta, settings)
    reader = _Reader(path, doc, kind)
    title = reader.text("titre") or title_from_body(doc.body)
    if not title and kind is Kind.RETOUR:
        title = _feedback_title(reader, settings.lang)
    visibility = reader.visibility()
    if not _suffix_is_rendered(path, reader) or _unfenced_front_matter(doc, reader) or _control_characters(reader):
        visibility = Visibility.PRIVATE
    common = dict(
        path=path,
        title=title,
        body=doc.body,
        body_line=doc.body_line,
        visibility=visibility,
        meta=reader.meta,
        lines=reader.lines,
        engine_meta=_engine_meta(reader, title),
    )
    if "type" in reader.meta and not isinstance(reader.meta["type"], str):
        reader.bad_type("type", "type.text", reader.meta["type"], "type: recit")
    if kind is None:
        if "type" in reader.meta and isinstance(reader.meta["type"], str):
            reader.unknown_choice("type", reader.meta["type"], tuple(schema.KIND_NAMES) + schema.PARCOURS_TYPES)
        reader.check_unknown_keys()
        return Page(**common), reader.problems

    note_id = reader.text("id") or markdown_stem(path)
    if not _ID.fullmatch(note_id):
        reader.error("bad-id", reader.line("id"), {"id": note_id}, _fix("bad-id.fix", example=slug_example(note_id)))
    if not title and kind is not Kind.COMPETENCE:  # a competence page may take the référentiel's
        reader.error("missing-title", None, {"kind": Term(f"kind.{kind.value}")}, _fix("missing-title.fix"))
    for key in schema.REQUIRED_KEYS[kind]:
        reader.required(key)
    note_fields = dict(
        common,
        kind=kind,
        id=note_id,
        summary=reader.text("resume"),
        tags=reader.texts("tags"),
        aliases=reader.texts("aliases"),
        featured=bool(reader.boolean("a_la_une")),
        in_dossier=bool(reader.boolean("dossier")),
    )
    note: Note
    if kind is Kind.PARCOURS:
        if parcours_type is None and "type" in reader.meta:
            parcours_type = reader.choice("type", schema.PARCOURS_TYPES)
        end, ongoing = reader.end_date()
        note = Parcours(
            **note_fields,
            competences=reader.competences(),
            type=parcours_type,
            organisation=reader.text("organisation"),
            place=reader.text("lieu"),
            start=reader.date("debut"),
            end=end,
            ongoing=ongoing,
        )
        if note.start and note.end and note.end.start < note.start.start:
            reader.error(
                "end-before-start", reader.line("fin"),
                {"start": note.start.iso, "end": note.end.iso}, _fix("end-before-start.fix"),
            )
    elif kind is Kind.RECIT:
        note = Recit(
            **note_fields,
            competences=reader.competences(),
            date=reader.date("date"),
            parcours=reader.refs("parcours"),
            traces=reader.refs("traces"),
            model=reader.choice("modele", schema.REFLECTION_MODELS),
        )
    elif kind is Kind.TRACE:
        note = Trace(
            **note_fields,
            competences=reader.competences(),
            date=reader.date("date"),
            file=_trace_file(reader, path, settings),
            link=_trace_link(reader),
            description=reader.text("description"),
        )
        if not reader.text("fichier") and not reader.text("lien"):
            line = reader.line("fichier") or reader.line("lien")
            reader.error("trace-without-source", line, {}, _fix("trace-without-source.fix"))
    elif kind is Kind.RETOUR:
        about = reader.refs("sur")
        note = Retour(
            **note_fields,
            competences=_feedback_statuses(reader),
            author=reader.text("auteur"),
            date=reader.date("date"),
            about=about[0] if about else None,
            review=bool(reader.boolean("relecture")),
        )
    else:
        note = CompetencePage(
            **note_fields,
            domain=reader.text("domaine"),
            description=reader.text("description"),
            level=reader.meta.get("niveau"),
            target=reader.meta.get("objectif"),
        )
    reader.check_unknown_keys()
    return note, reader.problems


def _unreadable(path: str, raw: bytes) -> Page:
    """A file we could not read, as a private page; its text kept for the privacy audit."""
    text = frontmatter.decode(raw)
    return Page(path=path, body=text if isinstance(text, str) else "", visibility=Visibility.PRIVATE)


def _unfenced_front_matter(doc: frontmatter.Document, reader: _Reader) -> bool:
    """Note keys written without `---` fences: an error, and the note stays private.

    MkDocs reads `key: value` lines at the top of a file as metadata (MultiMarkdown style)
    and we would read them as text: the same file, two readings. `visibilite: prive` among
    the first lines, fences forgotten or mistyped, must not publish the note. A line of the
    file's head (before the first prose) counts when its key is one of ours or looks like a
    visibility key, so a page that starts with "Attention: …" is left alone. English
    aliases (`title`, `location`) count on the first key line only: further down they are
    as likely another tool's keys (a redirect's `location`), left as text.
    """
    if doc.has_front_matter:
        return False
    keys = [line for line in frontmatter.head_lines(doc.body.split("\n")) if line.key]
    for index, line in enumerate(keys):
        if frontmatter.is_note_key(line.key, aliases=index == 0):
            number = doc.body_line + line.number - 1
            reader.error("frontmatter-unfenced", number, {"key": line.key},
                         _fix("frontmatter-unfenced.fix", key=line.key))
            return True
    return False


# Invisible characters that break lines or drive terminals (U+0085 NEL, U+2028…): YAML reads
# them, but no value can be written back or shown as it was typed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _control_characters(reader: _Reader) -> bool:
    """Values holding invisible control characters: an error on the key, the note private."""
    found = False
    for key, value in reader.meta.items():
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend([*item.keys(), *item.values()])
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str) and (match := _CONTROL.search(item)):
                reader.error("control-character", reader.line(key), {"key": key, "code": f"U+{ord(match.group()):04X}"},
                             _fix("control-character.fix"))
                found = True
                break
    return found


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


def _feedback_statuses(reader: _Reader) -> list[Ref]:
    """`competences` of a feedback note: ids, each with `relue` or `validee`."""
    refs = reader.competences()
    found = []
    for ref in refs:
        status = schema.FEEDBACK_STATUSES.get(fold(str(ref.level))) if ref.level is not None else "relue"
        if status is None:
            reader.unknown_choice_at(ref.line, "competences", ref.level, ("relue", "validee"))
        found.append(Ref(ref.id, ref.line, status))
    return found


def _trace_file(reader: _Reader, note_path: str, settings: Settings) -> str | None:
    value = reader.text("fichier")
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


def _trace_link(reader: _Reader) -> str | None:
    value = reader.text("lien")
    if not value:
        return None
    if not _URL.fullmatch(value):
        reader.error("bad-url", reader.line("lien"), {"value": _shown(value)}, _fix("bad-url.fix"))
        return None
    return value


# -- The whole portfolio ----------------------------------------------------------------------


def load_portfolio(settings: Settings, paths: Iterable[str] | None = None) -> tuple[Portfolio, list[Problem]]:
    """Read the référentiel and every file of the portfolio (or the given `paths`).

    Every Markdown suffix MkDocs renders is a note (model.MARKDOWN_SUFFIXES). Files whose
    name or place we refuse are reported and left out, never read.
    """
    referentiel, problems = load_referentiel(settings)
    portfolio = Portfolio(referentiel)
    docs_dir = settings.docs_dir
    if paths is None:
        paths, refused = scan_portfolio(docs_dir)
        problems.extend(refused)
    reported = {p.params["path"] for p in problems if p.code.startswith("symlink-")}
    for path in paths:
        refused, problem = path_problem(docs_dir, path, reported)
        if refused:
            problems.extend([problem] if problem else [])
            continue
        if not is_markdown(path):
            portfolio.assets.append(path)
            continue
        try:
            raw = (docs_dir / path).read_bytes()
        except OSError as error:
            problems.append(unreadable_problem(path, error))
            portfolio.pages.append(Page(path=path, visibility=Visibility.PRIVATE))
            continue
        page, found = read_page(path, raw, settings)
        problems.extend(found)
        if isinstance(page, Note):
            portfolio.notes.append(page)
        elif page is not None:
            portfolio.pages.append(page)
    return portfolio, problems
