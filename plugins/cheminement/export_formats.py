"""Which formats `cheminement export` writes, and how: one table, so adding a format is one entry.

Each writer gets the portfolio as loaded (the writer filters it through `publish`, like the
site) and returns text or, for a word-processor file, bytes. Engine-free.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from . import export as export_module
from . import export_docx, export_openbadges
from .export_jsonresume import as_jsonresume
from .model import Portfolio
from .settings import Settings


@dataclass(frozen=True)
class Options:
    """What the command line lets the learner choose, whatever the format."""

    lang: str
    separator: str = ";"


@dataclass(frozen=True)
class Output:
    content: str | bytes
    # What to tell the learner once the file is written (e.g. "not signed"), in their language.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Format:
    write: Callable[[Portfolio, Settings, Options], Output]
    # A binary file cannot go to the terminal: `--sortie` is then required, and named with this suffix.
    suffix: str | None = None


def _json_text(data: object) -> Output:
    return Output(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _openbadges(portfolio: Portfolio, settings: Settings, options: Options) -> Output:
    badges = export_openbadges.as_openbadges(portfolio, settings, options.lang)
    return Output(export_openbadges.archive(badges, options.lang), tuple(badges.notes))


FORMATS: dict[str, Format] = {
    "json": Format(lambda portfolio, settings, _options: _json_text(export_module.as_json(portfolio, settings))),
    "jsonresume": Format(lambda portfolio, settings, _options: _json_text(as_jsonresume(portfolio, settings))),
    "csv": Format(lambda portfolio, settings, options: Output(
        export_module.as_csv(portfolio, settings, options.lang, options.separator))),
    "docx": Format(lambda portfolio, settings, options: Output(export_docx.as_docx(portfolio, settings, options.lang)), "docx"),
    "openbadges": Format(_openbadges, "zip"),
}
