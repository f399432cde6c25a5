"""The publication manifest: what a build published, to compare with the next one.

Written into the site as `cheminement-manifeste.json`. It lists public source paths and a
hash of their published form only (`publish.PublishedText.fingerprint`: what the stage
writes, without comments and links to private notes), so publishing it reveals nothing the site does not
already show: a hash of the source bytes would let anyone confirm a guess about a hidden
`%% comment %%`, and flag a note as changed when only its comment did. `cheminement
publication --depuis` reads it back to say what is new, changed and removed since that build.

For notes it also keeps what the "Nouveautés" page says changed (`note_record`): a hash per
`##` section under its heading, the competences claimed with their levels, the traces linked
and a hash of the other fields, all from the same published form. A manifest written before
these keys existed still compares; its notes are then "changed" without detail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .mdsource import code_regions
from .messages import message
from .model import CompetencePage, Kind, Note, Page, Portfolio, Recit, Referentiel, Retour
from .publish import PublishedText
from .scan import portfolio_files
from .settings import DEFAULT_FOLDERS

FILENAME = "cheminement-manifeste.json"
FORMAT = 1
# A manifest lists one line per published file: 64 MB is hundreds of thousands of files.
MAX_BYTES = 64 * 1024 * 1024


class ManifestError(ValueError):
    """A previous manifest we cannot use; its text comes from the catalogue.

    A ValueError so that callers keep one `except`; `str()` is the French message, and
    `message(lang)` gives it in the learner's language.
    """

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str = "fr") -> str:
        return message(f"manifest.{self.code}", lang, **self.params)

    def __str__(self) -> str:
        return self.message()


RecordMaker = Callable[[PublishedText, Page, Referentiel], dict[str, Any]]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def build_manifest(public: Portfolio, docs_dir: Path, previewed: Set[str] = frozenset(),
                   private: Set[str] | None = None, folders: Mapping[str, Kind] | None = None,
                   today: dt.date | None = None, record: RecordMaker | None = None) -> dict[str, Any]:
    """Public source paths with a short hash of their published form and, for notes, their
    title and what `note_record` keeps; `today`, the build's date, says what a later
    "Nouveautés" page compares with.

    `private` (the publication's private paths) and `folders` (the settings') say how links
    are redacted; without `private`, every file of `docs_dir` that is not published counts
    as private, which redacts the same links or more (fail closed). `record` makes a note's
    entry (`note_record`, or a memo of it that serve keeps between rebuilds: reread.py).
    """
    shown, form = published_form(public, docs_dir, previewed, private, folders)
    entries: dict[str, dict[str, Any]] = {}
    for page in [*shown.notes, *shown.pages]:
        entries[page.path] = (record or note_record)(form, page, public.referentiel)
    for asset in shown.assets:
        if (docs_dir / asset).is_file():
            entries[asset] = {"hash": digest(docs_dir / asset)}
    data: dict[str, Any] = {"format": FORMAT}
    if today is not None:
        data["date"] = today.isoformat()
    data["files"] = dict(sorted(entries.items()))
    return data


def published_form(public: Portfolio, docs_dir: Path, previewed: Set[str] = frozenset(),
                   private: Set[str] | None = None, folders: Mapping[str, Kind] | None = None,
                   ) -> tuple[Portfolio, PublishedText]:
    """The public portfolio without previewed notes, and the published form of its pages
    (see `build_manifest` for `private` and `folders`)."""
    shown = _without(public, previewed)
    hidden = set(private if private is not None else _unpublished(docs_dir, shown)) | set(previewed)
    return shown, PublishedText(shown, hidden, folders or DEFAULT_FOLDERS)


def note_record(form: PublishedText, page: Page, referentiel: Referentiel) -> dict[str, Any]:
    """A page's manifest entry, from its published form only (never a comment, never the
    id of a private note): what a later build compares with.

    Feedback notes keep no detail: their statuses are not claims, and whether an earlier
    version was public depends on the note it was about.
    """
    published, flat_body = form.meta(page), form.body(page, flat_links=True)  # each once: the costly part
    entry: dict[str, Any] = {"hash": text_digest(form.fingerprint_of(published, flat_body)), "title": page.title}
    if not isinstance(page, Note):
        return entry
    entry["kind"] = page.kind.value
    if isinstance(page, Retour):
        return entry
    meta = {key: value for key, value in published.items() if key not in ("competences", "traces")}
    entry["meta"] = text_digest(json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str))
    entry["sections"] = {heading: text_digest(text) for heading, text in sections(flat_body)}
    if isinstance(page, CompetencePage):
        scale = referentiel.scale_for(page.id, page.domain)
        claims = {page.id: scale.rank(page.level)} if page.level is not None else {}
    else:  # each level read against its competence's framework's scale
        claims = {ref.id: referentiel.rank(ref.id, ref.level) if ref.level is not None else None
                  for ref in page.competences if ref.id in form.competences}
    entry["competences"] = dict(sorted(claims.items()))
    if isinstance(page, Recit):
        entry["traces"] = sorted({ref.id for ref in page.traces if (Kind.TRACE, ref.id) in form.notes})
    return entry


# A level-2 ATX heading (`## Titre`, `##` alone); `###` is not one. Its closing hashes and
# attribute list (`{#id}`) are not part of its words.
_H2 = re.compile(r" {0,3}##(?:[ \t]+(.*))?")
_CLOSING = re.compile(r"(?:[ \t]+#+)?[ \t]*(?:\{[^{}]*\})?[ \t]*$")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def sections(body: str) -> list[tuple[str, str]]:
    """A body cut at its `##` headings, outside code: (heading, text) with the whitespace
    of each paragraph folded, so that re-wrapping lines or a blank line more rewrites
    nothing (a paragraph split does). The text before the first heading comes under ""
    when there is any; a repeated heading gets " (2)".
    """
    code = code_regions(body)
    found: list[tuple[str, list[str]]] = [("", [])]
    offset = 0
    for line in body.split("\n"):
        match = _H2.fullmatch(line)
        if match and not any(start <= offset < end for start, end in code):
            found.append((_CLOSING.sub("", match.group(1) or "").strip(), []))
        else:
            found[-1][1].append(line)
        offset += len(line) + 1
    seen: dict[str, int] = {}
    result: list[tuple[str, str]] = []
    for index, (heading, lines) in enumerate(found):
        text = "\n\n".join(" ".join(part.split()) for part in _PARAGRAPHS.split("\n".join(lines)) if part.strip())
        if index == 0 and not text:
            continue
        seen[heading] = seen.get(heading, 0) + 1
        result.append((heading if seen[heading] == 1 else f"{heading} ({seen[heading]})", text))
    return result


def _without(public: Portfolio, previewed: Set[str]) -> Portfolio:
    """The public portfolio without the private notes a preview shows in place."""
    if not previewed:
        return public
    return Portfolio(
        public.referentiel,
        [note for note in public.notes if note.path not in previewed],
        [page for page in public.pages if page.path not in previewed],
        [asset for asset in public.assets if asset not in previewed],
    )


def _unpublished(docs_dir: Path, public: Portfolio) -> set[str]:
    """Every file of the portfolio folder that `public` does not hold."""
    published = {page.path for page in [*public.notes, *public.pages]} | set(public.assets)
    return set(portfolio_files(docs_dir)) - published


def write(site_dir: Path, manifest: dict[str, Any]) -> None:
    (site_dir / FILENAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def read(path: Path) -> dict[str, Any]:
    """A manifest file, or the site folder that holds one; ManifestError (a ValueError)
    when it cannot be used.

    The file comes from a previous build or from anyone (`--depuis`, `depuis:`), so it is
    read as untrusted: a size limit before reading (a FIFO or /dev/zero never ends), and
    the shape `compare` relies on checked entry by entry, so that a wrong manifest is one
    clear sentence, never a traceback.
    """
    if path.is_dir():
        path = path / FILENAME
    return validate(_load_json(path))


def _load_json(path: Path) -> object:
    try:
        if not path.is_file():
            raise ManifestError("not-a-file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise ManifestError("unreadable", detail=error.strerror or type(error).__name__) from None
    if len(raw) > MAX_BYTES:
        raise ManifestError("too-large", limit=MAX_BYTES // (1024 * 1024))
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ManifestError("not-json", line=1, column=1) from None
    except json.JSONDecodeError as error:
        raise ManifestError("not-json", line=error.lineno, column=error.colno) from None
    except RecursionError:
        raise ManifestError("too-deep") from None


def validate(data: object) -> dict[str, Any]:
    """The manifest if it has the shape `compare` and the changes page rely on."""
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise ManifestError("not-manifest")
    found = data.get("format", FORMAT)
    if found != FORMAT:
        raise ManifestError("bad-format", found=_short(found), expected=FORMAT)
    if "date" in data and built_on(data) is None:
        raise ManifestError("not-manifest")
    for source, entry in data["files"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("hash"), str) or not _valid_details(entry):
            raise ManifestError("bad-entry", path=_short(source))
        if any(not isinstance(entry.get(key, ""), str) for key in ("title", "kind")):
            raise ManifestError("bad-entry", path=_short(source))
    return data


def _valid_details(entry: dict[str, Any]) -> bool:
    """Whether the optional keys of `note_record`, when present, have their shape."""
    sections, claims, traces = entry.get("sections", {}), entry.get("competences", {}), entry.get("traces", [])
    return (isinstance(entry.get("meta", ""), str)
            and isinstance(sections, dict) and all(isinstance(v, str) for v in sections.values())
            and isinstance(claims, dict)
            and all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in claims.values())
            and isinstance(traces, list) and all(isinstance(v, str) for v in traces))


def built_on(data: Mapping[str, Any]) -> dt.date | None:
    """The date of the build that wrote a manifest, when it says (older ones do not)."""
    value = data.get("date")
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _short(value: object) -> str:
    """A value as a message quotes it: short, and never the repr of a huge structure."""
    text = value if isinstance(value, str) else repr(value) if isinstance(value, (int, float, bool)) or value is None else type(value).__name__
    return text if len(text) <= 80 else text[:79] + "…"


@dataclass
class Changes:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def compare(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    old, new = before["files"], after["files"]
    return Changes(
        new=sorted(set(new) - set(old)),
        changed=sorted(p for p in set(new) & set(old) if new[p].get("hash") != old[p].get("hash")),
        removed=sorted(set(old) - set(new)),
    )


def in_language(error: ValueError, lang: str) -> str:
    """A manifest error's text in the learner's language (other errors as they are)."""
    return error.message(lang) if isinstance(error, ManifestError) else str(error)
