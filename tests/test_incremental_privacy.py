"""A note made private under `cheminement serve` (issue #18), tried every way a learner
could: linked in every form, embedded, featured, in the dossier, with its trace, its
feedback, under other suffixes and names, made private and public again, with another edit
in the same rebuild. After each edit, the served site must be the one a full build gives,
and no private word may be in any file of it (from an adversarial review of the
incremental rebuild; the failures it found are fixed and stay here)."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from kit import Portfolio
from test_incremental import Session, base_folio, differences, edit, full_build

from cheminement import incremental

TITLE = "Zorglub mediation"
BODY = "Quaktext secret corps"

CIBLE = f"""\
---
titre: {TITLE}
date: 2023-05
aliases: [Le grand Bidule]
competences:
  alliance: Application
---
{BODY}. Voir [[seul-2]].
"""


def write_cible(folio: Portfolio, path: str = "recits/cible.md", extra: str = "") -> None:
    text = CIBLE.replace("date: 2023-05\n", "date: 2023-05\n" + extra)
    folio.write(path, text)


def make_private(folio: Portfolio, path: str = "recits/cible.md") -> None:
    edit(folio, path, "date: 2023-05\n", "date: 2023-05\nvisibilite: prive\n")


def leaks(site: Path, words: list[str]) -> list[str]:
    found = []
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for word in words:
                if word.encode() in data:
                    found.append(f"{path.relative_to(site)}: {word}")
    return found


def run(folio: Portfolio, edits: list[Callable[[], None]], words: list[str], public_steps: tuple[int, ...] = ()) -> list:
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    plans = []
    for step, change in enumerate(edits):
        change()
        plans.append(session.rebuild())
        reference = full_build(folio.root, folio.root / "reference")
        diff = differences(session.site, reference)
        found = leaks(session.site, words)
        ref_found = leaks(reference, words)
        print("STEP", step, "PLAN", plans[-1].full, sorted(plans[-1].pages))
        print("DIFF", diff)
        print("LEAKS", found, "REF", ref_found)
        assert set(found) <= set(ref_found)
        assert step in public_steps or not [f for f in ref_found if TITLE in f or BODY in f]
        assert diff == []
    return plans


def linker(folio: Portfolio, body: str, path: str = "recits/seul-1.md") -> None:
    folio.write(path, f"""\
        ---
        titre: Récit qui pointe
        date: 2021-02
        competences:
          ecoute-active: Application
        ---
        Texte. {body}
        """)


WORDS = [TITLE, BODY, "recits/cible", "cible/"]


@pytest.fixture
def folio(tmp_path: Path) -> Portfolio:
    return base_folio(tmp_path)


@pytest.mark.parametrize("body", [
    "[[cible]]", "[[Le grand Bidule]]", "[[cible|un libellé]]", "[voir](cible.md)", "![[cible]]",
    '<a href="../cible/">ici</a>', '<a href="cible.md">ici</a>', "[[recits/cible]]", "[[CIBLE]]",
    "[[le grand bidule]]", "[x](./cible.md#titre)", "[x](%63ible.md)", "[x](&#99;ible.md)",
])
def test_linked_then_private(folio: Portfolio, body: str) -> None:
    write_cible(folio)
    linker(folio, body)
    run(folio, [lambda: make_private(folio)], WORDS)


@pytest.mark.parametrize(("alias", "link"), [
    ("Große Bühne", "[[GROSSE BÜHNE]]"),   # casefold ß -> ss, fold keeps ß
    ("Λόγος", "[[ΛΌΓΟΣ]]"),                # final sigma
    ("ﬁche", "[[FICHE]]"),                 # ligature
])
def test_casefold_names(folio: Portfolio, alias: str, link: str) -> None:
    write_cible(folio)
    edit(folio, "recits/cible.md", "aliases: [Le grand Bidule]", f"aliases: [{alias}]")
    linker(folio, link)
    run(folio, [lambda: make_private(folio)], WORDS)


def test_trace_used_only_by_note(folio: Portfolio) -> None:
    folio.write("traces/cible-trace.md", """\
        ---
        titre: Trace Wumpf unique
        date: 2023-04
        fichier: wumpf.pdf
        competences: [alliance]
        ---
        Corps de trace Wumpf.
        """)
    (folio.docs / "traces/wumpf.pdf").write_bytes(b"%PDF-1.4 wumpfbytes")
    write_cible(folio, extra="traces: [cible-trace]\n")
    run(folio, [lambda: make_private(folio)], [*WORDS, "wumpfbytes"])


def test_retour_about_note(folio: Portfolio) -> None:
    write_cible(folio)
    folio.write("retours/sur-cible.md", """\
        ---
        auteur: Anne Coach
        date: 2025-05-03
        sur: cible
        visibilite: public
        ---
        Retour Plonkword sur la cible.
        """)
    run(folio, [lambda: make_private(folio)], [*WORDS, "Plonkword"])


def test_competence_page_private(folio: Portfolio) -> None:
    folio.write("competences/alliance.md", """\
        ---
        niveau: Application
        ---
        Page Frobnitz alliance.
        """)
    write_cible(folio)
    run(folio, [lambda: edit(folio, "competences/alliance.md", "niveau: Application", "niveau: Application\nvisibilite: prive")],
        ["Frobnitz"])


def test_private_public_private(folio: Portfolio) -> None:
    write_cible(folio)
    linker(folio, "[[cible]]")
    run(folio, [lambda: make_private(folio),
                lambda: edit(folio, "recits/cible.md", "visibilite: prive", "visibilite: public"),
                lambda: edit(folio, "recits/cible.md", "visibilite: public", "visibilite: prive")], WORDS, (1,))


@pytest.mark.parametrize("extra", ["a_la_une: true\n", "dossier: true\n", "resume: Resumzz du texte\n"])
def test_featured_or_dossier(folio: Portfolio, extra: str) -> None:
    write_cible(folio, extra=extra)
    run(folio, [lambda: make_private(folio)], [*WORDS, "Resumzz"])


@pytest.mark.parametrize("options", ["dossier: true\ndepuis: 2020-01-01\n", "dossier: true\napercu_prive: true\n"])
def test_options(folio: Portfolio, options: str) -> None:
    folio.configure(options)
    write_cible(folio)
    linker(folio, "[[cible]]")
    words = WORDS if "apercu" not in options else []
    run(folio, [lambda: make_private(folio)], words)


@pytest.mark.parametrize(("before", "after"), [("[[seul-0]]", "[[cible]]"), ("[[cible]]", "plus rien")])
def test_private_and_other_edit(folio: Portfolio, before: str, after: str) -> None:
    """Made private in the same rebuild as another note starts or stops linking to it."""
    write_cible(folio)
    linker(folio, before)

    def both() -> None:
        make_private(folio)
        edit(folio, "recits/seul-1.md", before, after)
    run(folio, [both], WORDS)


@pytest.mark.parametrize("suffix", [".markdown", ".MD", ".mdown"])
def test_suffixes(folio: Portfolio, suffix: str) -> None:
    write_cible(folio, path=f"recits/cible{suffix}")
    linker(folio, "[[cible]] et [x](cible" + suffix + ")")
    run(folio, [lambda: make_private(folio, f"recits/cible{suffix}")], WORDS)


@pytest.mark.parametrize(("path", "url"), [("apropos.md", "apropos/"), ("divers/infos.md", "divers/infos")])
def test_ordinary_page_private(folio: Portfolio, path: str, url: str) -> None:
    """An ordinary page is in every page's menu: made private, it leaves every page."""
    folio.write(path, """\
        ---
        title: Gribouille page
        ---
        # Gribouille page

        Texte Pagetextzz.
        """)
    run(folio, [lambda: edit(folio, path, "title: Gribouille page", "title: Gribouille page\nvisibilite: prive")],
        ["Gribouille", "Pagetextzz", url])


