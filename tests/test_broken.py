"""A corpus of broken notes: every realistic mistake gets a precise, French, actionable problem.

Each folder of `tests/broken/` holds the file(s) of one case, at their path inside a
portfolio, and an `expected.yml` naming the problem(s) `cheminement check` must report
(file, line, code, severity and words the message or suggestion must contain). Folders named
`valid-*` hold tricky notes that must produce no problem at all.

Every case is copied over the valid portfolio of `tests/fixtures/base/` and checked three
ways: through `analyse`, through the CLI in-process, and (all cases at once) through the
installed `cheminement` console script.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cheminement.check import analyse
from cheminement.cli import main
from cheminement.model import Problem
from cheminement.settings import Settings

TESTS = Path(__file__).parent
BASE = TESTS / "fixtures" / "base"
BROKEN = TESTS / "broken"
EXPECTED = "expected.yml"
ENTRY_KEYS = {"file", "line", "code", "severity", "contains"}

CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


# -- Corpus helpers ------------------------------------------------------------------------


def case_files(case: str) -> list[Path]:
    """The files of one case, relative to the case folder (expected.yml excluded)."""
    folder = BROKEN / case
    return sorted(
        p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and p.relative_to(folder) != Path(EXPECTED)
    )


def expected_entries(case: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((BROKEN / case / EXPECTED).read_text(encoding="utf-8"))
    entries = [] if data is None else data if isinstance(data, list) else [data]
    for entry in entries:
        assert set(entry) == ENTRY_KEYS, f"{case}/{EXPECTED}: keys {sorted(entry)}"
        assert entry["severity"] in ("error", "warning"), f"{case}/{EXPECTED}: severity"
        assert entry["line"] is None or isinstance(entry["line"], int), f"{case}/{EXPECTED}: line"
        assert isinstance(entry["contains"], list), f"{case}/{EXPECTED}: contains must be a list"
    return entries


def is_valid_case(case: str) -> bool:
    return case.startswith("valid-")


def has_error(case: str) -> bool:
    return any(entry["severity"] == "error" for entry in expected_entries(case))


def copy_case(case: str, portfolio: Path) -> None:
    for rel in case_files(case):
        target = portfolio / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BROKEN / case / rel, target)


def make_portfolio(tmp_path: Path, *cases: str) -> Path:
    portfolio = tmp_path / "portfolio"
    shutil.copytree(BASE, portfolio)
    for case in cases:
        copy_case(case, portfolio)
    return portfolio


def text_of(problem: Problem, lang: str = "fr") -> str:
    return problem.message(lang) + " " + problem.suggestion(lang)


def describe(problems: list[Problem]) -> str:
    return "\n".join(
        f"  {p.file}:{p.line} {p.severity} {p.code}: {text_of(p)}" for p in problems
    ) or "  (no problem)"


def matches(problem: Problem, entry: dict[str, Any]) -> bool:
    return (
        problem.file == entry["file"]
        and problem.line == entry["line"]
        and problem.code == entry["code"]
        and str(problem.severity) == entry["severity"]
        and all(part in text_of(problem) for part in entry["contains"])
    )


def section(output: str, file: str) -> str:
    """The lines the text report prints under `file` (its header is the bare path)."""
    lines = output.splitlines()
    found: list[str] = []
    inside = False
    for line in lines:
        if line == file:
            inside = True
            continue
        if inside and (not line.startswith(" ") or not line.strip()):
            inside = False
        if inside:
            found.append(line)
    return "\n".join(found)


# -- The corpus itself ---------------------------------------------------------------------


def test_corpus_is_large_enough_and_well_formed() -> None:
    broken = [c for c in CASES if not is_valid_case(c)]
    valid = [c for c in CASES if is_valid_case(c)]
    assert len(broken) >= 34
    assert len(valid) >= 3
    for case in CASES:
        assert (BROKEN / case / EXPECTED).is_file(), case
        assert case_files(case), f"{case} has no file"
        entries = expected_entries(case)
        if is_valid_case(case):
            assert entries == [], case
        else:
            assert entries, f"{case} expects no problem but is not a valid-* case"
            for entry in entries:
                assert (BROKEN / case / entry["file"]).is_file(), f"{case}: {entry['file']} is not in the case"


def test_case_paths_never_collide() -> None:
    """All cases fit in one portfolio: no two cases, and no case and the base, share a path."""
    owner: dict[Path, str] = {p.relative_to(BASE): "base" for p in BASE.rglob("*") if p.is_file()}
    for case in CASES:
        for rel in case_files(case):
            assert rel not in owner, f"{rel} is used by both {owner[rel]} and {case}"
            owner[rel] = case


# -- 1. analyse() --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_analyse_reports_expected_problems(case: str, tmp_path: Path) -> None:
    portfolio = make_portfolio(tmp_path, case)
    report = analyse(Settings(docs_dir=portfolio))
    problems = report.problems

    assert all(p.file for p in problems), "a problem without a file:\n" + describe(problems)
    for problem in problems:
        # Every problem must print in both languages without a formatting error.
        assert text_of(problem, "fr").strip()
        assert text_of(problem, "en").strip()

    entries = expected_entries(case)
    if is_valid_case(case):
        assert problems == [], f"{case} should be clean, got:\n" + describe(problems)
        return
    for entry in entries:
        assert any(matches(p, entry) for p in problems), (
            f"{case}: expected {entry['severity']} {entry['code']} at {entry['file']}:{entry['line']} "
            f"containing {entry['contains']}; got:\n" + describe(problems)
        )
    expected_errors = sum(1 for entry in entries if entry["severity"] == "error")
    assert len(report.errors) >= expected_errors, describe(problems)
    if expected_errors == 0:
        assert report.errors == [], f"{case} should only warn, got:\n" + describe(problems)


# -- 2. The CLI, in-process ----------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_cli_check_reports_case(case: str, tmp_path: Path) -> None:
    portfolio = make_portfolio(tmp_path, case)
    result = CliRunner().invoke(main, ["check", str(portfolio)])
    output = result.output

    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    assert result.exit_code == (1 if has_error(case) else 0), output
    if is_valid_case(case):
        assert "0 erreur(s), 0 avertissement(s)" in output, output
    for entry in expected_entries(case):
        assert entry["file"] in output.splitlines(), f"{entry['file']} not a header in:\n{output}"
        block = section(output, entry["file"])
        label = "erreur" if entry["severity"] == "error" else "avertissement"
        assert label in block, output
        if entry["line"] is not None:
            assert re.search(rf"\bligne {entry['line']}\b", block), f"ligne {entry['line']} missing in:\n{output}"
        for part in entry["contains"]:
            assert part in block, f"{part!r} missing under {entry['file']} in:\n{output}"


# -- 3. The console script, on every case at once --------------------------------------------


def _script() -> Path:
    script = Path(sys.executable).parent / "cheminement"
    assert script.is_file(), f"console script not found: {script}"
    return script


def _run_script(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [str(_script()), *args], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120
    )


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_portfolio(tmp_path_factory.mktemp("all"), *CASES)


def test_console_script_on_all_cases(everything: Path) -> None:
    result = _run_script("check", str(everything))
    assert "Traceback" not in result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    headers = set(result.stdout.splitlines())
    missing = sorted(
        {entry["file"] for case in CASES for entry in expected_entries(case)} - headers
    )
    assert not missing, f"files never named in the report: {missing}\n{result.stdout}"


def test_console_script_json_on_all_cases(everything: Path) -> None:
    result = _run_script("check", "--format", "json", str(everything))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list) and data
    for item in data:
        assert isinstance(item, dict)
        assert {"file", "line", "severity", "message", "suggestion"} <= set(item), item
        assert item["file"], item
        assert item["severity"] in ("error", "warning"), item
        assert item["line"] is None or isinstance(item["line"], int), item
        assert isinstance(item["message"], str) and item["message"], item
        assert isinstance(item["suggestion"], str), item
    reported = {item["file"] for item in data}
    expected = {entry["file"] for case in CASES for entry in expected_entries(case)}
    assert not expected - reported, sorted(expected - reported)


# -- 4. English ------------------------------------------------------------------------------


def test_cli_english_messages(tmp_path: Path) -> None:
    portfolio = make_portfolio(tmp_path, "competence-inconnue")
    result = CliRunner().invoke(main, ["check", "--langue", "en", str(portfolio)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "recits/competence-inconnue.md" in result.output
    assert "line 5" in result.output
    assert 'Unknown competence "écoute-active"' in result.output
    assert 'Did you mean "ecoute-active"?' in result.output
    assert "Compétence inconnue" not in result.output
    assert "error(s)" in result.output
