"""Engines: the commands that read a portfolio need none, the ones that build use the one installed.

- `check`, `publication`, `audit`, `schema`, `init` and `new` run where neither MkDocs nor
  ProperDocs (nor Material) can be imported, and read the configuration file exactly as the
  plugin does (the Settings are compared field by field);
- `build`, `dossier` and `build-all` build with MkDocs or ProperDocs, find `properdocs.yml`
  before `mkdocs.yml` as ProperDocs does, and say what to install when there is no engine;
- the sample portfolio builds byte for byte the same with both engines.
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import FIXTURES, ROOT, Portfolio

from cheminement import configfile, engine
from cheminement.cli import main

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
ENV.pop("CHEMINEMENT_LANGUE", None)
# Runs `cheminement` in a Python where the engines and Material cannot be imported, as on a
# machine that never installed them; `--probe` proves the blocker works.
NO_ENGINE = textwrap.dedent("""
    import sys
    BLOCKED = ("mkdocs", "properdocs", "material", "pymdownx", "zensical")

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Blocker())
    if sys.argv[1:] == ["--probe"]:
        import mkdocs  # must fail
    from cheminement.cli import main
    sys.argv[0] = "cheminement"
    main()
""")


def no_engine(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", NO_ENGINE, *args], cwd=cwd, capture_output=True, text=True,
                          env=ENV, timeout=300)


def cheminement(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("cheminement")
    return subprocess.run([str(script), *args], cwd=cwd, capture_output=True, text=True, env=env or ENV, timeout=300)


# -- Reading the configuration without an engine ------------------------------------------------


def plugin_settings(config_file: Path) -> dict:
    """What the plugin makes of the file when MkDocs loads it (the reference)."""
    used = engine.find_engine("mkdocs")
    config = engine.load(used, config_file)
    settings = engine.our_plugin(config).settings_for(config)
    settings.excluded = engine.excluded_files(used, config)
    return {k: v for k, v in dataclasses.asdict(settings).items() if k != "today"}


def engine_free_settings(config_file: Path) -> dict:
    return {k: v for k, v in dataclasses.asdict(configfile.read_settings(config_file)).items() if k != "today"}


CONFIGS = {
    "bare": "site_name: T\n",
    "material-without-language": "site_name: T\ntheme: material\nplugins: [search, cheminement]\n",
    "mkdocs-theme": "site_name: T\ntheme: {name: mkdocs}\n",
    "every-option": """
        site_name: T
        docs_dir: notes
        theme: {name: material, language: en-GB}
        exclude_docs: |
          brouillons/
          *.tmp
        draft_docs: |
          en-cours.md
        markdown_extensions:
          - pymdownx.emoji:
              emoji_index: !!python/name:material.extensions.emoji.twemoji
        plugins:
          cheminement:
            langue: fr
            referentiel: ../partage/referentiel.yml
            bibliographie: biblio.bib
            dossiers: {experiences: parcours, histoires: recit, preuves: trace, savoir-faire: competence}
            dossiers_prives: [carnet, retours]
            publication: explicite
            page_competences: pages/competences.md
            page_chronologie: frise.md
            page_dossier: jury.md
            relecture: true
            depot: https://github.com/claire/portfolio
            depot_branche: publie
            ordre_chronologie: ancien
            texte_accueil: fin
            profil: {nom: Claire, titre: Formatrice}
            selection_dossier: {competences: [ecoute-active], depuis: 2022}
    """,
    "dossier-off-and-env": """
        site_name: T
        docs_dir: !ENV [CHEMINEMENT_TEST_DOCS, notes]
        theme: {name: material, language: !ENV [CHEMINEMENT_TEST_LANGUE, en]}
        plugins:
          - search
          - cheminement:
              dossier: false
              depot: https://gitlab.com/claire/portfolio
              depot_dossier: ""
    """,
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_engine_free_settings_are_the_plugins(name: str, tmp_path: Path) -> None:
    """Every field of the core's Settings, read without the engine, is what the plugin reads."""
    shutil.copytree(FIXTURES / "base", tmp_path / "notes")
    shutil.copytree(FIXTURES / "base", tmp_path / "docs")
    for extra in ("notes/brouillons/idee.md", "notes/x.tmp", "notes/en-cours.md", "notes/.cache/a.md", "notes/templates/t.md"):
        (tmp_path / extra).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / extra).write_text("---\ntitre: X\n---\n", encoding="utf-8")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(textwrap.dedent(CONFIGS[name]), encoding="utf-8")
    assert engine_free_settings(config_file) == plugin_settings(config_file)


