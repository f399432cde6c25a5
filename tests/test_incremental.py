"""Incremental rebuilds under `serve --dirty` (issue #18): after each edit, the site the
kept plugin rebuilt is, file for file, the site a full build of the same folder writes,
search index included, and a note made private leaves no byte behind.

A session mimics `mkdocs serve --dirty` (commands/serve.py): one `on_startup`, then a fresh
configuration per rebuild with the same plugin instances, built into the same folder.
MkDocs keeps plugin instances in one process-wide cache; each session and each reference
build gets a cache of its own, so that they do not share a plugin.
"""

from __future__ import annotations

import filecmp
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from kit import FIXTURES, Portfolio
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from cheminement import incremental, model
from cheminement.cli import main
from cheminement.model import Kind, Recit, Ref
from cheminement.plugin import CheminementPlugin

SERVE_URL = "http://127.0.0.1:8000/"
PLUGINS_OPTION: Any = dict(MkDocsConfig._schema)["plugins"]
LASTMOD = re.compile(rb"<lastmod>[^<]*</lastmod>")


@contextmanager
def plugin_cache(cache: dict[str, Any]) -> Iterator[None]:
    saved = PLUGINS_OPTION.plugin_cache
    PLUGINS_OPTION.plugin_cache = cache
    try:
        yield
    finally:
        PLUGINS_OPTION.plugin_cache = saved


def serve_config(root: Path, site: Path) -> MkDocsConfig:
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site))
    config.site_url = SERVE_URL
    return config


class Session:
    """`mkdocs serve --dirty` without the server."""

    def __init__(self, root: Path, site: Path) -> None:
        self.root, self.site, self.cache = root, site, {}
        with plugin_cache(self.cache):
            config = serve_config(root, site)
            config.plugins.on_startup(command="serve", dirty=True)
        self.plugin = next(p for p in config.plugins.values() if isinstance(p, CheminementPlugin))

    def rebuild(self) -> incremental.Plan:
        with plugin_cache(self.cache):
            build(serve_config(self.root, self.site), serve_url=SERVE_URL, dirty=True)
        return self.plugin.rebuilds.plan


def full_build(root: Path, site: Path) -> Path:
    """What plain `mkdocs serve` writes: a clean build of the same folder."""
    shutil.rmtree(site, ignore_errors=True)
    with plugin_cache({}):
        config = serve_config(root, site)
        config.plugins.on_startup(command="serve", dirty=False)
        build(config, serve_url=SERVE_URL, dirty=False)
        config.plugins.on_shutdown()
    return site


