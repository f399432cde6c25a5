"""The benchmark works (a smoke run at N = 100); speed itself is measured by benchmarks/run.py."""

from __future__ import annotations

import os
import subprocess
import sys

from kit import ROOT


def test_benchmark_smoke_run() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "100" in result.stdout
