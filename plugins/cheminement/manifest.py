"""The publication manifest: what a build published, to compare with the next one.

Written into the site as `cheminement-manifeste.json`. It lists public source paths and a
hash of their published form only (`publish.PublishedText.fingerprint`: what the stage
writes, without comments and links to private notes), so publishing it reveals nothing the site does not
already show: a hash of the source bytes would let anyone confirm a guess about a hidden
`%% comment %%`, and flag a note as changed when only its comment did. `cheminement
publication --depuis` reads it back to say what is new, changed and removed since that build.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .messages import message
from .model import Kind, Note, Portfolio
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


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def build_manifest(public: Portfolio, docs_dir: Path, previewed: Set[str] = frozenset(),
                   private: Set[str] | None = None, folders: Mapping[str, Kind] | None = None) -> dict[str, Any]:
    """Public source paths with a short hash of their published form and, for notes, their title.

    `private` (the publication's private paths) and `folders` (the settings') say how links
    are redacted; without `private`, every file of `docs_dir` that is not published counts
    as private, which redacts the same links or more (fail closed).
    """
    shown = _without(public, previewed)
    hidden = set(private if private is not None else _unpublished(docs_dir, shown)) | set(previewed)
    form = PublishedText(shown, hidden, folders or DEFAULT_FOLDERS)
    entries: dict[str, dict[str, str]] = {}
    for page in [*shown.notes, *shown.pages]:
        entry = {"hash": text_digest(form.fingerprint(page)), "title": page.title}
        if isinstance(page, Note):
            entry["kind"] = page.kind.value
        entries[page.path] = entry
    for asset in shown.assets:
        if (docs_dir / asset).is_file():
            entries[asset] = {"hash": digest(docs_dir / asset)}
    return {"format": FORMAT, "files": dict(sorted(entries.items()))}


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
    for source, entry in data["files"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("hash"), str):
            raise ManifestError("bad-entry", path=_short(source))
        if any(not isinstance(entry.get(key, ""), str) for key in ("title", "kind")):
            raise ManifestError("bad-entry", path=_short(source))
    return data


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