def normalised(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)  # its header holds the build time
    return LASTMOD.sub(b"", data) if path.name.startswith("sitemap.xml") else data


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ, or exist on one side only, build dates aside."""
    names = {p.relative_to(left).as_posix() for p in left.rglob("*") if p.is_file()}
    others = {p.relative_to(right).as_posix() for p in right.rglob("*") if p.is_file()}
    found = sorted(names ^ others)
    for name in sorted(names & others):
        if not filecmp.cmp(left / name, right / name, shallow=False) and normalised(left / name) != normalised(right / name):
            found.append(name)
    return found


@pytest.fixture
def folio(tmp_path: Path) -> Portfolio:
    return base_folio(tmp_path)


def base_folio(tmp_path: Path) -> Portfolio:
    """The base portfolio, its dossier on, and notes that the edits below do not reach."""
    shutil.copytree(FIXTURES / "base", tmp_path / "docs")
    folio = Portfolio(tmp_path)
    folio.configure("dossier: true\n")
    for n in range(3):
        folio.write(f"recits/seul-{n}.md", f"""\
            ---
            titre: Récit sans lien {n}
            date: 2021-0{n + 1}
            competences:
              ecoute-active: Application
            ---
            Un texte à part, numéro {n}.
            """)
    for name, about in (("sur-competence", "ecoute-active"), ("sur-note", "seul-0")):
        folio.write(f"retours/{name}.md", f"""\
            ---
            auteur: Anne Coach
            date: 2025-05-02
            sur: {about}
            visibilite: public
            ---
            Un retour sur {about}.
            """)
    return folio


def edit(folio: Portfolio, path: str, old: str, new: str) -> None:
    target = folio.docs / path
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def check_same(folio: Portfolio, session: Session) -> None:
    reference = full_build(folio.root, folio.root / "reference")
    assert differences(session.site, reference) == []


def test_body_and_level_edits_rebuild_few_pages_and_give_the_full_site(folio: Portfolio) -> None:
    session = Session(folio.root, folio.root / "served")
    assert session.rebuild().full is incremental.Full.FIRST
    untouched = session.site / "recits/seul-2/index.html"
    timeline = next(p for p in session.site.rglob("index.html") if "chm-frise" in p.read_text("utf-8")
                    and p.parent != session.site)
    before, timeline_before = untouched.stat().st_mtime_ns, timeline.stat().st_mtime_ns

    edit(folio, "recits/atelier.md", "Voir [[premier-entretien]].", "Voir [[premier-entretien]]. Une phrase neuve.")
    plan = session.rebuild()
    assert plan.full is None and "recits/atelier.md" in plan.pages and "recits/seul-2.md" not in plan.pages
    assert untouched.stat().st_mtime_ns == before  # left as it was on disk
    assert timeline.stat().st_mtime_ns == timeline_before  # shows no text: kept, its title given to the nav
    assert "Une phrase neuve" in (session.site / "recits/atelier/index.html").read_text(encoding="utf-8")
    check_same(folio, session)

    edit(folio, "recits/premier-entretien.md", "ecoute-active: Application", "ecoute-active: Expertise")
    plan = session.rebuild()
    assert plan.full is None and "recits/premier-entretien.md" in plan.pages
    check_same(folio, session)


def test_feedback_text_reaches_what_it_is_about(folio: Portfolio) -> None:
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    conception = session.site / "competences/conception/index.html"
    before = conception.stat().st_mtime_ns
    edit(folio, "retours/sur-competence.md", "Un retour sur", "Un retour revu sur")
    edit(folio, "retours/sur-note.md", "Un retour sur", "Un retour revu sur")
    plan = session.rebuild()
    assert plan.full is None and "recits/seul-0.md" in plan.pages
    assert "Un retour revu sur ecoute-active" in (session.site / "competences/ecoute-active/index.html").read_text("utf-8")
    assert conception.stat().st_mtime_ns == before  # no edit names it: left as it was
    check_same(folio, session)


def test_a_new_or_removed_link_rebuilds_the_note_it_names(folio: Portfolio) -> None:
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    # "Cité dans" on seul-1 appears; on premier-entretien it goes.
    edit(folio, "recits/atelier.md", "Voir [[premier-entretien]].", "Voir [[seul-1]].")
    plan = session.rebuild()
    assert plan.full is None and {"recits/seul-1.md", "recits/premier-entretien.md"} <= plan.pages
    check_same(folio, session)


def test_a_forgotten_dependent_page_is_caught(folio: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above can fail: without the related notes, the backlink is stale."""
    monkeypatch.setattr(incremental, "_related", lambda changed, snap: set())
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    edit(folio, "recits/atelier.md", "Voir [[premier-entretien]].", "Voir [[seul-1]].")
    session.rebuild()
    reference = full_build(folio.root, folio.root / "reference")
    assert "recits/seul-1/index.html" in differences(session.site, reference)


def test_a_note_made_private_leaves_every_page_at_once(folio: Portfolio) -> None:
    """Incremental, yet the same site as a full build: its page, the file only it showed,
    its search entries, its links and backlinks, its place on competence pages and lists."""
    folio.write("recits/seul-0.md", """\
        ---
        titre: Récit qui cite l'atelier
        date: 2021-01
        competences:
          ecoute-active: Application
        ---
        Comme dans [[atelier]], et [voir ici](atelier.md).
        """)
    (folio.docs / "recits/schema-atelier.png").write_bytes(b"\x89PNG\r\n\x1a\n-atelier-")
    edit(folio, "recits/atelier.md", "Voir [[premier-entretien]].", "Voir [[premier-entretien]].\n\n![Schéma](schema-atelier.png)")
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    assert (session.site / "recits/schema-atelier.png").is_file()
    untouched = session.site / "recits/seul-2/index.html"
    before = untouched.stat().st_mtime_ns
    edit(folio, "recits/atelier.md", "modele: kolb", "modele: kolb\nvisibilite: prive")
    plan = session.rebuild()
    assert plan.full is None and {"recits/atelier.md", "recits/seul-0.md", "recits/premier-entretien.md"} <= plan.pages
    assert untouched.stat().st_mtime_ns == before  # incremental: a note that never named it stays
    assert not (session.site / "recits/atelier").exists()
    assert not (session.site / "recits/schema-atelier.png").exists()
    check_same(folio, session)
    for path in session.site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "Co-animer un atelier" not in text and "recits/atelier" not in text, path


