"""Shared fixtures: small portfolios copied into temporary folders (helpers in kit.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kit import FIXTURES, ROOT, TESTS, Portfolio  # noqa: F401 - re-exported for the browser tests


@pytest.fixture
def portfolio(tmp_path: Path) -> Portfolio:
    """The base fixture portfolio (tests/fixtures/base) ready to build."""
    shutil.copytree(FIXTURES / "base", tmp_path / "docs")
    folio = Portfolio(tmp_path)
    folio.configure()
    return folio


@pytest.fixture
def empty_portfolio(tmp_path: Path) -> Portfolio:
    (tmp_path / "docs").mkdir()
    folio = Portfolio(tmp_path)
    folio.configure()
    return folio
