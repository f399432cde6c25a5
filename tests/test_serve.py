"""Live reload with a real `mkdocs serve`: notes, competence pages and an outside référentiel."""

from __future__ import annotations

import time
from pathlib import Path

from kit import Portfolio
from serving import MkDocsServe, wait_for


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_live_reload_rebuilds_and_survives_errors(portfolio: Portfolio) -> None:
    # The référentiel lives beside mkdocs.yml, outside docs_dir, as some learners keep it.
    (portfolio.docs / "referentiel.yml").rename(portfolio.root / "referentiel.yml")
    portfolio.configure(options="referentiel: referentiel.yml")
    with MkDocsServe(portfolio.root / "mkdocs.yml") as server:
        base = server.base
        wait_for(base + "chronologie/", b"Co-animer un atelier")

        edit(portfolio.docs / "recits" / "atelier.md", "titre: Co-animer un atelier", "titre: Co-animer un atelier du jeudi")
        wait_for(base + "chronologie/", b"Co-animer un atelier du jeudi")

        edit(portfolio.docs / "competences" / "ecoute-active.md", "J'écoute pour comprendre.", "J'écoute pour laisser venir.")
        wait_for(base + "competences/ecoute-active/", b"pour laisser venir")

        edit(portfolio.root / "referentiel.yml", "titre: Évaluer", "titre: Évaluer les acquis")
        wait_for(base + "competences/", "Évaluer les acquis".encode())

        # A mistake: the terminal says where and what, and the server keeps running (MkDocs
        # holds page requests until the next good build).
        edit(portfolio.docs / "recits" / "atelier.md", "date: 2025-03", "date: 2025-13")
        server.wait_for_log("recits/atelier.md:3")
        assert "« 2025-13 » n'est pas une date valide" in server.log and "Traceback" not in server.log
        time.sleep(1)
        assert server.process.poll() is None

        edit(portfolio.docs / "recits" / "atelier.md", "date: 2025-13", "date: 2025-04")
        body = wait_for(base + "chronologie/", b'datetime="2025-04"')
        assert b"Co-animer un atelier du jeudi" in body
