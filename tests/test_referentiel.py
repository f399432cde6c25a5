"""The référentiel: its structure problems name their line, in French and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from cheminement.load import load_referentiel
from cheminement.settings import Settings

BROKEN = """\
titre: Test
echelle: [Un, Deux, un]
domaines:
  - titre: Sans identifiant
  - id: relation
    competences:
      - titre: Sans identifiant non plus
      - id: "mauvais id"
        titre: X
      - id: ecoute
        titre: Écoute
  - id: relation
    competences: []
"""


def problems(tmp_path: Path, text: str) -> list:
    (tmp_path / "referentiel.yml").write_text(text, encoding="utf-8")
    _, found = load_referentiel(Settings(docs_dir=tmp_path))
    return found


def test_structure_problems_with_lines(tmp_path: Path) -> None:
    found = {(p.code, p.line) for p in problems(tmp_path, BROKEN)}
    assert found == {
        ("referentiel.scale-duplicate", 2),
        ("referentiel.domain-id", 4),
        ("referentiel.competence-id", 7),
        ("referentiel.bad-id", 8),
        ("referentiel-duplicate", 12),
    }


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_messages_in_both_languages(tmp_path: Path, lang: str) -> None:
    for problem in problems(tmp_path, BROKEN):
        assert problem.message(lang) and problem.suggestion(lang)
    text = " ".join(p.message("en") for p in problems(tmp_path, BROKEN))
    assert "domain no. 1 needs an \"id\"" in text and "invalid competence id \"mauvais id\"" in text


def test_not_a_mapping_and_bad_yaml(tmp_path: Path) -> None:
    assert [p.code for p in problems(tmp_path, "- a\n- b\n")] == ["referentiel.not-mapping"]
    bad = problems(tmp_path, "titre: x\ndomaines: [\n")
    assert [(p.code, p.line) for p in bad] == [("yaml-syntax", 2)]


def test_missing_referentiel_is_a_warning_unless_configured(tmp_path: Path) -> None:
    _, found = load_referentiel(Settings(docs_dir=tmp_path))
    assert [(p.code, str(p.severity)) for p in found] == [("referentiel-missing", "warning")]
    _, found = load_referentiel(Settings(docs_dir=tmp_path, referentiel=tmp_path / "absent.yml"))
    assert [(p.code, str(p.severity)) for p in found] == [("referentiel-missing", "error")]
