"""What users feel, next to the build times of run.py: save-to-visible under serve
(latency.py) and an institution's `build-all` (institution.py's `measure_build_all`).

Each part returns the lines of its report section and the failures to report; a part whose
tool is missing (a command not written yet) is skipped with a note, not a failure.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import latency


def sections(serve: tuple[Path, int, int] | None, build_all: str, tools: dict[str, str], env: dict[str, str],
             log_dir: Path, timeout: float, target: float) -> tuple[list[str], list[str]]:
    """Both parts: `serve` is (portfolio folder, N, repeats) or None to skip; `build_all` is
    "MxK" (M portfolios of about K notes) or "0" to skip. The sections' text, and failures."""
    texts: list[str] = []
    failures: list[str] = []
    if serve is not None:
        lines, failed = serve_section(*serve, timeout, tools, env, log_dir, target)
        texts.append("\n".join(lines))
        failures += failed
    count, _, notes = build_all.partition("x")
    if count.isdigit() and int(count) > 0:
        lines, failed = build_all_section(int(count), int(notes) if notes.isdigit() else 50, env)
        texts.append("\n".join(lines))
        failures += failed
    return texts, failures


def serve_section(out: Path, n: int, repeats: int, timeout: float, tools: dict[str, str], env: dict[str, str],
                  log_dir: Path, target: float) -> tuple[list[str], list[str]]:
    """Save-to-visible of the three servers on the portfolio in `out`; (lines, failures)."""
    results = latency.run_all(out, tools, env, repeats, timeout, log_dir)
    lines = latency.report(results, n, repeats)
    by_name = {r.name: r for r in results}
    bare, incremental = by_name["bare"], by_name["plugin incremental"]
    ratios = [incremental.median(e) / bare.median(e) for e in latency.EDITS]
    if all(math.isfinite(r) for r in ratios):
        verdict = "**met**" if max(ratios) <= target else "**not met**"
        shown = ", ".join(f"{e} {r:.2f} ×" for e, r in zip(latency.EDITS, ratios, strict=True))
        lines += ["", f"Target: plugin incremental ≤ {target} × bare serve for every edit: {shown}: {verdict}."]
    else:
        lines += ["", f"Target: plugin incremental ≤ {target} × bare serve: not measured."]
    # A server that exists but never showed an edit is a product bug; a missing command is not.
    failures = [f"serve {r.name}: {r.note}" for r in results
                if r.note and "does not exist" not in r.note and "names no address" not in r.note]
    return lines, failures


# `build-all` of 200 portfolios of about 53 notes with 2 processes, measured on 2026-11-28 before
# the isolation work (each learner's build sandboxed, shared assets): RESULTS.md of that day.
BEFORE_ISOLATION = {(200, 50): 69.1}
TARGET_BUILD_ALL = 1.15  # after / before, at most


def build_all_section(count: int, notes: int, env: dict[str, str] | None = None,
                      finder: Callable[[], object] | None = None) -> tuple[list[str], list[str]]:
    """`cheminement build-all` over `count` portfolios of about `notes` notes, with the shared
    asset store and with `--autonome` (each portfolio its own copy); (lines, failures).
    `env` is the environment build-all runs in (the code under test on PYTHONPATH)."""
    lines = ["## Institutions: `build-all`, shared store and `--autonome`", ""]
    try:
        module = finder() if finder else importlib.import_module("institution")
    except ImportError as error:
        return [*lines, f"Not measured: benchmarks/institution.py cannot be imported ({error})."], []
    measure = getattr(module, "measure_build_all", None)
    if measure is None:
        return [*lines, "Not measured: benchmarks/institution.py has no `measure_build_all(count, notes, workdir)` "
                        "yet."], []
    runs: dict[str, dict[str, object]] = {}
    workdir = Path(tempfile.mkdtemp(prefix="chm-build-all-"))
    saved = dict(os.environ)
    os.environ.update(env or {})  # measure_build_all runs build-all in this process's environment
    try:
        for name, options in (("shared store", ()), ("--autonome", ("--autonome",))):
            result = measure(count, notes, workdir, *options)
            runs[name] = result if isinstance(result, dict) else {"result": result}
    except (Exception, SystemExit) as error:  # noqa: BLE001 - reported, the other parts go on
        return [*lines, f"Failed: {type(error).__name__}: {error}"], [f"build-all: {type(error).__name__}: {error}"]
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(workdir, ignore_errors=True)
    names = list(runs)
    keys = list(dict.fromkeys(key for run in runs.values() for key, _ in _flat(run)))
    lines += [f"{count} portfolios of about {notes} notes (`benchmarks/institution.py`, `measure_build_all`), "
              "once with the shared asset store, once with `--autonome`:", "",
              "| measure | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    flat = {name: dict(_flat(run)) for name, run in runs.items()}
    lines += [f"| {key} | " + " | ".join(_value(flat[name].get(key, "—")) for name in names) + " |" for key in keys]
    shared, alone = flat["shared store"], flat["--autonome"]
    lines.append("")
    for key, label in (("seconds", "time"), ("total_bytes", "bytes published")):
        mine, theirs = _number(shared.get(key)), _number(alone.get(key))
        if mine and theirs:
            lines.append(f"- {label}, shared store / `--autonome`: {mine / theirs:.2f} ×")
    before, seconds = BEFORE_ISOLATION.get((count, notes)), _number(shared.get("seconds"))
    if before and seconds:
        ratio = seconds / before
        verdict = "**met**" if ratio <= TARGET_BUILD_ALL else "**not met**"
        lines.append(f"- time after / before the isolation work ({before} s on 2026-11-28, RESULTS.md): "
                     f"{ratio:.2f} × (target ≤ {TARGET_BUILD_ALL} ×): {verdict}")
    return lines, []


def _number(value: object) -> float:
    """A positive measurement as a float, else 0.0 (missing, a flag, text)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    return 0.0


def _flat(value: object, prefix: str = "") -> list[tuple[str, object]]:
    """A nested result as (dotted key, value) rows, in its own order."""
    if isinstance(value, dict):
        rows: list[tuple[str, object]] = []
        for key, inner in value.items():
            rows += _flat(inner, f"{prefix}{key}.")
        return rows
    return [(prefix.rstrip("."), value)]


def _value(value: object) -> str:
    if isinstance(value, float):
        return str(round(value, 3))
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, tuple)) else str(value)
