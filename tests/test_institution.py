"""Institutions: many portfolios built in parallel, incrementally, one broken among them."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from kit import FIXTURES
from sitecheck import broken_links

from cheminement.cli import main
from cheminement.institution import in_shard, survey

SECRET_NAME, SECRET_VALUE = "CHEMINEMENT_TEST_JETON", "canari-jeton-ci-93c2aa"  # a CI token
STATE = ".cheminement-build.json"
LOGO = b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>"


def portfolio(root: Path, slug: str, config: str | None = None) -> Path:
    folder = root / slug
    shutil.copytree(FIXTURES / "base", folder / "portfolio")
    if config is not None:
        (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    root.mkdir()
    (root / "logo.svg").write_bytes(LOGO)
    (root / "cheminement-institution.yml").write_text(
        "nom: Université de Test\n"
        "logo: logo.svg\n"
        "couleurs: {primaire: '#004a8f'}\n"
        "pied_de_page: Hébergé par l'Université de Test.\n"
        "mentions_legales: 'Mentions légales : Université de Test, délégué à la protection des données.'\n",
        encoding="utf-8",
    )
    # A learner who tries to be indexed and to drop the legal notice with their own settings.
    portfolio(root, "alice", "site_name: Alice Martin\ndocs_dir: portfolio\ntheme: {name: material}\n"
                             "plugins:\n  - search\n  - cheminement:\n      programme: Master IF\n"
                             "      indexation: true\n      mentions_legales: ''\n")
    portfolio(root, "bob")  # no mkdocs.yml: the institution's default
    portfolio(root, "chloe", "site_name: Chloé\ndocs_dir: portfolio\ntheme: {name: material}\n"
                             "plugins:\n  - cheminement:\n      annuaire: false\n")
    broken = portfolio(root, "denis", "site_name: Denis\ndocs_dir: portfolio\ntheme: {name: material}\nplugins: [cheminement]\n")
    (broken / "portfolio" / "recits" / "casse.md").write_text("---\ntitre: Cassé\ndate: 2025-13\n---\n", encoding="utf-8")
    (root / "_modeles").mkdir()  # not a learner
    return root


def build_all(root: Path, out: Path, *args: str):
    return CliRunner().invoke(main, ["build-all", str(root), "--out", str(out), *args])


def test_parallel_build_isolates_the_broken_portfolio(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = build_all(root, out, "--processus", "2")
    assert result.exit_code == 1, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.split() and line.split()[0] in ("alice", "bob", "chloe", "denis")}
    assert "construit" in lines["alice"] and "construit" in lines["bob"] and "construit" in lines["chloe"]
    assert "ÉCHEC" in lines["denis"]
    assert "portfolio/recits/casse.md:3" in result.output or "recits/casse.md:3" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["_assets", "alice", "bob", "chloe", "index.html", "logo.svg"]
    assert broken_links(out) == []  # the portfolios' pages and the theme's files they share


def test_institution_settings_override_the_learners(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_all(root, out)
    for page in (out / "alice").rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        robots = soup.find("meta", attrs={"name": "robots"})
        assert robots is not None and "noindex" in robots["content"], page
        legal = soup.select_one(".chm-legal")
        assert legal is not None and "Mentions légales : Université de Test" in legal.get_text(), page
    home = (out / "alice" / "index.html").read_text(encoding="utf-8")
    assert "assets/institution/logo.svg" in home and "assets/institution/institution.css" in home
    sheet = BeautifulSoup(home, "lxml").find("link", href=lambda href: href.endswith("institution/institution.css"))
    assert "#004a8f" in (out / "alice" / sheet["href"]).read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in home


def test_index_lists_public_portfolios_only(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_all(root, out)
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "lxml")
    items = [(a.get_text(), a["href"]) for a in soup.select(".annuaire__item h2 a")]
    assert items == [("Alice Martin", "alice/"), ("bob", "bob/")]  # Chloé opted out, Denis failed
    assert "Master IF" in soup.get_text()
    assert soup.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert "Chloé" not in soup.get_text()


def test_incremental_rebuild_and_previous_site_kept(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    (root / "denis" / "portfolio" / "recits" / "casse.md").unlink()
    first = build_all(root, out)
    assert first.exit_code == 0, first.output
    denis_home = (out / "denis" / "index.html").read_bytes()

    second = build_all(root, out)
    assert second.exit_code == 0
    assert "0 construit(s), 4 inchangé(s)" in second.output

    note = root / "bob" / "portfolio" / "recits" / "atelier.md"
    note.write_text(note.read_text(encoding="utf-8").replace("Co-animer un atelier", "Co-animer un atelier (revu)"), encoding="utf-8")
    (root / "denis" / "portfolio" / "recits" / "casse.md").write_text("---\ntitre: Cassé\ndate: 2025-13\n---\n", encoding="utf-8")
    third = build_all(root, out)
    assert third.exit_code == 1
    assert "1 construit(s), 2 inchangé(s), 1 en échec" in third.output
    assert "Co-animer un atelier (revu)" in (out / "bob" / "chronologie" / "index.html").read_text(encoding="utf-8")
    assert (out / "denis" / "index.html").read_bytes() == denis_home  # the last good site stays
    assert not any(p.name.startswith(".") and p.is_dir() for p in out.iterdir())  # no half-written site
    state = json.loads((out / "bob" / ".cheminement-build.json").read_text(encoding="utf-8"))
    assert state["listed"] is True and len(state["hash"]) == 64


def test_shards_split_learners_without_overlap(root: Path, tmp_path: Path) -> None:
    slugs, _ = survey(root)
    assert slugs == ["alice", "bob", "chloe", "denis"]
    parts = [{s for s in slugs if in_shard(s, (i, 3))} for i in (1, 2, 3)]
    assert set().union(*parts) == set(slugs) and sum(len(p) for p in parts) == len(slugs)
    out = tmp_path / "site"
    for i in (1, 2):
        build_all(root, out, f"--shard={i}/2")
    result = build_all(root, out, "--index-seulement")
    assert result.exit_code == 0
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "lxml")
    assert len(soup.select(".annuaire__item")) == 2
    assert build_all(root, out, "--shard=3/2").exit_code == 2


def test_the_institution_can_impose_one_referentiel_on_everyone(root: Path, tmp_path: Path) -> None:
    shared = (FIXTURES / "base" / "referentiel.yml").read_text(encoding="utf-8")
    (root / "_modeles" / "referentiel.yml").write_text(
        shared.replace("Concevoir un dispositif", "Concevoir un dispositif (référentiel commun)"), encoding="utf-8")
    with (root / "cheminement-institution.yml").open("a", encoding="utf-8") as config:
        config.write("obligatoire: {referentiel: _modeles/referentiel.yml}\n")
    out = tmp_path / "site"
    build_all(root, out)
    page = (out / "bob" / "competences" / "index.html").read_text(encoding="utf-8")
    assert "Concevoir un dispositif (référentiel commun)" in page
    first = json.loads((out / "bob" / STATE).read_text(encoding="utf-8"))["hash"]
    (root / "_modeles" / "referentiel.yml").write_text(shared, encoding="utf-8")
    assert "3 construit(s), 0 inchangé(s), 1 en échec" in build_all(root, out).output  # all rebuilt
    assert json.loads((out / "bob" / STATE).read_text(encoding="utf-8"))["hash"] != first


def test_broken_institution_file_is_a_usage_error(root: Path, tmp_path: Path) -> None:
    (root / "cheminement-institution.yml").write_text("obligatoire: {indexaton: false}\n", encoding="utf-8")
    result = build_all(root, tmp_path / "site")
    assert result.exit_code == 2
    assert "indexaton" in result.output


# -- The parent: hashing, the child's environment; the child's own audit ----------------------


def test_hashing_follows_no_link_and_opens_no_pipe(tmp_path: Path) -> None:
    from cheminement.institution import input_hash

    folder = tmp_path / "alice"
    (folder / "portfolio").mkdir(parents=True)
    (folder / "portfolio" / "index.md").write_text("# A\n", encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text("un", encoding="utf-8")
    (folder / "portfolio" / "lien.txt").symlink_to(outside)
    (folder / "portfolio" / "boucle").symlink_to(folder)
    os.mkfifo(folder / "portfolio" / "tube.md")
    os.close(os.open(os.fsencode(folder / "portfolio") + b"/caf\xe9.md", os.O_CREAT | os.O_WRONLY))
    first = input_hash(folder, "x")
    outside.write_text("deux", encoding="utf-8")
    assert input_hash(folder, "x") == first  # the link's target is not read
    (folder / "portfolio" / "index.md").write_text("# B\n", encoding="utf-8")
    assert input_hash(folder, "x") != first


def test_the_child_gets_an_emptied_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cheminement import sandbox
    from cheminement.institution import Institution, Job

    seen: dict[str, object] = {}

    class Recorder:
        def __init__(self, args: list[str], **kwargs: object) -> None:
            seen.update(kwargs, args=args)

    monkeypatch.setenv(SECRET_NAME, SECRET_VALUE)
    monkeypatch.setattr(sandbox.subprocess, "Popen", Recorder)
    job = Job("alice", tmp_path / "alice", tmp_path / "site" / "alice", Institution(root=tmp_path), "h")
    running = sandbox.start(job, sandbox.Limits())
    shutil.rmtree(running.scratch)
    env = seen["env"]
    assert isinstance(env, dict) and set(env) == {"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "NO_MKDOCS_2_WARNING",
                                                  "PYTHONNOUSERSITE"}
    assert SECRET_VALUE not in json.dumps(env) and env["HOME"] == str(running.scratch)
    assert seen["cwd"] == running.scratch and seen["start_new_session"] is True
    assert seen["args"][1:4] == ["-I", "-m", "cheminement.isolated"]


def test_the_child_audits_the_site_it_built(tmp_path: Path) -> None:
    from cheminement.isolated import audit_site
    from cheminement.settings import Settings
    from cheminement.stage import build_stage

    docs = tmp_path / "portfolio"
    shutil.copytree(FIXTURES / "base", docs)
    secret = "Une phrase du carnet privé, assez longue pour servir de canari."
    (docs / "journal" / "secret.md").write_text(f"---\ntitre: Carnet\n---\n{secret}\n", encoding="utf-8")
    settings = Settings(docs_dir=docs)
    stage = build_stage(settings, tmp_path / "stage")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>Bienvenue.</p>", encoding="utf-8")
    assert audit_site(stage, settings, site, "fr") is None
    (site / "fuite.html").write_text(f"<p>{secret}</p>", encoding="utf-8")
    found = audit_site(stage, settings, site, "fr")
    assert found is not None and "contenu privé trouvé" in found and "fuite.html" in found
