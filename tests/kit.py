"""Test helpers shared by the test modules: a portfolio in a temporary folder, built for real.

Kept out of conftest.py so that test modules import them by a name of their own (every
conftest is called `conftest`, and the browser tests have theirs).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

# Material prints a banner about MkDocs 2 on import; silence it the documented way.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build
from mkdocs.config import load_config

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"

MKDOCS_YML = """\
site_name: Portfolio de test
docs_dir: docs
theme:
  name: material
  language: {language}
plugins:
  - search
  - cheminement{options}
"""


class Portfolio:
    """A portfolio in a temporary folder: write notes, build, read the HTML."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs = root / "docs"
        self.site = root / "site"

    def write(self, path: str, text: str) -> Path:
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return target

    def configure(self, options: str = "", language: str = "fr", extra: str = "") -> None:
        body = MKDOCS_YML.format(language=language, options=(":\n" + textwrap.indent(textwrap.dedent(options), "      ")) if options else "")
        (self.root / "mkdocs.yml").write_text(body + textwrap.dedent(extra), encoding="utf-8")

    def build(self, command: str = "build", dirty: bool = False, **overrides: object) -> Path:
        config = load_config(config_file=str(self.root / "mkdocs.yml"), **overrides)
        config.plugins.on_startup(command=command, dirty=dirty)
        try:
            serve_url = "http://127.0.0.1:8000/" if command == "serve" else None
            build(config, serve_url=serve_url, dirty=dirty)
        finally:
            config.plugins.on_shutdown()
        self.site = Path(config.site_dir)
        return self.site

    def html(self, path: str) -> BeautifulSoup:
        return BeautifulSoup((self.site / path).read_text(encoding="utf-8"), "lxml")

    def pages(self) -> Iterator[Path]:
        return (p for p in sorted(self.site.rglob("*.html")))


def with_private_canaries(portfolio: Portfolio, canary: str) -> Portfolio:
    """`portfolio` with `canary` in every kind of private content (journal, a private récit,
    parcours and trace, a comment), and a public récit that names them all: what an export
    must leave out, whatever the format."""
    portfolio.write("journal/secret.md", f"---\ntitre: {canary} journal\n---\n{canary} dans le journal.\n")
    portfolio.write("recits/cache.md", f"""\
        ---
        titre: {canary} récit
        date: 2024-01
        visibilite: prive
        competences: [ecoute-active]
        ---
        {canary} dans un récit privé.
        """)
    portfolio.write("parcours/prive.md", f"""\
        ---
        titre: Emploi caché
        debut: 2020
        organisation: {canary} SA
        visibilite: prive
        ---
        """)
    portfolio.write("traces/cachee.md", f"""\
        ---
        titre: {canary} trace
        date: 2024-02
        lien: https://exemple.fr/{canary}
        visibilite: prive
        competences: [alliance]
        ---
        """)
    portfolio.write("recits/public.md", f"""\
        ---
        titre: Un récit public
        date: 2024-05
        parcours: [prive, vente]
        traces: [cachee]
        competences: {{alliance: 2}}
        ---
        Voir [le récit caché](cache.md) et [[cache]]. <!-- {canary} --> %% {canary} %%
        """)
    return portfolio


# -- The installed commands, as a learner runs them ----------------------------------------------

BIN = Path(sys.executable).parent
COMMAND_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run_command(*args: str, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """`cheminement …` or `mkdocs …` from this environment, never a traceback; `ok`: it must
    succeed. No terminal on stdin: a command that would ask a question refuses instead."""
    result = subprocess.run([str(BIN / args[0]), *args[1:]], cwd=cwd, env=COMMAND_ENV, capture_output=True,
                            text=True, timeout=300, stdin=subprocess.DEVNULL)
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


def printed_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stand in for the PDF printer (pdf.write_pdf): the pages it was given, and a stub PDF."""
    from cheminement import pdf

    printed: list[str] = []

    def fake_pdf(page: Path, output: Path) -> str:
        printed.append(page.read_text(encoding="utf-8"))
        output.write_bytes(b"%PDF")
        return "test"

    monkeypatch.setattr(pdf, "write_pdf", fake_pdf)
    return printed