def test_engine_free_settings_follow_inherit_and_the_sample(tmp_path: Path) -> None:
    (tmp_path / "base.yml").write_text("theme: {name: material, language: en}\nplugins:\n  - cheminement:\n"
                                       "      publication: explicite\n      dossiers_prives: [carnet]\n", encoding="utf-8")
    (tmp_path / "site").mkdir()
    config_file = tmp_path / "site" / "properdocs.yml"
    config_file.write_text("INHERIT: ../base.yml\nsite_name: T\ndocs_dir: ../docs\n", encoding="utf-8")
    shutil.copytree(FIXTURES / "base", tmp_path / "docs")
    mine = engine_free_settings(config_file)
    assert mine == plugin_settings(config_file)
    assert mine["explicit_publication"] and mine["private_folders"] == ("carnet",) and mine["lang"] == "en"
    assert engine_free_settings(ROOT / "mkdocs.yml") == plugin_settings(ROOT / "mkdocs.yml")


def test_the_reader_knows_every_plugin_option_and_its_default() -> None:
    from cheminement.config import CheminementConfig

    reference = CheminementConfig()
    reference.load_dict({})
    errors, _ = reference.validate()
    assert errors == []
    assert set(configfile.OPTIONS) == set(reference.keys())
    assert {name: rule.default for name, rule in configfile.OPTIONS.items()} == dict(reference.items())


WRONG = [
    ("publication", "tous"), ("dossier", "oui"), ("langue", "de"), ("dossiers", {"recits": "histoire"}),
    ("dossiers_prives", "journal"), ("page_dossier", "../jury.md"), ("page_chronologie", "/frise.md"),
    ("profil", "Claire"), ("depot", 3), ("ordre_chronologie", "recent-first"), ("texte_accueil", "milieu"),
    ("selection_dossier", ["ecoute-active"]), ("relecture", "yes"),
]


@pytest.mark.parametrize(("option", "value"), WRONG)
def test_wrong_option_values_are_refused_as_the_plugin_refuses_them(option: str, value: object, tmp_path: Path) -> None:
    from cheminement.plugin import CheminementPlugin

    errors, _ = CheminementPlugin().load_config({option: value})
    assert errors, "the plugin accepts it: the reader must too"
    (tmp_path / "docs").mkdir()
    config_file = tmp_path / "properdocs.yml"
    config_file.write_text(f"site_name: T\nplugins:\n  - cheminement: {{{option}: {value!r}}}\n", encoding="utf-8")
    with pytest.raises(configfile.ConfigError) as raised:
        configfile.read_settings(config_file)
    text = raised.value.describe("fr")
    assert str(config_file) in text and f"plugins.cheminement.{option}" in text


