"""Institutions: `build-all` runs no learner's code and publishes nothing it should not.

ROOT holds a victim, whose private journal holds a canary string, and attackers, each
trying one thing a learner's folder could do to the build machine or to the other
learners: hooks, `!ENV`, `docs_dir` out of the folder, snippets, templates, absolute
generated pages, the plugin switched off, symbolic links, odd names, XSS in settings.

Every attack has a control: the same folder built by a plain `mkdocs build` (in a
subprocess, on a second copy of ROOT) shows that the attack works there, so the tests
below would fail if `build-all` let it through.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_institution import portfolio

from cheminement.cli import main

CANARY_JOURNAL = "canari-journal-4b7e1d"  # in the victim's private journal
CANARY_OWN = "canari-propre-journal-77aa0c"  # in an attacker's own private journal
CANARY_ENV = "canari-jeton-ci-93c2aa"  # a CI token in the build machine's environment
CANARY_OUTSIDE = "canari-hors-racine-5d0172"  # a file outside ROOT
TEMPLATE_MARK = "MARQUE-GABARIT-e41f"
PUBLIC_TITLE = "Co-animer un atelier"  # a public note of the victim (fixture base)
XSS = "<img src=x onerror=alert(1)>"
NAV_SECRET = "Titre de nav du carnet"  # a nav entry to a private note
ENV_NAME = "CHEMINEMENT_TEST_JETON"
CANARIES = (CANARY_JOURNAL, CANARY_OWN, CANARY_ENV, CANARY_OUTSIDE)

PLAIN = "site_name: {slug}\ndocs_dir: portfolio\ntheme: {{name: material}}\n"


@dataclass
class World:
    root: Path
    outside: Path  # files outside ROOT: a secret, the hook's marker, the "pwned" folder

    @property
    def marker(self) -> Path:
        return self.outside / "hook-ran"

    @property
    def pwned(self) -> Path:
        return self.outside / "pwned"


def make_world(base: Path) -> World:
    """A ROOT with one victim and one attacker per attack."""
    world = World(base / "root", base / "outside")
    root = world.root
    root.mkdir(parents=True)
    world.outside.mkdir()
    (world.outside / "secret.txt").write_text(CANARY_OUTSIDE, encoding="utf-8")
    (root / "cheminement-institution.yml").write_text("nom: Université de Test\n", encoding="utf-8")
    victim = portfolio(root, "victim", PLAIN.format(slug="Victime"))
    (victim / "portfolio" / "journal" / "secret.md").write_text(
        f"---\ntitre: Carnet secret\ndate: 2025-04\n---\nCeci est privé : {CANARY_JOURNAL}.\n", encoding="utf-8")
    (victim / "portfolio" / "journal" / "scan.txt").write_text(f"Notes scannées : {CANARY_JOURNAL}\n", encoding="utf-8")

    hooks = portfolio(root, "hooks", PLAIN.format(slug="Hooks") + "hooks: [hook.py]\nplugins: [search, cheminement]\n")
    (hooks / "hook.py").write_text(f"from pathlib import Path\nPath({str(world.marker)!r}).write_text('ran')\n")

    portfolio(root, "env", f"site_name: !ENV [{ENV_NAME}, x]\ndocs_dir: portfolio\ntheme: {{name: material}}\n")
    portfolio(root, "docsdir", "site_name: D\ndocs_dir: ../victim/portfolio\ntheme: {name: material}\n"
                               "plugins: [search, cheminement]\n")

    # Without our plugin (removing it is an attack too), snippets copy any file under ROOT.
    snippets = portfolio(root, "snippets", PLAIN.format(slug="S") + "plugins: [search]\nmarkdown_extensions:\n"
                                           "  - pymdownx.snippets: {base_path: [..], check_paths: true}\n")
    (snippets / "portfolio" / "recits" / "colle.md").write_text(
        '---\ntitre: Collé\ndate: 2025-05\n---\n--8<-- "victim/portfolio/journal/secret.md"\n', encoding="utf-8")
    (snippets / "portfolio" / "journal" / "moi.md").write_text(f"---\ntitre: Moi\n---\n{CANARY_OWN}\n", encoding="utf-8")

    template = portfolio(root, "template", "site_name: T\ndocs_dir: portfolio\n"
                                           "theme: {name: material, custom_dir: overrides}\nplugins: [search, cheminement]\n")
    (template / "overrides").mkdir()
    (template / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}' + TEMPLATE_MARK + "{{ super() }}{% endblock %}", encoding="utf-8")
    # A theme folder's files (other than templates and Markdown) are copied into the site:
    # here, the files of the victim's private journal.
    portfolio(root, "customdir", "site_name: C\ndocs_dir: portfolio\n"
                                 "theme: {name: material, custom_dir: ../victim/portfolio}\nplugins: [search, cheminement]\n")

    portfolio(root, "paths", PLAIN.format(slug="P") + "plugins:\n  - search\n  - cheminement:\n"
                                                      f"      page_dossier: {world.pwned}/dossier.md\n")
    disabled = portfolio(root, "disabled", PLAIN.format(slug="Coupé") + "plugins:\n  - search\n  - cheminement:\n"
                                                                      "      enabled: false\n      apercu_prive: true\n")
    (disabled / "portfolio" / "journal" / "moi.md").write_text(f"---\ntitre: Moi\n---\n{CANARY_OWN}\n", encoding="utf-8")

    links = portfolio(root, "links", PLAIN.format(slug="L") + "plugins: [search, cheminement]\n")
    (links / "portfolio" / "recits" / "vol.md").symlink_to("../../../victim/portfolio/journal/secret.md")
    (links / "portfolio" / "traces" / "fuite.txt").symlink_to(world.outside / "secret.txt")
    (links / "portfolio" / "index.md").write_text("# L\n\n[fuite](traces/fuite.txt)\n", encoding="utf-8")

    odd = portfolio(root, "bytes", PLAIN.format(slug="B") + "plugins: [search, cheminement]\n")
    os.close(os.open(os.fsencode(odd / "portfolio" / "recits") + b"/caf\xe9.md", os.O_CREAT | os.O_WRONLY))

    portfolio(root, "xss", f"site_name: '{XSS}'\nsite_description: '\"><script>alert(2)</script>'\n"
                           f"copyright: '{XSS}'\ndocs_dir: portfolio\n"
                           f"nav:\n  - '{XSS}': index.md\n  - Récit: recits/atelier.md\n  - {NAV_SECRET}: journal/doutes.md\n"
                           f"theme:\n  name: material\n  palette:\n    - scheme: default\n"
                           f"      toggle: {{icon: material/brightness-7, name: '{XSS}'}}\n"
                           f"    - scheme: slate\n      toggle: {{icon: material/brightness-4, name: Sombre}}\n"
                           "plugins: [search, cheminement]\n")

    # Folders that are not built at all: a link to the victim, a name that is not UTF-8 or
    # not a slug.
    (root / "mallory").symlink_to("victim")
    (root.joinpath(os.fsdecode(b"\xffnom"))).mkdir()
    (root.joinpath(os.fsdecode(b"\xffnom")) / "a.md").write_text("# a\n", encoding="utf-8")
    (root / "Mauvais Nom").mkdir()
    (root / "Mauvais Nom" / "a.md").write_text("# a\n", encoding="utf-8")
    return world


def site_bytes(site: Path) -> bytes:
    """Every byte of a site, gzipped files unpacked (search indexes, sitemaps)."""
    chunks = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        chunks.append(gzip.decompress(data) if path.suffix == ".gz" else data)
        chunks.append(str(path).encode("utf-8", "surrogateescape"))
    return b"\n".join(chunks)


@dataclass
class Batch:
    world: World
    out: Path
    exit_code: int
    output: str

    def row(self, slug: str) -> str:
        """The table line of a learner and the detail lines under it."""
        lines = self.output.splitlines()
        start = next(i for i, line in enumerate(lines) if line.split() and line.split()[0] == slug)
        following = []
        for line in lines[start + 1:]:
            if not line.startswith("    "):
                break
            following.append(line)
        return "\n".join([lines[start], *following])


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    world = make_world(tmp_path_factory.mktemp("hostile"))
    out = world.root.parent / "site"
    os.environ[ENV_NAME] = CANARY_ENV
    try:
        result = CliRunner().invoke(main, ["build-all", str(world.root), "--out", str(out), "--processus", "2"])
    finally:
        del os.environ[ENV_NAME]
    return Batch(world, out, result.exit_code, result.output)


@pytest.fixture(scope="module")
def controls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each attacker built by a plain `mkdocs build`, in parallel subprocesses.

    The symbolic links are built without our plugin (which now refuses them in a plain
    build too) to show that MkDocs itself follows them: only our checks stop them.
    """
    world = make_world(tmp_path_factory.mktemp("control"))
    (world.root / "links" / "sans-plugin.yml").write_text(PLAIN.format(slug="L") + "plugins: [search]\n", encoding="utf-8")
    env = {**os.environ, ENV_NAME: CANARY_ENV, "NO_MKDOCS_2_WARNING": "1"}
    configs = {"hooks": "mkdocs.yml", "env": "mkdocs.yml", "docsdir": "mkdocs.yml", "snippets": "mkdocs.yml",
               "template": "mkdocs.yml", "customdir": "mkdocs.yml", "links": "sans-plugin.yml", "xss": "mkdocs.yml"}
    running = []
    for slug, config in configs.items():
        folder = world.root / slug
        running.append(subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", str(folder / "site")],
            cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for process in running:
        process.wait(timeout=120)
    return {"world": world.root.parent, **{slug: world.root / slug / "site" for slug in configs}}


def test_the_victim_builds_and_no_secret_reaches_the_site(batch: Batch) -> None:
    assert "construit" in batch.row("victim")
    home = (batch.out / "victim" / "index.html").read_text(encoding="utf-8")
    assert "Victime" in home
    assert (batch.out / "victim" / "recits" / "atelier" / "index.html").is_file()
    published = site_bytes(batch.out)
    for canary in CANARIES:
        assert canary.encode() not in published, canary
    assert TEMPLATE_MARK.encode() not in published


def test_the_batch_reports_every_attack_and_fails(batch: Batch) -> None:
    assert batch.exit_code == 1
    failed = {"env": "ligne 1 : les balises YAML (!ENV) ne sont pas autorisées",
              "docsdir": "docs_dir : « ../victim/portfolio » sort du dossier",
              "paths": "page_dossier : « " + str(batch.world.pwned),
              "links": "recits/vol.md : lien symbolique qui sort du dossier",
              "bytes": "n'est pas en UTF-8",
              "mallory": "c'est un lien symbolique",
              "Mauvais": "son nom devient l'adresse du portfolio",
              "\ufffdnom": "son nom n'est pas en UTF-8"}
    for slug, text in failed.items():
        assert "ÉCHEC" in batch.row(slug) and text in batch.row(slug), batch.row(slug)
        assert not (batch.out / slug).exists()
    ignored = {"hooks": "hooks", "snippets": "markdown_extensions: pymdownx.snippets",
               "template": "theme.custom_dir", "customdir": "theme.custom_dir",
               "disabled": "plugins.cheminement.enabled, plugins.cheminement.apercu_prive"}
    for slug, keys in ignored.items():
        row = batch.row(slug)
        assert "construit" in row and "réglages ignorés" in row and keys in row, row
    assert "7 construit(s), 0 inchangé(s), 8 en échec" in batch.output


def test_no_hook_ran_and_nothing_was_written_outside_the_site(batch: Batch, controls: dict[str, Path]) -> None:
    assert not batch.world.marker.exists()
    assert not batch.world.pwned.exists()
    control = controls["world"]
    assert (control / "outside" / "hook-ran").exists()  # a plain build runs the hook
    # (No control for `page_dossier: /…`: the plugin's own options now refuse such paths in a
    # plain build too; build-all refuses them before MkDocs is started.)


def test_controls_show_each_attack_works_without_build_all(controls: dict[str, Path]) -> None:
    def text(slug: str) -> bytes:
        return site_bytes(controls[slug])

    assert CANARY_ENV.encode() in text("env")
    assert PUBLIC_TITLE.encode() in text("docsdir")  # another learner's notes
    assert CANARY_JOURNAL.encode() in text("snippets") and CANARY_OWN.encode() in text("snippets")
    assert TEMPLATE_MARK.encode() in text("template")
    assert CANARY_JOURNAL.encode() in text("customdir")
    # (`enabled: false` no longer turns privacy off in a plain build either; removing the
    # plugin still does, and the snippets attacker above shows it: CANARY_OWN.)
    assert CANARY_JOURNAL.encode() in text("links") and CANARY_OUTSIDE.encode() in text("links")
    assert XSS.encode() in text("xss")


def test_settings_reach_html_escaped(batch: Batch) -> None:
    assert "construit" in batch.row("xss")
    pages = b"\n".join(p.read_bytes() for p in (batch.out / "xss").rglob("*.html"))
    assert XSS.encode() not in pages and b"<script>alert(2)" not in pages
    assert b"&lt;img src=x onerror=alert(1)&gt;" in pages  # shown as text, not dropped
    assert NAV_SECRET.encode() not in pages  # a nav entry to a private note is dropped


def test_state_file_says_nothing_about_notes(batch: Batch) -> None:
    state = json.loads((batch.out / "victim" / ".cheminement-build.json").read_text(encoding="utf-8"))
    assert set(state) == {"hash", "name", "programme", "listed", "built", "assets"}
    assert all(path.startswith("assets/") for path in state["assets"]["files"])  # the theme's files only
    assert state["name"] == "Victime"


# -- Limits: one learner cannot stall or exhaust the batch -----------------------------------


@pytest.fixture(scope="module")
def heavy_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A victim and a learner with one huge note (minutes of Markdown, gigabytes of memory)."""
    root = tmp_path_factory.mktemp("heavy") / "root"
    root.mkdir()
    portfolio(root, "victim", PLAIN.format(slug="Victime"))
    heavy = portfolio(root, "lourd", PLAIN.format(slug="Lourd"))
    paragraph = "Une phrase *avec* de l'**emphase**, un [lien](https://example.org) et du `code`.\n\n"
    (heavy / "portfolio" / "recits" / "long.md").write_text(
        "---\ntitre: Long\ndate: 2025-03\n---\n" + paragraph * 120_000, encoding="utf-8")
    return root


def test_a_portfolio_over_the_time_limit_is_stopped_and_the_others_build(heavy_root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build-all", str(heavy_root), "--out", str(tmp_path / "site"),
                                       "--processus", "2", "--delai", "5"])
    batch = Batch(World(heavy_root, tmp_path), tmp_path / "site", result.exit_code, result.output)
    assert result.exit_code == 1
    assert "construit" in batch.row("victim")
    assert "ÉCHEC" in batch.row("lourd") and "temps dépassé" in batch.row("lourd") and "5 s" in batch.row("lourd")
    assert not (tmp_path / "site" / "lourd").exists()
    assert not [p for p in (tmp_path / "site").iterdir() if p.name.startswith(".")]  # no staging left


def test_a_portfolio_over_the_memory_limit_is_stopped_and_the_others_build(heavy_root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build-all", str(heavy_root), "--out", str(tmp_path / "site"),
                                       "--processus", "2", "--memoire", "120"])
    batch = Batch(World(heavy_root, tmp_path), tmp_path / "site", result.exit_code, result.output)
    assert result.exit_code == 1
    assert "construit" in batch.row("victim")
    assert "mémoire dépassée" in batch.row("lourd") and "120 Mio" in batch.row("lourd")


# -- The allow-list, value by value ------------------------------------------------------------


def learner_folder(tmp_path: Path, config: str) -> Path:
    folder = tmp_path / "root" / "alice"
    (folder / "portfolio").mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    (tmp_path / "root" / "bob" / "portfolio").mkdir(parents=True)
    return folder


@pytest.mark.parametrize(("config", "expected"), [
    ("site_name: !ENV [HOME, x]\n", "ligne 1 : les balises YAML (!ENV)"),
    ("site_name: a\ndocs_dir: !relative $config_dir/portfolio\n", "ligne 2 : les balises YAML (!relative)"),
    ("site_name: !!python/name:os.system\n", "les balises YAML (tag:yaml.org,2002:python/name:os.system)"),
    ("site_name: !!str a\n", "les balises YAML"),
    ("a: &x 1\nsite_name: *x\n", "ligne 1 : les ancres et alias"),
    ("docs_dir: ../bob/portfolio\n", "docs_dir : « ../bob/portfolio » sort du dossier"),
    ("docs_dir: /etc\n", "docs_dir : « /etc » sort du dossier"),
    ("docs_dir: portfolio\nplugins:\n  - cheminement: {referentiel: ../bob/portfolio/referentiel.yml}\n", "referentiel : « ../bob"),
    ("docs_dir: portfolio\nplugins:\n  - cheminement: {bibliographie: /etc/passwd}\n", "bibliographie : « /etc/passwd » sort"),
    ("docs_dir: portfolio\nplugins:\n  - cheminement: {page_chronologie: ../../bob/index.md}\n", "page_chronologie : « ../../bob/index.md »"),
    ("docs_dir: portfolio\nplugins:\n  - cheminement: {page_dossier: /tmp/x.md}\n", "doit être un chemin relatif"),
    ("docs_dir: portfolio\nplugins:\n  - cheminement: {page_competences: c/index.html}\n", "se termine par .md"),
    ("docs_dir: portfolio\nplugins:\n  - cheminement: {depuis: ../bob/site}\n", "une date AAAA-MM-JJ est attendue"),
    ("docs_dir: portfolio\nplugins:\n  - cheminement: {dossiers_prives: [../bob]}\n", "noms de dossiers relatifs"),
    ("docs_dir: portfolio\nnav:\n  - Piège: 'javascript:alert(1)'\n", "n'est ni une page du portfolio"),
    ("docs_dir: portfolio\nnav:\n  - Piège: ../bob/portfolio/index.md\n", "n'est ni une page du portfolio"),
    ("docs_dir: portfolio\ntheme: {name: material, palette: {primary: 'red\" onload=\"x'}}\n", "valeur non acceptée"),
    ("docs_dir: portfolio\ntheme: {name: material, palette: {toggle: {icon: ../../x, name: a}}}\n", "valeur non acceptée"),
    ("docs_dir: portfolio\ntheme: {name: material, language: '../x'}\n", "valeur non acceptée"),
    ("- a\n- b\n", "le fichier doit contenir des clés"),
])
def test_refused_settings_say_why(tmp_path: Path, config: str, expected: str) -> None:
    from cheminement.learner import Refused, read_learner

    folder = learner_folder(tmp_path, config)
    with pytest.raises(Refused) as caught:
        read_learner(folder, "fr")
    assert expected in str(caught.value)


def test_a_docs_dir_that_is_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    from cheminement.learner import Refused, read_learner

    folder = learner_folder(tmp_path, "docs_dir: notes\n")
    (folder / "notes").symlink_to(tmp_path / "root" / "bob" / "portfolio")
    with pytest.raises(Refused, match="sort du dossier"):
        read_learner(folder, "fr")


def test_kept_settings_are_checked_escaped_and_the_institution_wins(tmp_path: Path) -> None:
    from cheminement.institution import Institution
    from cheminement.learner import read_learner
    from cheminement.stage_config import settings_for

    folder = learner_folder(tmp_path, (
        "site_name: 'Léa & <b>Co</b>'\ncopyright: '\"quoted\" <i>'\ndocs_dir: portfolio\n"
        "theme: {name: material, language: en, features: [navigation.tabs, navigation.instant], custom_dir: x}\n"
        "nav:\n  - '<b>Accueil</b>': index.md\n  - Web: https://example.org/\n"
        "markdown_extensions: [admonition, {toc: {permalink: true, slugify: x}}, pymdownx.snippets]\n"
        "hooks: [h.py]\nextra_javascript: [x.js]\nextra: {analytics: {provider: google}}\n"
        "plugins:\n  - search\n  - macros\n  - cheminement:\n      enabled: false\n      apercu_prive: true\n"
        "      indexation: true\n      programme: Master\n      dossiers_prives: [journal, brouillons/]\n"
        "      page_chronologie: parcours/chronologie.md\n      depuis: 2025-01-01\n"))
    learner = read_learner(folder, "fr")
    assert learner.name == "Léa & <b>Co</b>"
    assert learner.mkdocs["site_name"] == "Léa &amp; &lt;b&gt;Co&lt;/b&gt;"
    assert learner.mkdocs["copyright"] == "&quot;quoted&quot; &lt;i&gt;"
    assert learner.mkdocs["theme"] == {"language": "en", "features": ["navigation.tabs"]}
    assert learner.mkdocs["nav"] == [{"&lt;b&gt;Accueil&lt;/b&gt;": "index.md"}, {"Web": "https://example.org/"}]
    assert learner.mkdocs["markdown_extensions"] == ["admonition", {"toc": {"permalink": True}}]
    assert learner.ignored == [
        "theme.features: navigation.instant", "theme.custom_dir", "markdown_extensions: toc.slugify",
        "markdown_extensions: pymdownx.snippets", "hooks", "extra_javascript", "extra", "plugins: macros",
        "plugins.cheminement.enabled", "plugins.cheminement.apercu_prive",
    ]
    institution = Institution(root=tmp_path / "root", required={"indexation": False, "services_tiers": False},
                              footer="Pied", legal_notice="Mentions")
    settings, options = settings_for(learner, institution)
    assert options["indexation"] is False and options["enabled"] is True and options["apercu_prive"] is False
    assert options["programme"] == "Master" and options["pied_de_page"] == "Pied"
    assert settings.private_folders == ("journal", "brouillons") and settings.lang == "en"
    assert settings.timeline_page == "parcours/chronologie.md"
    assert settings.docs_dir == (folder / "portfolio").resolve()