def test_pieces_kept_under_serve_move_when_a_note_leaves(folio: Portfolio) -> None:
    """Pieces of the timeline are kept between rebuilds (fragments.py), keyed on where
    they stand: three récits of one month sit on three rows of the frise, and when the
    first leaves, the others move up, as in a full build."""
    for n in range(3):
        folio.write(f"recits/mois-{n}.md", f"""\
            ---
            titre: Même mois {n}
            date: 2021-01-1{n}
            competences:
              ecoute-active: Application
            ---
            Texte {n}.
            """)
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    timeline = (session.site / "chronologie/index.html").read_text(encoding="utf-8")
    assert "--sous-rang: 2" in timeline
    edit(folio, "recits/mois-0.md", "date: 2021-01-10", "date: 2021-01-10\nvisibilite: prive")
    assert session.rebuild().full is None
    check_same(folio, session)
    edit(folio, "recits/mois-1.md", "ecoute-active: Application", "ecoute-active: Expertise")
    assert session.rebuild().full is None
    check_same(folio, session)


def test_a_private_note_edited_or_made_public_rebuilds_everything(folio: Portfolio) -> None:
    """What a private note says may move what is published (a name another note links by):
    any change to it is a complete rebuild, and so is a note made public."""
    edit(folio, "recits/atelier.md", "modele: kolb", "modele: kolb\nvisibilite: prive")
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    edit(folio, "recits/atelier.md", "Voir [[premier-entretien]].", "Voir [[premier-entretien]] encore.")
    assert session.rebuild().full is incremental.Full.CONTEXT
    check_same(folio, session)
    edit(folio, "recits/atelier.md", "visibilite: prive", "visibilite: public")
    assert session.rebuild().full is incremental.Full.FILES
    check_same(folio, session)


@pytest.mark.parametrize(("change", "reason"), [
    ("rename", incremental.Full.CONTEXT),  # the folder's files changed
    ("delete", incremental.Full.CONTEXT),
    ("title", incremental.Full.HEAD),
    ("journal", incremental.Full.CONTEXT),
])
def test_other_edits_rebuild_everything(folio: Portfolio, change: str, reason: incremental.Full) -> None:
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    if change == "rename":
        (folio.docs / "recits/seul-1.md").rename(folio.docs / "recits/renomme.md")
    elif change == "delete":
        (folio.docs / "recits/seul-1.md").unlink()
    elif change == "title":
        edit(folio, "recits/seul-1.md", "Récit sans lien 1", "Un autre titre")
    else:
        with (folio.docs / "journal/doutes.md").open("a", encoding="utf-8") as journal:
            journal.write("\nUne pensée de plus.\n")
    assert session.rebuild().full is reason
    check_same(folio, session)


def test_a_failed_rebuild_makes_the_next_one_complete(folio: Portfolio) -> None:
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    plugin = session.plugin
    plugin.rebuilds.fail()
    edit(folio, "recits/seul-0.md", "numéro 0", "numéro zéro")
    assert session.rebuild().full is incremental.Full.FIRST
    check_same(folio, session)


def test_other_plugins_or_a_written_nav_rebuild_everything(folio: Portfolio) -> None:
    folio.configure("dossier: true\n", extra="nav:\n  - index.md\n")
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    edit(folio, "recits/seul-0.md", "numéro 0", "numéro zéro")
    assert session.rebuild().full is incremental.Full.SETUP
    check_same(folio, session)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.read().decode("utf-8")
    except OSError:
        return None


def poll(url: str, shows: Callable[[str | None], bool], process: subprocess.Popen[bytes]) -> None:
    """Until the served page shows what is expected (a safety limit, not a timing)."""
    deadline = time.monotonic() + 300
    while not shows(fetch(url)):
        assert process.poll() is None, "cheminement serve stopped"
        assert time.monotonic() < deadline, url
        time.sleep(0.1)