@pytest.mark.parametrize(("content", "expected"), [
    ("site_name: [", "n'est pas du YAML valide"),
    ("- a\n- b\n", "doit contenir des clés"),
    ("site_name: T\ndocs_dir: absent\n", "docs_dir « absent » n'est pas un dossier existant"),
    ("site_name: T\ndocs_dir: .\n", "docs_dir ne doit pas être le dossier qui contient"),
    ("INHERIT: parent.yml\nsite_name: T\n", "INHERIT: parent.yml"),
    ("site_name: T\nexclude_docs: [journal]\n", "exclude_docs"),
])
def test_a_broken_configuration_is_one_clear_line(content: str, expected: str, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(content, encoding="utf-8")
    result = cheminement("check", cwd=tmp_path)
    assert result.returncode == 2 and expected in result.stderr and "mkdocs.yml" in result.stderr
    assert "Traceback" not in result.stderr


# -- No engine installed ------------------------------------------------------------------------


@pytest.fixture
def bare(portfolio: Portfolio) -> Portfolio:
    """A portfolio whose configuration is a properdocs.yml, its notes with one warning."""
    (portfolio.root / "mkdocs.yml").rename(portfolio.root / "properdocs.yml")
    portfolio.write("recits/lien.md", "---\ntitre: Lien\ndate: 2025\n---\nVoir [[inexistant]].\n")
    return portfolio


def test_the_blocker_blocks(tmp_path: Path) -> None:
    result = no_engine("--probe", cwd=tmp_path)
    assert result.returncode != 0 and "No module named 'mkdocs'" in result.stderr


def test_reading_commands_need_no_engine(bare: Portfolio, tmp_path: Path) -> None:
    root = bare.root
    checked = no_engine("check", cwd=root)
    assert checked.returncode == 0 and "1 avertissement(s)" in checked.stdout, checked.stderr
    strict = no_engine("check", "--strict", "--format", "github", cwd=root)
    assert strict.returncode == 1 and strict.stdout.startswith("::warning file=docs/recits/lien.md,line=5")
    published = no_engine("publication", "--format", "json", cwd=root)
    assert published.returncode == 0 and '"recits/lien.md"' in published.stdout
    assert "journal/" in published.stdout.split('"private"')[1]
    schemas = no_engine("schema", "--dossier", str(tmp_path / "schemas"), cwd=root)
    assert schemas.returncode == 0 and (tmp_path / "schemas" / "recit.schema.json").is_file(), schemas.stderr
    created = no_engine("new", "recit", "Sans moteur", cwd=root)
    assert created.returncode == 0 and "Créé : docs/recits/" in created.stdout, created.stderr
    audited = no_engine("audit", str(tmp_path / "schemas"), cwd=root)
    assert audited.returncode == 0 and "Aucune fuite" in audited.stdout, audited.stderr
    fresh = no_engine("init", str(tmp_path / "neuf"), cwd=tmp_path)
    assert fresh.returncode == 0 and (tmp_path / "neuf" / "mkdocs.yml").is_file(), fresh.stderr
    assert "Traceback" not in "".join(r.stderr for r in (checked, strict, published, schemas, created, audited, fresh))


def test_building_commands_say_what_to_install(bare: Portfolio, tmp_path: Path) -> None:
    institution = tmp_path / "etablissement"
    shutil.copytree(FIXTURES / "base", institution / "alice" / "portfolio")
    for args in (("build",), ("dossier", "--pdf", str(tmp_path / "d.pdf")),
                 ("build-all", str(institution), "--out", str(tmp_path / "out"))):
        result = no_engine(*args, cwd=bare.root)
        assert result.returncode == 1, result.stderr
        assert "Aucun moteur pour construire le site" in result.stderr and "pip install mkdocs" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (bare.root / "site").exists()


# -- Choosing the engine ------------------------------------------------------------------------


@pytest.mark.parametrize(("there", "asked", "config", "chosen"), [
    ({"mkdocs", "properdocs"}, None, "mkdocs.yml", "mkdocs"),
    ({"mkdocs", "properdocs"}, None, "properdocs.yml", "properdocs"),
    ({"mkdocs", "properdocs"}, "mkdocs", "properdocs.yml", "mkdocs"),
    ({"properdocs"}, None, "mkdocs.yml", "properdocs"),
    ({"mkdocs"}, None, "properdocs.yml", "mkdocs"),
    ({"mkdocs"}, None, None, "mkdocs"),
])
def test_the_engine_chosen(there: set[str], asked: str | None, config: str | None, chosen: str,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "installed", lambda name: name in there)
    assert engine.choose(asked, Path(config) if config else None) == chosen


@pytest.mark.parametrize(("there", "asked", "expected"), [
    (set(), None, "Aucun moteur"),
    ({"mkdocs"}, "properdocs", "ProperDocs n'est pas installé : installez-le (pip install properdocs)"),
    ({"mkdocs", "properdocs", "zensical"}, "zensical", "Zensical ne fait tourner aucun plugin MkDocs"),
])
def test_no_engine_says_what_to_do(there: set[str], asked: str | None, expected: str,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "installed", lambda name: name in there)
    with pytest.raises(engine.NoEngine) as raised:
        engine.choose(asked)
    assert expected in raised.value.describe("fr")


def generator(site: Path) -> str:
    found = re.search(r'<meta name="generator" content="([^"]*)"', (site / "index.html").read_text(encoding="utf-8"))
    assert found
    return found.group(1)


def test_build_uses_properdocs_for_a_properdocs_yml_and_mkdocs_otherwise(bare: Portfolio) -> None:
    root = bare.root
    assert cheminement("build", "-d", "a", cwd=root).returncode == 0
    assert "ProperDocs" in generator(root / "a")
    assert cheminement("build", "--moteur", "mkdocs", "-d", "b", cwd=root).returncode == 0
    assert generator(root / "b").startswith("mkdocs-1.")
    (root / "properdocs.yml").rename(root / "mkdocs.yml")
    assert cheminement("build", "-d", "c", cwd=root).returncode == 0
    assert generator(root / "c").startswith("mkdocs-1.")
    refused = cheminement("build", "--moteur", "zensical", "-d", "z", cwd=root)
    assert refused.returncode == 1 and "Zensical ne fait tourner aucun plugin" in refused.stderr
    assert not (root / "z").exists()


def test_properdocs_yml_is_found_first_as_properdocs_finds_it(portfolio: Portfolio) -> None:
    """Both files: ProperDocs reads properdocs.yml (properdocs/config/base.py), so do we."""
    root = portfolio.root
    shutil.copytree(portfolio.docs, root / "autres")
    (root / "autres" / "recits" / "seulement-ici.md").write_text("---\ntitre: Ici\ndate: 2025-13\n---\n", encoding="utf-8")
    (root / "properdocs.yml").write_text((root / "mkdocs.yml").read_text(encoding="utf-8").replace("docs_dir: docs", "docs_dir: autres"),
                                         encoding="utf-8")
    assert configfile.find(root) == root / "properdocs.yml"
    result = cheminement("check", "--format", "lignes", cwd=root)
    assert result.returncode == 1 and result.stdout.startswith("autres/recits/seulement-ici.md:3:")
    explicit = cheminement("check", "mkdocs.yml", cwd=root)
    assert explicit.returncode == 0, explicit.stdout


def test_dossier_builds_with_properdocs(bare: Portfolio, tmp_path: Path) -> None:
    from cheminement.pdf import chromium_path

    printers = [name for name in ("weasyprint", "playwright") if importlib.util.find_spec(name)]
    if not printers or (printers == ["playwright"] and chromium_path() is None):
        pytest.skip("the PDF needs WeasyPrint, or Playwright and a Chromium")
    result = cheminement("dossier", "--pdf", str(tmp_path / "d.pdf"), "--moteur", "properdocs", cwd=bare.root)
    assert result.returncode == 0 and (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF"), result.stderr


# -- One site, whichever engine builds it --------------------------------------------------------

# What legitimately differs between two builds of the same sources, and nothing else.
NORMALISED = {
    ".html": (re.compile(rb'<meta name="generator" content="[^"]*">'), b'<meta name="generator">'),
    ".xml": (re.compile(rb"<lastmod>[^<]*</lastmod>"), b"<lastmod/>"),  # the build date
    ".json": (re.compile(rb'^ "date": "[0-9-]+",$', re.M), b' "date": "",'),  # cheminement-manifeste.json
}


def normalised(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":  # the gzip header holds the build time
        data, path = gzip.decompress(data), path.with_suffix("")
    rule = NORMALISED.get(path.suffix)
    if rule is None:
        return data
    pattern, replacement = rule
    changed, count = pattern.subn(replacement, data)
    if path.suffix == ".html":
        assert count == 1, f"{path}: the generator line is not where the test expects it"
    return changed


def test_the_sample_builds_byte_for_byte_the_same_with_mkdocs_and_properdocs(tmp_path: Path) -> None:
    for name in ("mkdocs", "properdocs"):
        result = cheminement("build", str(ROOT), "--moteur", name, "-d", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
    assert generator(tmp_path / "properdocs") != generator(tmp_path / "mkdocs")  # two engines did build
    files = sorted(p.relative_to(tmp_path / "mkdocs") for p in (tmp_path / "mkdocs").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "properdocs") for p in (tmp_path / "properdocs").rglob("*") if p.is_file())
    assert len(files) > 50
    different = [str(f) for f in files if normalised(tmp_path / "mkdocs" / f) != normalised(tmp_path / "properdocs" / f)]
    assert different == []


def test_the_comparison_sees_a_changed_page(tmp_path: Path) -> None:
    """The normalisation hides the generator line only: a word changed in a page is seen."""
    page = tmp_path / "index.html"
    page.write_bytes(b'<head><meta name="generator" content="mkdocs-1.6.1"></head><p>Texte</p>')
    other = tmp_path / "autre.html"
    other.write_bytes(b'<head><meta name="generator" content="mkdocs-ProperDocs 1.6.7"></head><p>Texte</p>')
    assert normalised(page) == normalised(other)
    other.write_bytes(b'<head><meta name="generator" content="mkdocs-ProperDocs 1.6.7"></head><p>Textes</p>')
    assert normalised(page) != normalised(other)


# -- build-all ------------------------------------------------------------------------------------


def test_build_all_with_properdocs_and_a_learners_properdocs_yml(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for slug in ("alice", "bob"):
        shutil.copytree(FIXTURES / "base", root / slug / "notes")
    (root / "alice" / "properdocs.yml").write_text("site_name: Alice\ndocs_dir: notes\nplugins: [cheminement]\n", encoding="utf-8")
    (root / "bob" / "properdocs.yml").write_text("site_name: Bob\ndocs_dir: notes\nhooks: [x.py]\nplugins:\n"
                                                 "  - cheminement: {publication: toutes}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build-all", str(root), "--out", str(tmp_path / "out"), "--moteur", "properdocs"])
    assert result.exit_code == 1, result.output
    assert "ProperDocs" in generator(tmp_path / "out" / "alice")
    # Bob's file is read through the allow-list, and named as it is.
    assert "properdocs.yml : plugins.cheminement.publication" in result.output
    again = CliRunner().invoke(main, ["build-all", str(root), "--out", str(tmp_path / "out"), "--moteur", "mkdocs"])
    assert generator(tmp_path / "out" / "alice").startswith("mkdocs-1."), again.output  # another engine: rebuilt