def test_note_embeds_page_that_links(folio: Portfolio) -> None:
    write_cible(folio)
    folio.write("apropos.md", "# A propos\n\nVoir [[cible]].\n")
    linker(folio, "![[apropos]]")
    run(folio, [lambda: make_private(folio)], WORDS)


def test_home_links(folio: Portfolio) -> None:
    write_cible(folio)
    folio.write("index.md", "# Portfolio de test\n\nVoir [[cible]] et [[Le grand Bidule]].\n")
    run(folio, [lambda: make_private(folio)], WORDS)


def test_symlinked_second_name(folio: Portfolio) -> None:
    write_cible(folio)
    os.symlink("cible.md", folio.docs / "recits/autre.md")
    linker(folio, "[[autre]]")
    run(folio, [lambda: make_private(folio)], [*WORDS, "recits/autre", "autre/"])


def test_only_trace_private(folio: Portfolio) -> None:
    run(folio, [lambda: edit(folio, "traces/grille.md", "date: 2022-01", "date: 2022-01\nvisibilite: prive")],
        ["Ma grille", "traces/grille"])


def test_only_retours_private(folio: Portfolio) -> None:
    (folio.docs / "retours/sur-competence.md").unlink()
    run(folio, [lambda: edit(folio, "retours/sur-note.md", "visibilite: public", "visibilite: prive")],
        ["Un retour sur", "retours/sur-note"])


