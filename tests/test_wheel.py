"""The wheel carries everything a portfolio needs: code, templates, CSS and starter files."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from kit import ROOT


def test_a_portfolio_builds_from_the_wheel_alone(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(wheels.glob("mkdocs_cheminement-*.whl"))
    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    # Run from a folder outside the repository, with the wheel's copy first on the path.
    env = {**os.environ, "PYTHONPATH": str(installed), "NO_MKDOCS_2_WARNING": "1"}
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str) -> str:
        result = subprocess.run([sys.executable, *args], cwd=work, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    location = run("-c", "import cheminement, cheminement.theme; print(cheminement.__file__); print(cheminement.theme.__file__)")
    assert all(line.startswith(str(installed)) for line in location.split())
    run("-m", "cheminement", "init", "folio", "--referentiel", "crcn")
    run("-m", "mkdocs", "build", "--strict", "-f", "folio/mkdocs.yml")
    site = work / "folio" / "site"
    assert (site / "assets" / "cheminement" / "cheminement.css").is_file()
    assert "chm-timeline" in (site / "chronologie" / "index.html").read_text(encoding="utf-8")
