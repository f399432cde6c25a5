"""The publication manifest: what a build published, to compare with the next one.

Written into the site as `cheminement-manifeste.json`. It lists public source paths and a
hash of their content only, so publishing it reveals nothing the site does not already
show. `cheminement publication --depuis` reads it back to say what is new, changed and
removed since that build.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Note, Portfolio

FILENAME = "cheminement-manifeste.json"
FORMAT = 1


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def build_manifest(public: Portfolio, docs_dir: Path, previewed: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    """Public source paths with a short content hash and, for notes, their title."""
    entries: dict[str, dict[str, str]] = {}
    for page in [*public.notes, *public.pages]:
        if page.path not in previewed:
            entry = {"hash": digest(docs_dir / page.path), "title": page.title}
            if isinstance(page, Note):
                entry["kind"] = page.kind.value
            entries[page.path] = entry
    for asset in public.assets:
        if asset not in previewed and (docs_dir / asset).is_file():
            entries[asset] = {"hash": digest(docs_dir / asset)}
    return {"format": FORMAT, "files": dict(sorted(entries.items()))}


def write(site_dir: Path, manifest: dict[str, Any]) -> None:
    (site_dir / FILENAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def read(path: Path) -> dict[str, Any]:
    """A manifest file, or the site folder that holds one; ValueError when unreadable."""
    if path.is_dir():
        path = path / FILENAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(str(error)) from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise ValueError(f"{path}: not a Cheminement manifest")
    return data


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