def test_home_private(folio: Portfolio) -> None:
    folio.write("index.md", "---\ntitre: Accueil Hushhome\n---\n# Portfolio\n\nBienvenue Hushhome.\n")
    run(folio, [lambda: edit(folio, "index.md", "titre: Accueil Hushhome", "titre: Accueil Hushhome\nvisibilite: prive")],
        ["Hushhome"])


def test_trace_file_becomes_link_outside(folio: Portfolio) -> None:
    outside = folio.root / "dehors"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF-1.4 outsidesecretbytes")

    def relink() -> None:
        (folio.docs / "traces/grille.pdf").unlink()
        os.symlink(outside / "secret.pdf", folio.docs / "traces/grille.pdf")
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    relink()
    errors = []
    try:
        plan = session.rebuild()
        print("PLAN", plan.full, sorted(plan.pages))
    except Exception as error:  # noqa: BLE001
        errors.append(("served", str(error)[:400]))
    try:
        full_build(folio.root, folio.root / "reference")
    except Exception as error:  # noqa: BLE001
        errors.append(("reference", str(error)[:400]))
    print("ERRORS", errors)
    print("LEAKS", leaks(session.site, ["outsidesecretbytes"]))
    print("PROBLEMS", [(p.file, p.code) for p in session.plugin.report.problems] if session.plugin.report else None)
    assert [e[0] for e in errors] in ([], ["served", "reference"])


def test_trace_file_becomes_link_outside_compare(folio: Portfolio) -> None:
    outside = folio.root / "dehors"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF-1.4 outsidesecretbytes")
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    (folio.docs / "traces/grille.pdf").unlink()
    os.symlink(outside / "secret.pdf", folio.docs / "traces/grille.pdf")
    session.rebuild()
    fresh = Session(folio.root, folio.root / "fresh")
    fresh.rebuild()
    kept = sorted((p.file, p.code) for p in session.plugin.report.problems)
    new = sorted((p.file, p.code) for p in fresh.plugin.report.problems)
    print("KEPT", kept, "\nFRESH", new)
    print("DIFF", differences(session.site, fresh.site))
    assert kept == new


def test_parcours_private(folio: Portfolio) -> None:
    folio.write("parcours/zorg.md", """\
        ---
        titre: Zorglub mediation
        type: emploi
        organisation: Quaktext SA
        debut: 2010-01
        fin: 2012-01
        ---
        Emploi.
        """)
    edit(folio, "recits/seul-0.md", "date: 2021-01", "date: 2021-01\nparcours: zorg")
    run(folio, [lambda: edit(folio, "parcours/zorg.md", "type: emploi", "type: emploi\nvisibilite: prive")],
        [TITLE, "Quaktext", "parcours/zorg"])


def test_own_id(folio: Portfolio) -> None:
    write_cible(folio, extra="id: xk-42\n")
    linker(folio, "[[xk-42]]")
    run(folio, [lambda: make_private(folio)], WORDS)


