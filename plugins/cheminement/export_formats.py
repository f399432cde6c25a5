"""Which formats `cheminement export` writes, and how: one table, so adding a format is one entry.

Each writer gets the portfolio as loaded (the writer filters it through `publish`, like the
site) and returns text or, for a word-processor file, bytes. Engine-free.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from . import export as export_module
from .export_jsonresume import as_jsonresume
from .model import Portfolio
from .settings import Settings


@dataclass(frozen=True)
class Options:
    """What the command line lets the learner choose, whatever the format."""

    lang: str
    separator: str = ";"


@dataclass(frozen=True)
class Format:
    write: Callable[[Portfolio, Settings, Options], str | bytes]
    # A binary file cannot go to the terminal: `--sortie` is then required.
    binary: bool = False


def _json_text(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Format] = {
    "json": Format(lambda portfolio, settings, _options: _json_text(export_module.as_json(portfolio, settings))),
    "jsonresume": Format(lambda portfolio, settings, _options: _json_text(as_jsonresume(portfolio, settings))),
    "csv": Format(lambda portfolio, settings, options: export_module.as_csv(portfolio, settings, options.lang, options.separator)),
}
