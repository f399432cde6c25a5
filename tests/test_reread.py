"""What a serve session keeps between rebuilds (reread.py, publish.UseCache, scan.RealPaths):
each memo must answer what the function it stands for would answer now, never what it
answered before the learner's edit."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from cheminement import manifest, publish, reread
from cheminement.check import analyse
from cheminement.fragments import Fragments
from cheminement.load import read_page
from cheminement.model import Kind, Portfolio, Recit, Ref, Referentiel, Trace
from cheminement.render import CompiledTemplates
from cheminement.scan import RealPaths
from cheminement.settings import Settings

RECIT = b"---\ntitre: Atelier\ndate: 2024-03\ncompetences:\n  ecoute: Application\n---\nVoir ![plan](plan.png).\n"


def test_real_paths_are_the_system_s_whatever_the_links(tmp_path: Path) -> None:
    (tmp_path / "docs/a/b").mkdir(parents=True)
    (tmp_path / "out").mkdir()
    (tmp_path / "docs/a/b/note.md").write_text("x", encoding="utf-8")
    (tmp_path / "docs/a/link").symlink_to(tmp_path / "out")  # a folder that leaves
    (tmp_path / "docs/a/b/file.md").symlink_to(tmp_path / "out/secret.md")  # a file that leaves
    (tmp_path / "docs/a/b/up").symlink_to("../../../out")  # relative
    realpath = RealPaths()
    for path in ("a/b/note.md", "a/link/x.md", "a/b/file.md", "a/b/up/y.md", "a/link/../b/note.md",
                 "a/b/missing/z.md", "a/b/up", "a", ""):
        full = os.path.join(tmp_path / "docs", path)
        assert realpath(full) == os.path.realpath(full), path
    # Asked again, the cached folder gives the same answers.
    assert realpath(str(tmp_path / "docs/a/b/file.md")) == str(tmp_path / "out/secret.md")


def test_a_reading_is_reused_for_the_same_bytes_only(tmp_path: Path) -> None:
    settings = Settings(docs_dir=tmp_path)
    readings = reread.Readings()
    readings.start(settings, ["recits/atelier.md"])
    first, _ = readings.read("recits/atelier.md", RECIT, settings)
    again, _ = readings.read("recits/atelier.md", RECIT, settings)
    assert again is first  # the same object: what the other memos key on
    edited, _ = readings.read("recits/atelier.md", RECIT.replace(b"Application", b"Expertise"), settings)
    assert isinstance(edited, Recit) and edited.competences[0].level == "Expertise"


def test_readings_start_again_when_the_files_or_settings_change(tmp_path: Path) -> None:
    """A trace's `fichier` is looked for on disk: the same bytes read differently once the
    file is gone, so a change in the folder's files forgets every reading."""
    (tmp_path / "traces").mkdir()
    (tmp_path / "traces/grille.pdf").write_bytes(b"%PDF-1.4")
    raw = b"---\ntitre: Grille\nfichier: grille.pdf\n---\n"
    settings = Settings(docs_dir=tmp_path)
    readings = reread.Readings()
    readings.start(settings, ["traces/grille.md", "traces/grille.pdf"])
    page, problems = readings.read("traces/grille.md", raw, settings)
    assert isinstance(page, Trace) and page.file == "traces/grille.pdf" and not problems
    (tmp_path / "traces/grille.pdf").unlink()
    readings.start(settings, ["traces/grille.md"])
    page, problems = readings.read("traces/grille.md", raw, settings)
    assert isinstance(page, Trace) and page.file is None
    assert [p.code for p in problems] == [p.code for p in read_page("traces/grille.md", raw, settings)[1]]
    assert "trace-file-missing" in [p.code for p in problems]
    english = Settings(docs_dir=tmp_path, lang="en")
    readings.start(english, ["traces/grille.md"])
    assert readings.read("traces/grille.md", raw, english)[0] is not page


def test_the_files_a_page_uses_are_asked_again_for_a_new_reading(tmp_path: Path) -> None:
    """A file a private note names stays private once no public page shows it: a public
    note's old use of it must not be remembered past the edit that removed it."""
    docs = tmp_path
    (docs / "recits").mkdir()
    (docs / "journal").mkdir()
    (docs / "recits/plan.png").write_bytes(b"\x89PNG")
    (docs / "recits/atelier.md").write_bytes(RECIT)
    (docs / "journal/carnet.md").write_text("Le plan : ../recits/plan.png, à garder pour moi.\n", encoding="utf-8")
    settings = Settings(docs_dir=docs)
    cache = publish.UseCache()
    readings = reread.Readings()
    paths = ["journal/carnet.md", "recits/atelier.md", "recits/plan.png"]

    def published() -> set[str]:
        readings.start(settings, paths)
        report = analyse(settings, paths, readings.read)
        return set(publish.publish(report.portfolio, settings, uses=cache).public.assets)

    assert published() == {"recits/plan.png"}
    (docs / "recits/atelier.md").write_bytes(RECIT.replace(b"Voir ![plan](plan.png).", b"Plus d'image."))
    assert published() == set()
    (docs / "recits/atelier.md").write_bytes(RECIT)
    assert published() == {"recits/plan.png"}


