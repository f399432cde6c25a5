"""The one catalogue of user-facing text: validation messages, CLI output and page labels.

French is the default language, English comes with `langue: en`. The text lives in
`catalogue/*.yml`, one file per area (reading files, references, pages, CLI…), each entry
keeping both languages side by side so that a message cannot be added in one language only
(a test checks that both exist with the same placeholders). The files are data, not code:
translators and contributors edit them without touching Python.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("fr", "en")


class CatalogueError(Exception):
    """A catalogue file is malformed: a bug in the package, caught by the tests."""


def _load() -> dict[str, dict[str, str]]:
    catalogue: dict[str, dict[str, str]] = {}
    loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    folder = resources.files(__package__).joinpath("catalogue")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yml"):
            continue
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=loader) or {}
        for key, texts in data.items():
            if key in catalogue:
                raise CatalogueError(f"catalogue/{entry.name}: '{key}' is already defined in another file")
            catalogue[str(key)] = {str(lang): str(text) for lang, text in texts.items()}
    return catalogue


CATALOGUE: dict[str, dict[str, str]] = _load()


class Term(str):
    """A catalogue key passed as a message parameter, translated when the message is shown."""


def message(key: str, lang: str = "fr", /, **params: Any) -> str:
    """The text of `key` in `lang` (French when the language is unknown), formatted."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry["fr"]
    shown = {name: message(value, lang) if isinstance(value, Term) else value for name, value in params.items()}
    return text.format(**shown)


def plural(key: str, count: int, lang: str = "fr") -> str:
    """`key.one` or `key.other`; French treats 0 and 1 as singular, English only 1."""
    one = count in (0, 1) if lang == "fr" else count == 1
    return message(f"{key}.{'one' if one else 'other'}", lang, n=count)


# C0 and C1 control characters (tabs aside), DEL, and Unicode's line and paragraph separators: a
# value quoted from a portfolio must not move the cursor, erase lines or retitle the terminal
# it is shown in, nor start a line of its own, which a CI runner would read as a command
# (`::error …`) and an editor's problem matcher as another problem.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """One line safe to print on a terminal or a CI log: control characters shown as `\\xNN`."""
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def language(value: str | None) -> str:
    """Map a theme language such as `fr-CA` or `en` to a catalogue language."""
    base = (value or "fr").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else "fr"
