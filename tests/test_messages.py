"""The message catalogue: every entry in both languages, with the same placeholders."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from cheminement.messages import CATALOGUE, LANGUAGES, language, message

SOURCES = Path(__file__).parent.parent / "plugins" / "cheminement"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_entry_has_every_language_with_the_same_placeholders(key: str) -> None:
    entry = CATALOGUE[key]
    assert set(entry) == set(LANGUAGES)
    assert len({frozenset(placeholders(text)) for text in entry.values()}) == 1


def test_problem_codes_used_in_code_exist_in_the_catalogue() -> None:
    import re

    pattern = re.compile(r'(?:error|warning|Severity\.[A-Z]+,)\(?\s*"([a-z-]+)"|"([a-z-]+\.fix)"')
    used: set[str] = set()
    for path in SOURCES.glob("*.py"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            used.add(match.group(1) or match.group(2))
    assert {"unknown-competence", "bad-date.fix", "duplicate-id"} <= used
    assert sorted(code for code in used if code not in CATALOGUE) == []


def test_language_from_theme() -> None:
    assert language("fr-CA") == "fr" and language("en") == "en" and language("de") == "fr" and language(None) == "fr"
    assert message("ui.timeline", "en") == "Timeline"


def test_every_message_key_written_in_code_or_templates_exists() -> None:
    """A key used but not in the catalogue is a crash at build time (KeyError)."""
    import re

    templates = SOURCES.parent.parent / "themes" / "cheminement"
    used: set[str] = set()
    for path in SOURCES.glob("*.py"):
        used.update(re.findall(r'(?:message|Term|plural|_help)\(\s*"([a-z][\w.-]*)"', path.read_text(encoding="utf-8")))
    for path in (templates / "cheminement").glob("*.html"):  # partials/ use Material's lang.t
        used.update(re.findall(r'\bt\(\s*"([a-z][\w.-]*)"', path.read_text(encoding="utf-8")))
    used.discard("ui.count")  # plural("ui.count.<kind>", …) adds .one/.other
    used = {key for key in used if not key.endswith(".")}  # "kinds." ~ kind: completed at run time
    missing = sorted(key for key in used if key not in CATALOGUE and f"{key}.one" not in CATALOGUE)
    assert len(used) > 100
    assert missing == []