@pytest.mark.parametrize("rebuilt", [None, frozenset({"recits/a.md"})])
def test_manifest_records_follow_the_published_context(tmp_path: Path, rebuilt: frozenset[str] | None) -> None:
    def recit(name: str, body: str) -> Recit:
        return Recit(path=f"recits/{name}.md", title=name, body=body, kind=Kind.RECIT, id=name,
                     competences=[Ref("ecoute", 3, "Application")])

    a, b = recit("a", "Voir [le b](b.md)."), recit("b", "Seul.")
    records = reread.Records()
    both = Portfolio(Referentiel(), notes=[a, b])
    first = manifest.build_manifest(both, tmp_path, private=set(), record=records.record)
    assert first == manifest.build_manifest(both, tmp_path, private=set())
    # b made private: a's published text loses its link; `rebuilt` names a (incremental.py).
    records.expect(rebuilt)
    alone = Portfolio(Referentiel(), notes=[a])
    after = manifest.build_manifest(alone, tmp_path, private={"recits/b.md"}, record=records.record)
    assert after == manifest.build_manifest(alone, tmp_path, private={"recits/b.md"})
    assert after["files"]["recits/a.md"]["hash"] != first["files"]["recits/a.md"]["hash"]


def test_pieces_of_pages_are_kept_for_the_same_note_page_and_context() -> None:
    renders: list[str] = []

    def render(text: str) -> Callable[[], Markup]:
        """A template block's caller that notes when it runs."""
        def block() -> Markup:
            renders.append(text)
            return Markup(text)
        return block

    note = Recit(path="recits/a.md", title="A", body="", kind=Kind.RECIT, id="a")
    edited = Recit(path="recits/a.md", title="A bis", body="", kind=Kind.RECIT, id="a")
    fragments = Fragments()
    fragments.start("context")
    assert fragments.piece("chronologie/", ("entry", note, 1), render("a1")) == "a1"
    assert fragments.piece("recits/", ("card", note), render("card")) == "card"
    fragments.start("context")  # the timeline is written again, the listing kept as it was
    assert fragments.piece("chronologie/", ("entry", note, 1), render("again")) == "a1"
    assert fragments.piece("chronologie/", ("entry", note, 2), render("a2")) == "a2"  # moved: new piece
    assert fragments.piece("chronologie/", ("entry", edited, 1), render("edited")) == "edited"  # a new reading
    fragments.start("context")
    assert fragments.piece("recits/", ("card", note), render("card again")) == "card"  # its page was not written
    fragments.start("other context")
    assert fragments.piece("recits/", ("card", note), render("card, other context")) == "card, other context"
    fragments.start(None)
    fragments.start("other context")
    assert fragments.piece("recits/", ("card", note), render("after a complete rebuild")) == "after a complete rebuild"
    assert fragments.piece("recits/", ("card", note, object()), render("x")) == "x"  # not a plain value: not kept
    assert fragments.piece("recits/", ("card", note, object()), render("y")) == "y"
    assert renders == ["a1", "card", "a2", "edited", "card, other context", "after a complete rebuild", "x", "y"]


def test_compiled_templates_are_reused_only_by_environments_that_compile_alike(tmp_path: Path) -> None:
    """render.COMPILED is shared by every template environment of the process (ours, the
    engine's on each serve rebuild): one that compiles a template differently gets its own."""
    (tmp_path / "t.html").write_text("{% if true %}\n{{ 'a' | shout }}\n{% endif %}\n", encoding="utf-8")
    cache = CompiledTemplates()

    def render(trim: bool, by_context: bool) -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), trim_blocks=trim, bytecode_cache=cache)
        if by_context:
            env.filters["shout"] = jinja2.pass_context(lambda context, value: value.upper() + "!")
        else:
            env.filters["shout"] = lambda value: value.upper()
        return env.get_template("t.html").render()

    assert render(trim=False, by_context=False) == "\nA\n"
    assert render(trim=True, by_context=False) == "A\n"
    assert render(trim=True, by_context=True) == "A!\n"
    assert render(trim=False, by_context=False) == "\nA\n"  # what was kept first, still right