def test_private_then_edit_linker(folio: Portfolio) -> None:
    write_cible(folio)
    linker(folio, "[[cible]]")
    run(folio, [lambda: make_private(folio), lambda: edit(folio, "recits/seul-1.md", "Texte.", "Texte revu.")], WORDS)


@pytest.mark.parametrize("review", ["", "relecture: true\n"])
def test_relecture_retour_about_note(folio: Portfolio, review: str) -> None:
    if review:
        folio.configure("dossier: true\nrelecture: true\n")
    write_cible(folio)
    folio.write("retours/relu.md", """\
        ---
        auteur: Bea Relectrice
        date: 2024-06-15
        sur: cible
        relecture: true
        visibilite: public
        ---
        Relecture Plonkword terminee.
        """)
    run(folio, [lambda: make_private(folio)], [*WORDS, "Plonkword", "Bea Relectrice", "2024-06-15", "15 juin 2024"])


def test_relecture_since_moves(folio: Portfolio) -> None:
    write_cible(folio)
    for name, date, about in (("ancien", "2020-01-10", "seul-0"), ("relu", "2024-06-15", "cible")):
        folio.write(f"retours/{name}.md", f"""\
            ---
            auteur: Bea Relectrice
            date: {date}
            sur: {about}
            relecture: true
            visibilite: public
            ---
            Relecture {name} terminee.
            """)
    run(folio, [lambda: make_private(folio)], [*WORDS, "2024-06-15", "15 juin 2024"])


@pytest.mark.parametrize("comment", ["<!-- photo-zq.png -->", "%% photo-zq.png %%"])
def test_private_note_comment_names_file(folio: Portfolio, comment: str) -> None:
    (folio.docs / "recits/photo-zq.png").write_bytes(b"\x89PNG photozqbytes")
    folio.write("journal/carnet.md", "---\ntitre: Carnet\n---\nRien.\n")
    run(folio, [lambda: edit(folio, "journal/carnet.md", "Rien.", f"Rien. {comment}"),
                lambda: edit(folio, "journal/carnet.md", f"Rien. {comment}", "Rien.")], [])


@pytest.mark.parametrize("extra_plugin", ["", "  - tags\n"])
def test_cached_readings_not_mutated(folio: Portfolio, extra_plugin: str) -> None:
    from cheminement.load import read_page
    if extra_plugin:
        text = (folio.root / "mkdocs.yml").read_text()
        (folio.root / "mkdocs.yml").write_text(text.replace("  - search\n", "  - search\n" + extra_plugin))
    write_cible(folio, extra="tags: [alpha, beta]\nresume: Un [[seul-2]] resume\n")
    linker(folio, "![[cible]] [[cible]]")
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    edit(folio, "recits/seul-0.md", "Un texte", "Un autre texte")
    session.rebuild()
    readings = session.plugin.readings
    settings = session.plugin.settings
    bad = []
    for path, (raw, page, problems) in readings._pages.items():
        fresh, found = read_page(path, raw, settings)
        if repr(fresh) != repr(page) or [p.code for p in found] != [p.code for p in problems]:
            bad.append(path)
    print("MUTATED", bad, len(readings._pages))
    assert not bad


def test_replaced_by_link_to_journal(folio: Portfolio) -> None:
    write_cible(folio)
    linker(folio, "[[cible]]")
    (folio.docs / "journal/cible.md").write_bytes((folio.docs / "recits/cible.md").read_bytes())

    def relink() -> None:
        (folio.docs / "recits/cible.md").unlink()
        os.symlink("../journal/cible.md", folio.docs / "recits/cible.md")
    run(folio, [relink], WORDS)


def test_folder_replaced_by_link_to_journal(folio: Portfolio) -> None:
    folio.write("projets/cible.md", CIBLE)
    linker(folio, "[[cible]]")
    (folio.docs / "journal/projets").mkdir(parents=True)
    (folio.docs / "journal/projets/cible.md").write_bytes((folio.docs / "projets/cible.md").read_bytes())

    def relink() -> None:
        import shutil
        shutil.rmtree(folio.docs / "projets")
        os.symlink("journal/projets", folio.docs / "projets")
    run(folio, [relink], WORDS)