def test_cheminement_serve_shows_an_edit_and_drops_a_note_made_private(folio: Portfolio) -> None:
    port = free_port()
    command = [sys.executable, "-m", "cheminement", "serve", str(folio.root), "-a", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    page = f"http://127.0.0.1:{port}/recits/seul-0/"
    try:
        poll(page, lambda html: html is not None and "numéro 0" in html, process)
        edit(folio, "recits/seul-0.md", "numéro 0", "numéro zéro, revu")
        poll(page, lambda html: html is not None and "numéro zéro, revu" in html, process)
        edit(folio, "recits/seul-0.md", "---\ntitre", "---\nvisibilite: prive\ntitre")
        poll(page, lambda html: html is None, process)  # 404
        index = json.loads(fetch(f"http://127.0.0.1:{port}/search/search_index.json") or "{}")
        titles = {entry["title"] for entry in index["docs"]}
        assert "Récit sans lien 1" in titles and "Récit sans lien 0" not in titles
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl+C, as a learner stops it
        _, errors = process.communicate(timeout=60)
    assert b"Traceback" not in errors


def test_cheminement_serve_refuses_a_configuration_without_the_plugin(tmp_path: Path) -> None:
    """serve reloads mkdocs.yml on every change: without our plugin, it would publish all."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# Accueil\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - search\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", str(tmp_path)], prog_name="cheminement")
    assert result.exit_code == 1
    assert "n'active pas le plugin cheminement" in result.output and "Traceback" not in result.output


# -- The decision alone (incremental.py), on notes made in memory --------------------------


def recit(name: str, body: str = "", level: str = "Application", **fields: Any) -> Recit:
    return Recit(path=f"recits/{name}.md", title=fields.pop("title", name.title()), body=body, kind=Kind.RECIT,
                 id=name, competences=[Ref("ecoute", 3, level)], **fields)


def state(*notes: Recit, context: str = "c") -> incremental.Snapshot:
    return incremental.snapshot(model.Portfolio(model.Referentiel(), notes=list(notes)), [context])


def test_the_plan_names_the_edited_note_and_the_notes_pointing_either_way() -> None:
    others = [recit("bilan"), recit("cours", "Comme dans Mon%20Stage."), recit("stage", title="Mon stage"),
              recit("entretien", "Rien.")]
    before = state(recit("atelier", "Voir [[bilan]]."), *others)
    after = state(recit("atelier", "Voir [[bilan]] et [[Mon stage|ça]]."), *others)
    plan = incremental.plan(before, after)
    assert plan.full is None and not plan.levels
    assert plan.changed == {"recits/atelier.md"}
    # not cours: it names the stage, not the edited note
    assert plan.pages == {"recits/atelier.md", "recits/bilan.md", "recits/stage.md"}


def test_names_are_matched_in_every_form_a_link_may_take() -> None:
    """Entities, %XX, case and accents: a backlink written oddly still counts (over-matching
    only rebuilds more)."""
    for written in ("[[B&#233;b&#233;]]", "[x](b%C3%A9b%C3%A9.md)", "[[BÉBÉ]]", "[[bebe]]"):
        before = state(recit("atelier", "."), recit("bébé"))
        after = state(recit("atelier", written), recit("bébé"))
        assert "recits/bébé.md" in incremental.plan(before, after).pages, written


def test_embeds_are_followed_to_the_pages_that_embed_the_embedder() -> None:
    notes = [recit("bilan", "![[cours]]"), recit("cours", "![[dossier]]"), recit("entretien", "seul")]
    before = state(recit("dossier", "v1"), *notes)
    after = state(recit("dossier", "v2"), *notes)
    assert incremental.plan(before, after).pages == {"recits/dossier.md", "recits/cours.md", "recits/bilan.md"}


def test_anything_but_a_text_or_a_level_makes_the_plan_complete() -> None:
    base = state(recit("atelier"), recit("bilan"))
    assert incremental.plan(None, base).full is incremental.Full.FIRST
    assert incremental.plan(base, state(recit("atelier"), recit("bilan"), context="x")).full is incremental.Full.CONTEXT
    assert incremental.plan(base, state(recit("atelier"))).full is incremental.Full.FILES  # deleted
    private = incremental.snapshot(model.Portfolio(model.Referentiel(), notes=[recit("atelier")]), ["c"],
                                   [recit("bilan")])
    made_private = incremental.plan(base, private)
    assert made_private.full is None and made_private.levels and made_private.changed == {"recits/bilan.md"}
    assert incremental.plan(private, base).full is incremental.Full.FILES  # made public
    assert incremental.plan(base, state(recit("atelier", title="Autre"), recit("bilan"))).full is incremental.Full.HEAD
    assert incremental.plan(base, state(recit("atelier", summary="Résumé"), recit("bilan"))).full is incremental.Full.HEAD
    level = incremental.plan(base, state(recit("atelier", level="Expertise"), recit("bilan")))
    assert level.full is None and level.levels and level.changed == {"recits/atelier.md"}
    assert incremental.plan(base, state(recit("atelier"), recit("bilan"))) == incremental.Plan(None)
