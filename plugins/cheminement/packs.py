"""Framework packs shipped with Cheminement: CRCN, DigComp 2.2 (`packs/<name>.<lang>.yml`).

A pack is one framework in the référentiel format (id, titre, echelle, domaines, plus
version, source and licence); `referentiel importer crcn` and `init --referentiel crcn` put it
beside the learner's own. A pack exists in one or more languages; a portfolio in another
language gets the pack's first language (the CRCN is French only).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

PACKAGE = "cheminement"
FOLDER = "packs"
FALLBACK = ("fr", "en")  # the order a missing language is replaced in


@dataclass(frozen=True)
class Pack:
    """One pack in one language: its name, the language found, and its framework."""

    name: str
    lang: str
    framework: dict[str, Any]


def _files() -> dict[tuple[str, str], str]:
    """(name, lang) -> file name, for every pack file shipped."""
    found = {}
    for entry in resources.files(PACKAGE).joinpath(FOLDER).iterdir():
        parts = entry.name.split(".")
        if len(parts) == 3 and parts[2] == "yml":
            found[(parts[0], parts[1])] = entry.name
    return found


def names() -> list[str]:
    """The packs one can ask for, sorted: `crcn`, `digcomp`."""
    return sorted({name for name, _ in _files()})


def is_pack(name: str) -> bool:
    return name.strip().lower() in names()


def languages(name: str) -> list[str]:
    return sorted(lang for pack, lang in _files() if pack == name)


def load(name: str, lang: str) -> Pack:
    """The pack `name` in `lang`, else in the first language of FALLBACK it has.

    Raises KeyError for an unknown name (callers check `is_pack` to word their message).
    """
    name = name.strip().lower()
    files = _files()
    offered = languages(name)
    if not offered:
        raise KeyError(name)
    chosen = lang if lang in offered else next((f for f in FALLBACK if f in offered), offered[0])
    text = resources.files(PACKAGE).joinpath(FOLDER, files[(name, chosen)]).read_text(encoding="utf-8")
    return Pack(name, chosen, yaml.safe_load(text))