@pytest.mark.parametrize("inner", ["![[cible]]", "[[cible]]", "[voir](cible.md)"])
def test_transitive_embed(folio: Portfolio, inner: str) -> None:
    write_cible(folio)
    linker(folio, inner, path="recits/milieu.md")
    edit(folio, "recits/milieu.md", "titre: Récit qui pointe", "titre: Milieu")
    linker(folio, "![[milieu]]", path="recits/haut.md")
    edit(folio, "recits/haut.md", "titre: Récit qui pointe", "titre: Haut")
    run(folio, [lambda: make_private(folio)], WORDS)


@pytest.mark.parametrize("form", ["![x](<schema-zq.png>)", "![x][r]\n\n[r]: schema-zq.png", "![x](schema-zq.png \"t\")",
                                  "<img src='schema-zq.png'>", "![[schema-zq.png]]", "[pdf](./schema-zq.png)"])
def test_asset_shared_with_kept_note(folio: Portfolio, form: str) -> None:
    (folio.docs / "recits/schema-zq.png").write_bytes(b"\x89PNG schemazqbytes")
    write_cible(folio)
    edit(folio, "recits/cible.md", "Voir [[seul-2]].", "Voir [[seul-2]]. ![s](schema-zq.png)")
    linker(folio, form)
    run(folio, [lambda: make_private(folio)], WORDS)


def test_templates_folder_setting_hides_folder(folio: Portfolio) -> None:
    import time
    folio.write("projets/cible.md", CIBLE)
    linker(folio, "[[cible]]")
    (folio.docs / ".obsidian").mkdir()
    (folio.docs / ".obsidian/templates.json").write_text('{"folder": "modeles"}')

    def retarget() -> None:
        time.sleep(0.01)
        (folio.docs / ".obsidian/templates.json").write_text('{"folder": "projets"}')
    run(folio, [retarget], WORDS)


def test_same_size_same_mtime_edit(folio: Portfolio) -> None:
    write_cible(folio)
    linker(folio, "[[cible]]")
    target = folio.docs / "recits/cible.md"

    def sneaky() -> None:
        stat = target.stat()
        data = target.read_bytes().replace(b"aliases: [Le grand Bidule]\n", b"visibilite: prive\n#2345678\n")
        assert len(data) == stat.st_size, (len(data), stat.st_size)
        target.write_bytes(data)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    run(folio, [sneaky], [TITLE, BODY, "recits/cible"])


def test_a_template_of_ours_replaced_in_custom_dir_makes_every_rebuild_complete(folio: Portfolio) -> None:
    """A learner's `cheminement/macros.html` may show on a card what no key of a kept piece
    names (here the feedback about the note): with such a template, serve rebuilds everything,
    and private feedback leaves every page (configuration.md « Personnaliser l'apparence »)."""
    theme = Path(__file__).resolve().parents[1] / "themes/cheminement/cheminement"
    card = '<article class="chm-card chm-card--{{ note.kind }}">'
    overrides = folio.root / "overrides" / "cheminement"
    overrides.mkdir(parents=True)
    text = (theme / "macros.html").read_text(encoding="utf-8")
    assert card in text
    (overrides / "macros.html").write_text(text.replace(
        card, card + '{% for r in views.feedback.get(note.key, []) %}<p>{{ r.body }}</p>{% endfor %}'), encoding="utf-8")
    folio.configure("dossier: true\n")
    config = folio.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  language: fr\n", "  language: fr\n  custom_dir: overrides\n"), encoding="utf-8")
    edit(folio, "retours/sur-note.md", "Un retour sur", "Un retour CONFIDENTIEL sur")
    session = Session(folio.root, folio.root / "served")
    session.rebuild()
    assert "CONFIDENTIEL" in (session.site / "recits/index.html").read_text(encoding="utf-8")
    edit(folio, "retours/sur-note.md", "visibilite: public", "visibilite: prive")
    assert session.rebuild().full is incremental.Full.SETUP
    assert differences(session.site, full_build(folio.root, folio.root / "reference")) == []
    assert leaks(session.site, ["CONFIDENTIEL"]) == []
