"""`cheminement build`: the engine builds a stage that holds only what is published.

Whatever reads the stage — our plugin, another plugin, an engine that ignores our plugin —
cannot publish a private note, because no private byte is there. Each test has a control
showing that the same portfolio, built from its source folder without our filter, leaks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import Portfolio
from test_privacy import canaries_in, plant

from cheminement.cli import main

PLAIN_CONFIG = "site_name: Sans plugin\ndocs_dir: {docs}\ntheme: {{name: material}}\nplugins: [search]\n"


@pytest.fixture
def secret(portfolio: Portfolio) -> Portfolio:
    plant(portfolio)
    return portfolio


def cheminement(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as a learner runs it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    script = Path(sys.executable).with_name("cheminement")
    return subprocess.run([str(script), *args], capture_output=True, text=True, env=env, timeout=300)


def plain_build(docs: Path, where: Path) -> Path:
    """MkDocs + Material on a folder, without our plugin: what any other engine would do."""
    where.mkdir(exist_ok=True)
    config = where / "plain.yml"
    config.write_text(PLAIN_CONFIG.format(docs=docs), encoding="utf-8")
    site = where / "plain-site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, timeout=300)
    assert result.returncode == 0, result.stderr
    return site


def test_build_publishes_nothing_private_and_the_stage_holds_nothing_private(secret: Portfolio) -> None:
    stage, site = secret.root / "scene", secret.root / "public"
    result = cheminement("build", str(secret.root), "--stage", str(stage), "-d", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Site construit" in result.stdout
    assert (site / "recits" / "public" / "index.html").is_file()
    assert canaries_in(site) == set()
    # The stage itself: every byte of it, notes, files, référentiel and config.
    assert canaries_in(stage) == set()
    assert not (stage / "docs" / "journal").exists()
    assert (stage / "referentiel.yml").is_file() and not (stage / "docs" / "referentiel.yml").exists()
    # The control: the source folder does hold the canaries.
    assert {"CANARYB004", "CANARYB013", "CANARYJ014", "CANARYF009"} <= canaries_in(secret.docs)


def test_any_engine_building_the_stage_publishes_nothing_private(secret: Portfolio) -> None:
    """An engine that ignores our plugin (as Zensical does) publishes every file it sees."""
    stage = secret.root / "scene"
    assert cheminement("build", str(secret.root), "--stage", str(stage)).returncode == 0
    leaked_from_source = canaries_in(plain_build(secret.docs, secret.root / "source"))
    assert {"CANARYB004", "CANARYB013", "CANARYJ014"} <= leaked_from_source  # the control
    assert canaries_in(plain_build(stage / "docs", secret.root / "staged")) == set()


def test_the_stage_config_builds_with_the_engine_alone(secret: Portfolio) -> None:
    stage = secret.root / "scene"
    assert cheminement("build", str(secret.root), "--stage", str(stage)).returncode == 0
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=stage, capture_output=True,
                            text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (stage / "site" / "competences" / "index.html").is_file()
    assert canaries_in(stage / "site") == set()


def test_links_to_private_notes_are_text_in_the_stage(secret: Portfolio) -> None:
    stage = secret.root / "scene"
    assert cheminement("build", str(secret.root), "--stage", str(stage)).returncode == 0
    staged = (stage / "docs" / "recits" / "public.md").read_text(encoding="utf-8")
    assert "une séance difficile" in staged and "cet autre texte" in staged
    for private in ("recit-secret", "[[poste-cache", "[[carnet"):
        assert private not in staged
    source = (secret.docs / "recits" / "public.md").read_text(encoding="utf-8")
    assert "recit-secret" in source  # the control


def test_a_file_only_an_excluded_note_uses_is_not_published(portfolio: Portfolio) -> None:
    """exclude_docs hides a note from MkDocs, but what it uses is still private."""
    portfolio.configure(extra="exclude_docs: |\n  brouillons/\n")
    portfolio.write("brouillons/idee.md", "---\ntitre: Idée\n---\n![croquis](../images/croquis-CANARYX001.png)\n")
    (portfolio.docs / "images").mkdir()
    (portfolio.docs / "images" / "croquis-CANARYX001.png").write_bytes(b"\x89PNG CANARYX002")
    site = portfolio.build()
    assert canaries_in(site) == set()
    result = CliRunner().invoke(main, ["publication", str(portfolio.root / "mkdocs.yml"), "--format", "json"])
    assert "images/croquis-CANARYX001.png" in result.output.split('"private"')[1]
    stage_site = portfolio.root / "public"
    assert cheminement("build", str(portfolio.root), "-d", str(stage_site)).returncode == 0
    assert canaries_in(stage_site) == set()


def test_build_with_errors_writes_nothing(portfolio: Portfolio) -> None:
    portfolio.write("recits/casse.md", "---\ntitre: Cassé\ndate: 2025-13\n---\n")
    site = portfolio.root / "public"
    result = cheminement("build", str(portfolio.root), "-d", str(site))
    assert result.returncode == 1
    assert "recits/casse.md" in result.stdout and "Rien n'a été construit" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not site.exists()


def test_strict_fails_on_warnings_and_a_stage_folder_must_be_empty(portfolio: Portfolio) -> None:
    portfolio.write("recits/lien.md", "---\ntitre: Lien\ndate: 2025\n---\nVoir [[inexistant]].\n")
    assert cheminement("build", str(portfolio.root), "-d", str(portfolio.root / "a")).returncode == 0
    strict = cheminement("build", str(portfolio.root), "--strict", "-d", str(portfolio.root / "b"))
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    (portfolio.root / "occupe").mkdir()
    (portfolio.root / "occupe" / "x").write_text("x")
    busy = cheminement("build", str(portfolio.root), "--stage", str(portfolio.root / "occupe"))
    assert busy.returncode == 2 and "n'est pas vide" in busy.stderr


def test_the_sample_portfolio_builds_the_same_through_the_stage(tmp_path: Path) -> None:
    root = Path(__file__).parent.parent
    direct = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "direct")],
                            cwd=root, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert direct.returncode == 0, direct.stderr
    staged = cheminement("build", str(root), "-d", str(tmp_path / "staged"))
    assert staged.returncode == 0, staged.stderr
    pages = sorted(p.relative_to(tmp_path / "direct") for p in (tmp_path / "direct").rglob("*.html"))
    assert pages == sorted(p.relative_to(tmp_path / "staged") for p in (tmp_path / "staged").rglob("*.html"))
    for page in pages:
        assert (tmp_path / "direct" / page).read_bytes() == (tmp_path / "staged" / page).read_bytes(), page
    # `cheminement build` publishes no source map and only the search languages the site loads;
    # a plain `mkdocs build` (the control) still copies them all.
    assert list((tmp_path / "direct").rglob("*.map")) and not list((tmp_path / "staged").rglob("*.map"))
    languages = {p.name for p in (tmp_path / "staged" / "assets" / "javascripts" / "lunr" / "min").glob("lunr.*.min.js")}
    assert "lunr.fr.min.js" in languages and "lunr.de.min.js" not in languages
    assert not any("sourceMappingURL" in p.read_text(encoding="utf-8") for p in (tmp_path / "staged").rglob("*.js"))


def engine_command(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def test_properdocs_builds_through_the_stage(secret: Portfolio) -> None:
    site = secret.root / "public"
    result = cheminement("build", str(secret.root), "--moteur", "properdocs", "-d", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ProperDocs" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "competences" / "index.html").is_file()
    assert canaries_in(site) == set()


def test_zensical_on_the_stage_publishes_nothing_private(secret: Portfolio) -> None:
    """Zensical ignores our plugin: on the source folder it publishes every private note."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # The control: Zensical run on the learner's own folder, whose mkdocs.yml lists our plugin.
    control = subprocess.run([engine_command("zensical"), "build"], cwd=secret.root, capture_output=True,
                             text=True, env=env, timeout=300)
    assert control.returncode == 0, control.stderr
    assert {"CANARYB004", "CANARYB013"} <= canaries_in(secret.root / "site")
    stage = secret.root / "scene"
    assert cheminement("build", str(secret.root), "--stage", str(stage)).returncode == 0
    staged = subprocess.run([engine_command("zensical"), "build"], cwd=stage, capture_output=True, text=True,
                            env=env, timeout=300)
    assert staged.returncode == 0, staged.stderr
    assert (stage / "site" / "recits" / "public" / "index.html").is_file()
    assert canaries_in(stage / "site") == set()


def test_comments_never_reach_the_stage_nor_the_site(portfolio: Portfolio) -> None:
    portfolio.write("recits/commente.md", """
        ---
        date: 2025-02
        ---
        # Ma séance %%avec CANARYM001%%

        Texte public. %%Ce que je pense vraiment CANARYM002%%

        %%
        Un bloc entier pour moi : [[ecoute-active]] et CANARYM003.
        %%

        <!-- note pour moi CANARYM004 -->
    """)
    assert canaries_in(portfolio.docs) >= {"CANARYM001", "CANARYM002", "CANARYM003", "CANARYM004"}  # the control
    stage, site = portfolio.root / "scene", portfolio.root / "public"
    result = cheminement("build", str(portfolio.root), "--stage", str(stage), "-d", str(site))
    assert result.returncode == 0, result.stderr
    assert canaries_in(stage) == set() and canaries_in(site) == set()
    page = (site / "recits" / "commente" / "index.html").read_text(encoding="utf-8")
    assert "Ma séance" in page and "Texte public." in page
    # A link inside a comment is no citation: the competence page does not list the note.
    assert "Ma séance" not in (site / "competences" / "ecoute-active" / "index.html").read_text(encoding="utf-8")
