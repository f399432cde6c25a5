"""Under a plain `mkdocs build`, our filter decides before anything else reads a file.

Each test builds a real site with a private canary and searches every byte of the output;
each has a control showing the same configuration leaks without the rule it tests.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import Portfolio
from mkdocs.exceptions import Abort
from test_privacy import canaries_in

from cheminement.cli import main

SECRET_POST = """\
---
date: 2025-01-10
visibilite: prive
---
# Billet privé CANARYG001

Ce que je n'écris que pour moi CANARYG002.
"""


def write_blog(folio: Portfolio) -> None:
    folio.write("blog/index.md", "# Blog\n")
    folio.write("blog/posts/secret.md", SECRET_POST)
    folio.write("blog/posts/public.md", "---\ndate: 2025-02-01\n---\n# Billet public\n\nBonjour.\n")


def test_a_plugin_listed_before_ours_never_sees_private_posts(portfolio: Portfolio) -> None:
    write_blog(portfolio)
    config = portfolio.root / "mkdocs.yml"
    config.write_text("site_name: T\ndocs_dir: docs\ntheme: {name: material}\n"
                      "plugins:\n  - blog\n  - search\n  - cheminement\n", encoding="utf-8")
    site = portfolio.build()
    assert (site / "blog" / "index.html").is_file()
    assert canaries_in(site) == set()
    # The control: Material's blog publishes the post when nothing takes it out first.
    config.write_text("site_name: T\ndocs_dir: docs\ntheme: {name: material}\nplugins: [blog, search]\n",
                      encoding="utf-8")
    assert {"CANARYG001", "CANARYG002"} <= canaries_in(portfolio.build(site_dir=str(portfolio.root / "control")))


def test_a_plugin_that_reads_files_before_our_filter_stops_the_build(portfolio: Portfolio,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    hook = portfolio.root / "lecteur.py"
    hook.write_text(
        "from mkdocs.plugins import event_priority\n\n"
        "@event_priority(200)\n"
        "def on_files(files, config):\n"
        "    return files\n",
        encoding="utf-8",
    )
    portfolio.configure(extra="hooks:\n  - lecteur.py\n")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "« lecteur.py »" in caplog.text and "avant" in caplog.text


@pytest.mark.parametrize("options", ["enabled: false", "dossiers_prives: [./journal]",
                                     "dossiers_prives: [Journal/]", "dossiers_prives: ['/journal/']"])
def test_no_option_switches_privacy_off(portfolio: Portfolio, options: str) -> None:
    portfolio.configure(options)
    portfolio.write("journal/carnet.md", "---\ntitre: Carnet CANARYJ001\n---\nMes doutes CANARYJ002.\n")
    portfolio.write("recits/cache.md", "---\ntitre: Caché CANARYJ003\ndate: 2024\nvisibilite: prive\n---\nTexte.\n")
    assert canaries_in(portfolio.docs) >= {"CANARYJ001", "CANARYJ003"}  # the control
    assert canaries_in(portfolio.build()) == set()


@pytest.mark.parametrize("folder", ["Journal", "JOURNAL", "journal"])
def test_the_private_folder_is_found_whatever_its_case(portfolio: Portfolio, folder: str) -> None:
    portfolio.write(f"{folder}/carnet.md", "---\ntitre: Carnet CANARYK001\n---\nMes doutes CANARYK002.\n")
    (portfolio.docs / folder / "croquis.png").write_bytes(b"\x89PNG CANARYK003")
    assert canaries_in(portfolio.build()) == set()


def test_feedback_stays_private_when_its_folder_is_not_listed(portfolio: Portfolio) -> None:
    """`dossiers_prives: [journal]` (what `init` once wrote) must not publish coach feedback."""
    portfolio.configure("dossiers_prives: [journal]")
    portfolio.write("retours/avis.md", "---\nsur: ecoute-active\nauteur: Marie CANARYR001\ndate: 2025-03\n---\n"
                                       "Un retour confidentiel CANARYR002.\n")
    portfolio.write("Retours-bis/avis2.md", "---\ntype: retour\nsur: ecoute-active\nauteur: Paul\ndate: 2025-03\n---\n"
                                            "Autre retour CANARYR003.\n")
    assert canaries_in(portfolio.build()) == set()
    published = portfolio.root / "public"
    portfolio.write("retours/public.md", "---\nsur: ecoute-active\nauteur: Lou\ndate: 2025-04\nvisibilite: public\n---\n"
                                         "Retour partagé PUBLICR004.\n")
    site = portfolio.build(site_dir=str(published))
    assert b"PUBLICR004" in b"".join(p.read_bytes() for p in site.rglob("*.html"))


def test_init_starter_keeps_feedback_private(tmp_path: Path) -> None:
    folder = tmp_path / "mon-portfolio"
    assert CliRunner().invoke(main, ["init", str(folder)]).exit_code == 0
    feedback = folder / "portfolio" / "retours" / "avis.md"
    feedback.parent.mkdir(parents=True, exist_ok=True)
    feedback.write_text("---\nsur: communiquer\nauteur: Marie\ndate: 2025-03\n---\nRetour CANARYI001.\n", encoding="utf-8")
    site = Portfolio(folder)
    (folder / "docs").mkdir(exist_ok=True)
    assert canaries_in(site.build()) == set()


def test_snippets_cannot_transclude_a_private_note(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write("journal/secret.md", "---\ntitre: Secret\n---\nMon secret CANARYS001.\n")
    portfolio.write("recits/inclut.md", "---\ntitre: Inclut\ndate: 2025\n---\n\n--8<-- \"journal/secret.md\"\n")
    extra = "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [docs]\n"
    (portfolio.root / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: docs\ntheme: {name: material}\nplugins: [search]\n" + extra, encoding="utf-8")
    cwd = Path.cwd()
    os.chdir(portfolio.root)  # pymdown-extensions resolves base_path from the working folder
    try:
        assert "CANARYS001" in canaries_in(portfolio.build(site_dir=str(portfolio.root / "control")))  # the control
        portfolio.configure(extra=extra)
        with caplog.at_level(logging.ERROR), pytest.raises(Abort):
            portfolio.build()
        assert "recits/inclut.md:6" in caplog.text and "« journal/secret.md »" in caplog.text
    finally:
        os.chdir(cwd)


def test_a_link_to_a_folder_outside_the_portfolio_is_not_followed(portfolio: Portfolio, tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "note.md").write_text("---\ntitre: Ailleurs CANARYL001\n---\nTexte CANARYL002.\n", encoding="utf-8")
    (outside / "image.png").write_bytes(b"\x89PNG CANARYL003")
    (portfolio.docs / "partage").symlink_to(outside, target_is_directory=True)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "partage: « partage »" in caplog.text and "CANARYL" not in caplog.text
    assert not portfolio.site.exists() or canaries_in(portfolio.site) == set()


def test_the_legal_notice_is_made_inert(portfolio: Portfolio) -> None:
    portfolio.configure("mentions_legales: 'Éditeur : moi. <script>window.__pwned=1</script>"
                        "<img src=x onerror=\"window.__pwned=2\">'")
    page = portfolio.build() / "index.html"
    text = page.read_text(encoding="utf-8")
    assert "Éditeur : moi." in text
    assert "__pwned" not in text and "onerror" not in text


def test_front_matter_without_fences_keeps_the_note_private(portfolio: Portfolio,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write("recits/sans.md", "visibilite: prive\ntitre: Sans tirets\ndate: 2025\n\nSecret CANARYU001.\n")
    result = CliRunner().invoke(main, ["publication", str(portfolio.root / "mkdocs.yml"), "--format", "json"])
    assert '"recits/sans.md"' in result.output.split('"private"')[1]
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "recits/sans.md:1" in caplog.text


@pytest.mark.parametrize("path", ["assets/cheminement/cheminement.css", "search/search_index.json",
                                  "assets/javascripts/lunr/min/lunr.fr.min.js", "Sitemap.xml"])
def test_a_file_cannot_replace_a_theme_or_build_file(portfolio: Portfolio, path: str,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    target = portfolio.docs / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("window.__pwned = 1 /* CANARYZ001 */", encoding="utf-8")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert f"{path}:" in caplog.text or f"« {path} »" in caplog.text


def test_learner_ids_cannot_break_out_of_the_table_of_contents(portfolio: Portfolio) -> None:
    portfolio.configure(extra="markdown_extensions:\n  - attr_list\n  - toc\n")
    portfolio.write("recits/toc.md", """
        ---
        titre: Table
        date: 2025
        ---
        ## Titre {: id='zz" autofocus onfocus="window.__pwned=1" x="' }

        <h2 id='yy" onfocus="window.__pwned=2" x="'>Brut</h2>
    """)
    page = portfolio.build() / "recits" / "toc" / "index.html"
    soup = portfolio.html("recits/toc/index.html")
    assert page.is_file()
    for element in soup.find_all(True):
        assert not any(name.startswith("on") for name in element.attrs), element
        assert "autofocus" not in element.attrs or element.name in ("input", "textarea"), element


def test_the_legal_notice_goes_after_a_copy_of_the_theme_footer(portfolio: Portfolio) -> None:
    portfolio.configure("mentions_legales: Mentions de l'établissement LEGAL001")
    portfolio.write("a-propos.md", '# À propos\n\n<div style="display:none"><div class="md-copyright">x</div></div>\n')
    soup = portfolio.html(str(portfolio.build().joinpath("a-propos", "index.html").relative_to(portfolio.site)))
    notice = soup.find(string=lambda text: text and "LEGAL001" in text)
    assert notice is not None
    assert not any(parent.get("style") == "display:none" for parent in notice.parents if hasattr(parent, "get"))


def test_dirty_build_removes_a_note_moved_into_the_journal(portfolio: Portfolio) -> None:
    portfolio.write("recits/doute.md", "---\ntitre: Doute CANARYD001\ndate: 2025\n---\nTexte CANARYD002.\n")
    site = portfolio.build()
    assert {"CANARYD001", "CANARYD002"} <= canaries_in(site)  # the control: it was public
    (portfolio.docs / "journal").mkdir(exist_ok=True)
    (portfolio.docs / "recits" / "doute.md").rename(portfolio.docs / "journal" / "doute.md")
    portfolio.build(dirty=True)
    assert canaries_in(site) == set()


@pytest.mark.parametrize("target", ["journal//carnet.md", "./Journal/./carnet.md", "journal/carnet/index.html",
                                    "journal/carnet.md#x"])
def test_handwritten_nav_spellings_of_a_private_note_are_dropped(portfolio: Portfolio, target: str) -> None:
    portfolio.write("journal/carnet.md", "---\ntitre: Carnet CANARYN001\n---\nTexte.\n")
    portfolio.configure(extra=f"nav:\n  - Accueil: index.md\n  - Secret: '{target}'\n")
    site = portfolio.build()
    assert b"carnet" not in (site / "index.html").read_bytes().lower()


def test_values_quoted_from_a_portfolio_cannot_drive_the_terminal() -> None:
    from cheminement.messages import printable

    # A line break would start a line of its own (a CI runner's `::error …`): shown, not obeyed.
    assert printable("a\x1b[2K\x1b]0;titre\x07b\nc\td\x9b\u2028e") == "a\\x1b[2K\\x1b]0;titre\\x07b\\x0ac\td\\x9b\\u2028e"


def test_active_files_are_left_out_when_the_institution_says_so(portfolio: Portfolio) -> None:
    (portfolio.docs / "cv.html").write_text("<script>window.__pwned=1</script>CANARYA001", encoding="utf-8")
    (portfolio.docs / "schema.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><script>1</script>"
                                               "<text>CANARYA002</text></svg>", encoding="utf-8")
    assert {"CANARYA001", "CANARYA002"} <= canaries_in(portfolio.build())  # a personal site: published
    portfolio.configure("fichiers_actifs: false")
    assert canaries_in(portfolio.build(site_dir=str(portfolio.root / "institution"))) == set()


def test_a_library_field_that_is_not_text_is_refused(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    (portfolio.docs / "biblio.json").write_text(
        '[{"id": "x", "type": "book", "title": {"<img src=x onerror=window.__pwned=1>": 1},'
        ' "author": [{"family": "Durand"}], "issued": {"date-parts": [[2020]]}}]', encoding="utf-8")
    portfolio.configure("bibliographie: docs/biblio.json")
    portfolio.write("recits/cite.md", "---\ntitre: Cite\ndate: 2025\n---\nVoir [@x].\n")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "biblio.json" in caplog.text and "title" in caplog.text



def test_a_planted_manifest_never_makes_a_dirty_build_delete_outside_the_site(portfolio: Portfolio,
                                                                              tmp_path: Path) -> None:
    import json

    site = portfolio.build()
    victims = tmp_path / "victimes"
    (victims / "sous").mkdir(parents=True)
    for name in ("dehors.txt", "absolu.txt", "sous/lien.txt"):
        (victims / name).write_text("à garder", encoding="utf-8")
    (site / "lien").symlink_to(victims / "sous", target_is_directory=True)
    manifest_file = site / "cheminement-manifeste.json"
    data = json.loads(manifest_file.read_text(encoding="utf-8"))
    relative = os.path.relpath(victims / "dehors.txt", site)
    data["files"].update({relative: {"hash": "0"}, str(victims / "absolu.txt"): {"hash": "0"},
                          "lien/lien.txt": {"hash": "0"}})
    manifest_file.write_text(json.dumps(data), encoding="utf-8")
    portfolio.build(dirty=True)
    assert sorted(p.name for p in victims.rglob("*.txt")) == ["absolu.txt", "dehors.txt", "lien.txt"]


@pytest.mark.parametrize("body", [
    "- un `premier point\n- %% CANARYC001 %% second point `fin\n",
    "<div>` %% CANARYC002 %% <!-- CANARYC003 --> `</div>\n",
    "# Titre `x\n%% CANARYC004 %% suite ` y\n",
])
def test_backticks_that_are_not_one_code_span_never_keep_a_comment(portfolio: Portfolio, body: str) -> None:
    portfolio.write("recits/code.md", "---\ntitre: Code\ndate: 2025\n---\n" + body)
    assert canaries_in(portfolio.build()) == set()


@pytest.mark.parametrize("written", ['" journal/secret.md"', '"journal/secret.md "', '"journal/a:b.md"'])
def test_every_reading_of_a_transcluded_path_is_checked(portfolio: Portfolio, written: str,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write("journal/secret.md", "---\ntitre: S\n---\nCANARYS002\n")
    portfolio.write("journal/a:b.md", "---\ntitre: AB\n---\nCANARYS003\n")
    portfolio.write("recits/inclut.md", f"---\ntitre: Inclut\ndate: 2025\n---\n\n--8<-- {written}\n")
    portfolio.configure(extra="markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [docs]\n")
    cwd = Path.cwd()
    os.chdir(portfolio.root)
    try:
        with caplog.at_level(logging.ERROR), pytest.raises(Abort):
            portfolio.build()
    finally:
        os.chdir(cwd)
    assert "recits/inclut.md:6" in caplog.text


def test_an_invisible_control_character_keeps_the_note_private(portfolio: Portfolio,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write("recits/nel.md", '---\ntitre: "Accueil\\x85suite"\ndate: 2025\n---\nTexte.\n')
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "recits/nel.md:2" in caplog.text and "U+0085" in caplog.text and "Traceback" not in caplog.text


def test_a_library_nested_too_deep_is_a_problem(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    (portfolio.docs / "biblio.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    portfolio.configure("bibliographie: docs/biblio.json")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "biblio.json" in caplog.text


def test_our_headings_reach_the_table_of_contents_each_with_its_own_words() -> None:
    """pagehtml.h2_headings tokenizes every heading of a page in one pass: a heading's
    permalink, entities and markup stay its own."""
    from cheminement.pagehtml import h2_headings

    content = (
        '<h1>Titre</h1><p>x</p>'
        '<h2 id="quoi">Quoi <em>donc</em>&nbsp;?<a class="headerlink" href="#quoi">¶</a></h2><p>texte</p>'
        '<h2>Sans ancre</h2>'
        '<h2 id="a-b">A &amp; &lt;b&gt;<a class="headerlink" href="#a-b">¶'
        '<h2 id="suite">Suite</h2>'
        '<h2 id="fin">Fin</h2>'
    )
    assert h2_headings(content) == [("quoi", "Quoi donc\xa0?"), ("a-b", "A &amp; &lt;b&gt;"), ("fin", "Fin")]
