"""A portfolio kept as an Obsidian vault builds `--strict` (issue #16).

`tests/fixtures/obsidian-vault` is such a vault: `.obsidian/` settings (templates folder
`Modèles`, attachments in `pieces-jointes`), a `.trash/`, templates full of `{{date}}`, notes
named with spaces, `aliases`, `cssclasses`, date-and-time properties, links by name, heading
and block, `![[embeds]]` of pasted images, PDFs, sections and blocks, callouts, a private
daily note with its own pasted image. The build tests assert on the HTML for each feature;
the unit tests cover the parsing edge cases.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from kit import FIXTURES, Portfolio
from mkdocs.exceptions import Abort
from sitecheck import broken_links

from cheminement import obsidian, scan, wikilinks
from cheminement.check import analyse
from cheminement.dates import PartialDate
from cheminement.model import Kind, Note, Page, Referentiel
from cheminement.model import Portfolio as CorePortfolio
from cheminement.settings import Settings

VAULT = FIXTURES / "obsidian-vault"
# The editor's own notes (trash, templates): reading them needs load.py to leave them out
# (see `test_the_whole_vault_with_trash_and_templates_builds_strict`).
EDITOR_FOLDERS = (".trash", "Modèles")
SECRETS = ("SECRET-JOURNAL", "SECRET-CORBEILLE", "SECRET-MODELE", "20240313090000", "{{date", "{{title")


def text(soup) -> str:
    return " ".join(soup.get_text(" ").split())


def copy_vault(root: Path, editor_notes: bool = False) -> Portfolio:
    shutil.copytree(VAULT, root, dirs_exist_ok=True)
    if not editor_notes:
        for folder in EDITOR_FOLDERS:
            shutil.rmtree(root / "docs" / folder)
    return Portfolio(root)


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Portfolio:
    folio = copy_vault(tmp_path_factory.mktemp("vault"))
    folio.build(strict=True)
    return folio


def article(folio: Portfolio, path: str):
    return folio.html(path).select_one("article")


# -- The vault, built ------------------------------------------------------------------------


def test_the_vault_builds_strict_with_every_link_resolving(vault: Portfolio) -> None:
    assert broken_links(vault.site) == []
    assert (vault.site / "recits" / "Premier entretien" / "index.html").is_file()


def test_nothing_of_the_editor_or_the_private_journal_is_published(vault: Portfolio) -> None:
    published = [p.relative_to(vault.site).as_posix() for p in vault.site.rglob("*") if p.is_file()]
    assert not [p for p in published if ".obsidian" in p or p.startswith(("journal", ".trash", "Modèles"))]
    assert "pieces-jointes/Pasted image 20240313090000.png" not in published  # pasted in the journal only
    assert "pieces-jointes/Pasted image 20240312101530.png" in published
    for path in vault.site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".js"):
            content = path.read_text(encoding="utf-8", errors="replace")
            assert not [s for s in SECRETS if s in content], path


def test_links_by_alias_file_name_path_and_suffix(vault: Portfolio) -> None:
    page = article(vault, "recits/bilan/index.html")
    links = {text(a): a["href"] for a in page.select("p a")}
    assert links["Mon premier entretien avec une famille"] == "../Premier%20entretien/"  # [[Entretien]], an alias
    assert links["l'entretien"] == "../Premier%20entretien/"  # [[Premier entretien.md|…]], the file name
    assert links["le même"] == "../Premier%20entretien/"  # [[recits/Premier entretien|…]], a path
    home = {text(a): a["href"] for a in article(vault, "index.html").select("p a")}
    assert home["Bilan de mi-parcours"] == "recits/bilan/"  # a single-string alias
    assert home["qui je suis"] == "%C3%80%20propos/"  # an ordinary page's alias
    stage = article(vault, "recits/Premier entretien/index.html").select_one("p a")
    assert (text(stage), stage["href"]) == ("stage", "../../parcours/stage-creche/")


def test_links_to_headings_use_the_ids_the_target_page_has(vault: Portfolio) -> None:
    target = article(vault, "recits/Premier entretien/index.html")
    heading_id = next(h["id"] for h in target.select("h2") if "Ce que j'ai appris" in text(h))
    page = article(vault, "recits/bilan/index.html")
    link = next(a for a in page.select("p a") if "Ce que j'ai appris" in text(a))
    assert link["href"] == f"../Premier%20entretien/#{heading_id}"
    assert text(link) == "Mon premier entretien avec une famille > Ce que j'ai appris"
    same_page = next(a for a in page.select("p a") if text(a) == "ci-dessus")
    assert same_page["href"] == "#et-maintenant" and page.select_one("h2#et-maintenant")
    in_note = next(a for a in target.select("p a") if text(a) == "Ce que j'ai appris")
    assert in_note["href"] == f"#{heading_id}"
    block = next(a for a in page.select("p a") if text(a) == "ma phrase")
    assert block["href"] == "../Premier%20entretien/"  # a block: the note


def test_a_link_to_a_private_note_is_its_text_only(vault: Portfolio) -> None:
    paragraph = next(p for p in article(vault, "recits/bilan/index.html").select("p") if "Mon carnet" in text(p))
    assert text(paragraph) == "Mon carnet du 13 mars reste privé."
    assert paragraph.find("a") is None


def test_block_ids_are_not_published_and_code_stays_as_written(vault: Portfolio) -> None:
    page = article(vault, "recits/Premier entretien/index.html")
    assert "^ecoute" not in page.get_text()
    assert any(text(p) == "J'ai appris à me taire et à laisser venir les questions." for p in page.select("p"))
    code = [text(c) for c in page.select("pre code")]
    assert any(c == "> [!danger] Pas une alerte [[pas-un-lien]] et ![[pas-une-image.png]] ^pas-un-bloc" for c in code)
    assert "[[toujours-pas]]" in [text(c) for c in page.select("p code")]
    trace = article(vault, "traces/attestation/index.html")
    assert "^signature" not in trace.get_text()


def test_pasted_images_show_with_their_size(vault: Portfolio) -> None:
    pasted = article(vault, "recits/Premier entretien/index.html").select_one("p img")
    assert pasted["src"] == "../../pieces-jointes/Pasted%20image%2020240312101530.png"
    assert pasted["alt"] == "Pasted image 20240312101530"
    schema = article(vault, "recits/bilan/index.html").select_one("p img")
    assert (schema["src"], schema["alt"], schema["width"], schema["height"]) == (
        "../../pieces-jointes/schema.png", "Schéma de l'accueil", "300", "200")


def test_an_embedded_pdf_is_a_link(vault: Portfolio) -> None:
    page = article(vault, "recits/bilan/index.html")
    link = next(a for a in page.select("p a") if text(a) == "attestation.pdf")
    assert link["href"] == "../../traces/attestation.pdf"
    assert (vault.site / "traces" / "attestation.pdf").is_file()


def test_a_section_embed_shows_that_section_in_a_quote_with_its_source(vault: Portfolio) -> None:
    page = article(vault, "recits/bilan/index.html")
    quote = page.select("article > blockquote")[0]
    assert text(quote.select_one("h2")).startswith("Ce que j'ai appris")
    assert quote.select_one(".admonition.tip") is not None  # its callouts, rendered
    assert "Je recommencerai en binôme" not in quote.get_text()  # the next section is not part of it
    source = quote.select("p")[-1]
    assert text(source) == "Extrait de Mon premier entretien avec une famille"
    assert source.select_one("a")["href"] == "../Premier%20entretien/"
    code = quote.select("pre code")[-1]
    assert "[[pas-un-lien]]" in code.get_text() and "^pas-un-bloc" in code.get_text()  # code inside the quote too


def test_a_block_embed_shows_the_paragraph_without_its_id(vault: Portfolio) -> None:
    quote = article(vault, "recits/bilan/index.html").select("article > blockquote")[1]
    assert [text(p) for p in quote.select("p")] == [
        "J'ai appris à me taire et à laisser venir les questions.",
        "Extrait de Mon premier entretien avec une famille"]


def test_embeds_count_as_backlinks(vault: Portfolio) -> None:
    cited = article(vault, "recits/Premier entretien/index.html").select_one("section.chm-cited")
    assert [text(a) for a in cited.select("a")] == ["Bilan de mi-parcours"]


def test_callouts_are_admonitions(vault: Portfolio) -> None:
    page = article(vault, "recits/Premier entretien/index.html")
    tip = page.select_one("div.admonition.tip")
    assert text(tip.select_one(".admonition-title")) == "Ce qui m'a aidée"
    assert text(tip.select_one("p:not(.admonition-title)")) == "Préparer trois questions ouvertes avant l'entretien."
    folded = page.select_one("details.question")  # [!faq]-: an alias, folded
    assert folded.get("open") is None and text(folded.select_one("summary")) == "Et si la famille ne parle pas français ?"
    assert len(folded.select("p")) == 2  # two paragraphs
    unfolded = page.select_one("details.note")  # [!NOTE]+: any case, open, no title
    assert unfolded.get("open") is not None and text(unfolded.select_one("summary")) == "Note"
    assert text(unfolded.select_one("div.admonition.warning .admonition-title")) == "Attention"  # nested
    unknown = page.select_one("div.admonition.note.mon-type")
    assert text(unknown.select_one(".admonition-title")) == "Un type inconnu"
    assert text(page.select_one("div.admonition.abstract .admonition-title")) == "Résumé"  # [!summary], no title
    assert page.select_one("div.admonition.example pre code") is not None
    assert "[!" not in page.get_text().replace("[!danger] Pas une alerte", "")
    assert text(page.select_one("article > blockquote")) == "Le métier s'apprend en le faisant."


def test_date_and_time_values_show_as_dates(vault: Portfolio) -> None:
    recit = article(vault, "recits/Premier entretien/index.html")
    assert recit.select_one("aside time")["datetime"] == "2024-03-12"
    assert text(recit.select_one("aside time")) == "12 mars 2024"
    bilan = article(vault, "recits/bilan/index.html")
    assert bilan.select_one("aside time")["datetime"] == "2024-05-02"  # a YAML timestamp
    stage = article(vault, "parcours/stage-creche/index.html")
    assert [t["datetime"] for t in stage.select("aside time")] == ["2023-09-04", "2024-02-28"]
    trace = article(vault, "traces/attestation/index.html")
    assert trace.select_one("aside time")["datetime"] == "2024-02-28"  # with a time zone


def test_obsidian_properties_raise_no_problem(tmp_path: Path) -> None:
    folio = copy_vault(tmp_path)
    report = analyse(Settings(docs_dir=folio.docs))
    assert [p.describe() for p in report.problems] == []
    note = next(n for n in report.portfolio.notes if n.id == "premier-entretien")
    assert note.aliases == ["Entretien", "Premier RDV"]


def test_the_whole_vault_with_trash_and_templates_builds_strict(tmp_path: Path) -> None:
    folio = copy_vault(tmp_path, editor_notes=True)
    site = folio.build(strict=True)
    published = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    assert not [p for p in published if p.startswith((".trash", "Modèles"))]
    for path in site.rglob("*.html"):
        content = path.read_text(encoding="utf-8")
        assert not [s for s in SECRETS if s in content], path


def test_the_staged_build_shows_the_same_notes(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cheminement.cli import main

    folio = copy_vault(tmp_path)
    direct = folio.build(strict=True)
    staged = tmp_path / "staged"
    result = CliRunner().invoke(main, ["build", "--strict", "-d", str(staged), str(tmp_path)])
    assert result.exit_code == 0, result.output
    for page in ("recits/bilan/index.html", "recits/Premier entretien/index.html", "index.html"):
        ours = BeautifulSoup((direct / page).read_text(encoding="utf-8"), "lxml").select_one("article")
        theirs = BeautifulSoup((staged / page).read_text(encoding="utf-8"), "lxml").select_one("article")
        assert ours.decode() == theirs.decode(), page


def test_an_image_a_public_note_embeds_is_published_like_a_markdown_image(tmp_path: Path) -> None:
    folio = copy_vault(tmp_path)
    image = folio.docs / "pieces-jointes" / "schema.png"
    shutil.copy(image, folio.docs / "journal" / "croquis.png")
    folio.write("journal/2024-03-14.md", "---\ndate: 2024-03-14\n---\n![[schema.png]] ![[croquis.png]]\n")
    folio.write("recits/croquis.md", "---\ntitre: Croquis\ndate: 2024\n---\n![[croquis.png]]\n")
    site = folio.build(strict=True)
    assert (site / "pieces-jointes" / "schema.png").is_file()  # shown by a public note, named by a private one
    assert (site / "journal" / "croquis.png").is_file()  # in journal/, shown by a public note
    assert folio.html("recits/croquis/index.html").select_one("article img")["src"] == "../../journal/croquis.png"


# -- What a vault may hold: problems on the learner's line ---------------------------------------


def problems(folio: Portfolio) -> list[str]:
    return [p.describe() for p in analyse(Settings(docs_dir=folio.docs)).problems]


@pytest.fixture
def small(tmp_path: Path) -> Portfolio:
    folio = Portfolio(tmp_path)
    folio.configure(extra="markdown_extensions: [admonition, pymdownx.details, pymdownx.superfences, attr_list]\n")
    folio.write("referentiel.yml", "domaines: [{id: d, titre: D, competences: [{id: ecoute, titre: Écoute}]}]\n")
    folio.write("recits/a.md", """
        ---
        titre: Note A
        date: 2024
        ---
        # Note A

        ## Première partie

        Texte de A. ^bloc-a
    """)
    return folio


def test_an_embed_of_a_private_note_shows_nothing_and_warns(small: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    small.write("journal/secret.md", "---\ndate: 2024\n---\nCONFIDENTIEL du journal.\n")
    small.write("recits/b.md", """
        ---
        titre: Note B
        date: 2024
        ---
        Avant.

        ![[secret]]

        - ![[journal/secret]]

        Après.
    """)
    assert problems(small) == [
        "recits/b.md:7: Intégration ![[secret]] : « journal/secret.md » n'est pas publiée ; rien de son contenu "
        "n'apparaît sur le site. Retirez l'intégration, ou publiez cette note si son contenu peut être lu de tous.",
        "recits/b.md:9: Intégration ![[journal/secret]] : « journal/secret.md » n'est pas publiée ; rien de son contenu "
        "n'apparaît sur le site. Retirez l'intégration, ou publiez cette note si son contenu peut être lu de tous."]
    with caplog.at_level(logging.WARNING):
        small.build()
    page = article(small, "recits/b/index.html")
    assert [text(p) for p in page.select("p")] == ["Avant.", "Après."]
    assert page.select("blockquote") == [] and "secret" not in page.decode()
    assert not [p for p in small.site.rglob("*.html") if "CONFIDENTIEL" in p.read_text(encoding="utf-8")]
    with pytest.raises(Abort):
        small.build(strict=True)


def test_an_embedded_note_is_redacted_and_its_links_work_from_the_page(small: Portfolio) -> None:
    small.write("journal/prive.md", "---\ndate: 2024\n---\nPrivé.\n")
    (small.docs / "recits" / "images").mkdir()
    (small.docs / "recits" / "images" / "photo.png").write_bytes((VAULT / "docs" / "pieces-jointes" / "schema.png").read_bytes())
    small.write("recits/sous/c.md", """
        ---
        titre: Note C
        date: 2024
        ---
        Voir [[prive]], [[a#Première partie|la première partie]], ![le schéma](../images/photo.png)
        et [le journal](../../journal/prive.md). %%remarque cachée%%

        ## Suite de C

        Retour à [[#Suite de C|la suite]].
    """)
    small.write("parcours/emploi.md", """
        ---
        titre: Emploi
        debut: 2020
        ---
        - Une liste, puis :
        - ![[c]]
    """)
    small.build(strict=True)
    page = article(small, "parcours/emploi/index.html")
    quote = page.select_one("li blockquote")
    assert " ".join(quote.select_one("p").get_text().split()) == "Voir prive, la première partie, et le journal."
    assert "cachée" not in page.decode()
    assert text(page.select("li")[1].select_one("p")) == "Extrait de Note C"
    assert quote.select_one("img")["src"] == "../../recits/images/photo.png"
    # Its own heading, on its own page: [[#…]] names the note it was written in.
    assert [a["href"] for a in quote.select("a")] == ["../../recits/a/#premiere-partie", "../../recits/sous/c/#suite-de-c"]
    assert broken_links(small.site) == []


def test_a_loop_of_embeds_stops_at_a_link_and_warns(small: Portfolio) -> None:
    small.write("recits/b.md", "---\ntitre: Note B\ndate: 2024\n---\nB montre C :\n\n![[c]]\n")
    small.write("recits/c.md", "---\ntitre: Note C\ndate: 2024\n---\nC montre B :\n\n![[b]]\n")
    found = problems(small)
    assert len(found) == 2 and all("boucle (recits/" in p and "recits/b.md → recits/c.md" in found[0] for p in found)
    small.build()
    quote = article(small, "recits/b/index.html").select_one("blockquote")
    assert "C montre B" in text(quote)
    assert quote.select_one("blockquote") is None  # B is not shown again inside C
    assert [a["href"] for a in quote.select("a")] == ["./", "../c/"]  # B, from B's own page; then the source


def test_embeds_nested_deeper_than_the_limit_end_with_a_link(small: Portfolio) -> None:
    names = ["n1", "n2", "n3", "n4", "n5"]
    for name, child in zip(names, [*names[1:], None], strict=True):
        small.write(f"recits/{name}.md", f"---\ntitre: {name.upper()}\ndate: 2024\n---\nTexte {name}.\n\n"
                    + (f"![[{child}]]\n" if child else ""))
    assert problems(small) == [
        "recits/n1.md:7: Intégration ![[n2]] : plus de 3 notes intégrées l'une dans l'autre (recits/n1.md → recits/n2.md → "
        "recits/n3.md → recits/n4.md → recits/n5.md) ; au-delà, seul un lien est affiché. Remplacez l'une de ces "
        "intégrations ![[…]] par un lien [[…]]."]
    small.build()
    page = article(small, "recits/n1/index.html")
    assert len(page.select("blockquote")) == obsidian.MAX_EMBED_DEPTH
    assert "Texte n5" not in page.get_text() and page.select_one("a[href='../n5/']") is not None


def test_unknown_headings_blocks_files_and_notes_are_warnings_on_their_line(small: Portfolio) -> None:
    small.write("recits/b.md", """
        ---
        titre: Note B
        date: 2024
        ---
        [[a#Deuxième partie]] [[a#^autre]] [[a#Première partie]] [[a#^bloc-a]]

        ![[photo-absente.png]] ![[note-absente]] [[cv.pdf]]
    """)
    found = problems(small)
    heading = next(f for f in found if "[[a#Deuxième partie]]" in f)
    assert heading.startswith("recits/b.md:5: Lien [[a#Deuxième partie]] : la note « Note A » n'a pas de titre "
                              "« Deuxième partie » ; le lien mène au début de la note.")
    assert "Titres de la note : « Note A », « Première partie »." in heading
    assert [f for f in found if f.startswith("recits/b.md:5: Lien [[a#^autre]] : la note « Note A » n'a pas de bloc ^autre")]
    on_seven = [f for f in found if f.startswith("recits/b.md:7: ")]
    assert [f for f in on_seven if "![[photo-absente.png]] : aucun fichier de ce nom" in f]
    assert [f for f in on_seven if "Intégration ![[note-absente]] : aucune note ni page de ce nom" in f]
    assert [f for f in on_seven if "[[cv.pdf]] : aucun fichier de ce nom" in f]
    assert len(found) == 5
    small.build()
    links = article(small, "recits/b/index.html").select("p a")
    assert [a["href"] for a in links] == ["../a/", "../a/", "../a/#premiere-partie", "../a/"]


def test_a_name_shared_by_an_alias_and_an_id_is_ambiguous(small: Portfolio) -> None:
    small.write("parcours/emploi.md", "---\ntitre: Emploi\ndebut: 2020\naliases: [A]\n---\n")
    small.write("recits/b.md", "---\ntitre: Note B\ndate: 2024\n---\nVoir [[a]].\n")
    assert problems(small) == [
        "recits/b.md:5: Lien [[a]] : plusieurs notes portent ce nom (recits/a.md, parcours/emploi.md) ; le lien "
        "mène à recits/a.md. Écrivez le chemin de la note voulue : [[recits/a]], [[parcours/emploi]]."]


def test_a_file_name_in_two_folders_is_ambiguous_and_the_one_beside_the_note_wins(small: Portfolio) -> None:
    image = (VAULT / "docs" / "pieces-jointes" / "schema.png").read_bytes()
    for folder in ("recits", "traces"):
        (small.docs / folder).mkdir(exist_ok=True)
        (small.docs / folder / "photo.png").write_bytes(image)
    small.write("recits/b.md", "---\ntitre: Note B\ndate: 2024\n---\n![[photo.png]]\n")
    assert problems(small) == [
        "recits/b.md:5: ![[photo.png]] : plusieurs fichiers portent ce nom (recits/photo.png, traces/photo.png) ; "
        "recits/photo.png est utilisé. Écrivez le chemin du fichier voulu depuis le dossier du portfolio, par exemple "
        "![[recits/photo.png]]."]
    small.build()
    assert article(small, "recits/b/index.html").select_one("img")["src"] == "../photo.png"


def test_without_material_s_extensions_callouts_are_quotes_and_images_keep_their_size(small: Portfolio) -> None:
    small.configure()  # no markdown_extensions: Python-Markdown's own
    shutil.copy(VAULT / "docs" / "pieces-jointes" / "schema.png", small.docs / "recits" / "schema.png")
    small.write("recits/b.md", """
        ---
        titre: Note B
        date: 2024
        ---
        > [!tip]- Mon astuce
        > Le texte. ![[schema.png|300]]
    """)
    small.build(strict=True)
    quote = article(small, "recits/b/index.html").select_one("blockquote")
    assert [text(p) for p in quote.select("p")] == ["Mon astuce", "Le texte."]
    assert text(quote.select_one("p strong")) == "Mon astuce"
    image = quote.select_one("img")
    assert image["src"] == "../schema.png" and image.get("width") is None  # no attr_list: no `{ width=… }` as text


def test_callout_titles_and_embed_sources_in_english(small: Portfolio) -> None:
    small.configure(options="langue: en", extra="markdown_extensions: [admonition]\n")
    small.write("recits/b.md", "---\ntitre: Note B\ndate: 2024\n---\n> [!todo]\n> Later.\n\n![[a#Première partie]]\n")
    small.build(strict=True)
    page = article(small, "recits/b/index.html")
    assert text(page.select_one("div.admonition.info .admonition-title")) == "To do"
    assert text(page.select_one("blockquote p:last-child")) == "From Note A"


def test_heading_ids_follow_the_configured_slugify(small: Portfolio) -> None:
    small.configure(extra="""
        markdown_extensions:
          - toc:
              slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower, percent_encode: false}}
    """)
    small.write("recits/a.md", "---\ntitre: Note A\ndate: 2024\n---\n## Écoute & Alliance\n\n## Écoute & Alliance\n")
    small.write("recits/b.md", "---\ntitre: Note B\ndate: 2024\n---\n[[a#écoute & alliance|ici]]\n")
    small.build(strict=True)
    ids = [h["id"] for h in article(small, "recits/a/index.html").select("h2")]
    link = article(small, "recits/b/index.html").select_one("p a")
    assert ids[0] == "écoute--alliance"  # pymdownx's slugify, not Python-Markdown's `ecoute-alliance`
    assert link["href"] == "../a/#" + ids[0]


def test_a_public_retour_shows_callouts_and_images(small: Portfolio) -> None:
    (small.docs / "pieces-jointes").mkdir()
    (small.docs / "pieces-jointes" / "photo.png").write_bytes((VAULT / "docs" / "pieces-jointes" / "schema.png").read_bytes())
    small.write("retours/r.md", """
        ---
        auteur: Paule
        date: 2024-06-01T09:00
        sur: a
        visibilite: public
        ---
        > [!success] Validé
        > Très bien. ![[photo.png|120]]
    """)
    small.build(strict=True)
    feedback = article(small, "recits/a/index.html")
    success = feedback.select_one("div.admonition.success")
    assert text(success.select_one(".admonition-title")) == "Validé"
    assert success.select_one("img")["width"] == "120"


# -- Units: dates, names, embeds, callouts, block ids, the editor's files ------------------------------


@pytest.mark.parametrize("value", ["2024-03-12T10:30", "2024-03-12T10:30:00", "2024-03-12 10:30:00", "2024-03-12t10:30:00.5Z",
                                   "2024-03-12T10:30:00+01:00", "2024-03-12T10:30-0500", "2024-03-12 9:05:00 -5"])
def test_a_date_with_a_time_is_that_date(value: str) -> None:
    assert PartialDate.parse(value).iso == "2024-03-12"


@pytest.mark.parametrize("value", ["2024-03T10:30", "2024T10:30", "2024-03-12T24:00", "2024-03-12T10:60", "2024-03-12T10",
                                   "2024-03-12T", "2024-03-12T10:30 midi", "2024-03-12T10:30:00+25:00", "2024-02-30T10:30"])
def test_a_time_must_be_a_time_on_a_full_date(value: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(value)


@pytest.mark.parametrize(("written", "name", "heading", "block"), [
    ("bilan", "bilan", None, None), ("bilan.md", "bilan.md", None, None), ("bilan#Titre", "bilan", "Titre", None),
    ("bilan#H1#H2", "bilan", "H2", None), ("bilan#^idee", "bilan", None, "idee"), ("#Titre", "", "Titre", None),
    ("bilan\\", "bilan", None, None), ("bilan#", "bilan", None, None)])
def test_split_target(written: str, name: str, heading: str | None, block: str | None) -> None:
    assert wikilinks.split_target(written) == (name, heading, block)


def test_find_links_and_embeds_outside_code() -> None:
    body = "\n".join([
        "[[a]] ![[b.png|300]] \\![[c]] `[[d]]`",
        "| [[e\\|texte]] |",
        "> ```", "> [[f]]", "> ```",
        "    ```", "    [[g]]", "    ```",
        "```x```[[h]]",
    ])
    found = [(link.name, link.text, link.embed) for link in wikilinks.find(body, embeds=True)]
    assert found == [("a", None, False), ("b.png", "300", True), ("c", None, False), ("e", "texte", False), ("h", None, False)]
    assert [link.name for link in wikilinks.find(body)] == ["a", "c", "e", "h"]
    replaced = wikilinks.replace("x ![[b]] \\![[c]]", lambda link: "L", embeds=True)
    assert replaced == "x L \\!L"


def _portfolio() -> CorePortfolio:
    notes: list[Note] = [
        Note(path="recits/2024/Mon récit.md", kind=Kind.RECIT, id="mon-recit", aliases=["Récit de mai"]),
        Note(path="recits/bilan.md", kind=Kind.RECIT, id="bilan"),
        Note(path="parcours/bilan.md", kind=Kind.PARCOURS, id="bilan"),
        Note(path="parcours/emploi.md", kind=Kind.PARCOURS, id="emploi", aliases=["Mon emploi"]),
    ]
    pages = [Page(path="À propos.md", meta={"aliases": "Qui suis-je"}), Page(path="recits/index.md")]
    return CorePortfolio(Referentiel(), notes, pages)


@pytest.mark.parametrize(("written", "expected"), [
    ("mon-recit", ["mon-recit"]), ("Mon récit", ["mon-recit"]), ("mon RÉCIT", ["mon-recit"]), ("Mon récit.md", ["mon-recit"]),
    ("récit de mai", ["mon-recit"]), ("2024/Mon récit", ["mon-recit"]), ("recits/2024/Mon récit.md", ["mon-recit"]),
    ("recits/mon-recit", ["mon-recit"]), ("/recits/bilan", ["bilan"]), ("bilan", ["bilan", "bilan"]),
    ("parcours/bilan", ["bilan"]), ("Mon récit#Un titre", ["mon-recit"]), ("mon emploi", ["emploi"]),
    ("Mon récit.pdf", []), ("À propos", []), ("2024", []), ("", []),
])
def test_link_index_resolves_names_as_obsidian_does(written: str, expected: list[str]) -> None:
    index = wikilinks.LinkIndex(_portfolio(), {})
    assert [t.id for t in index.resolve(written)] == expected


def test_link_index_names_pages_only_when_asked_and_relative_paths_from_the_note() -> None:
    index = wikilinks.LinkIndex(_portfolio(), {})
    assert index.resolve("qui suis-je") == []
    assert [t.id for t in index.resolve("qui suis-je", pages=True)] == ["À propos.md"]
    assert [t.id for t in index.resolve("À propos.md", pages=True)] == ["À propos.md"]
    assert [t.id for t in index.resolve("../bilan", origin="recits/2024/Mon récit.md")] == ["bilan"]
    assert [t.kind for t in index.resolve("../bilan", origin="recits/2024/Mon récit.md")] == [Kind.RECIT]
    assert [t.id for t in index.resolve("./Mon récit", origin="recits/2024/x.md")] == ["mon-recit"]
    assert index.resolve("../../../x", origin="recits/a.md") == []


def test_file_index_finds_files_by_path_then_by_name_beside_the_note_first() -> None:
    files = wikilinks.FileIndex(["a/photo.png", "b/photo.png", "b/Pasted image 1.png", "doc.pdf"])
    assert files.resolve("a/photo.png", "b/x.md") == ["a/photo.png"]
    assert files.resolve("photo.png", "b/x.md") == ["b/photo.png", "a/photo.png"]
    assert files.resolve("photo.png", "c/x.md") == ["a/photo.png", "b/photo.png"]
    assert files.resolve("pasted IMAGE 1.png", "x.md") == ["b/Pasted image 1.png"]
    assert files.resolve("../doc.pdf", "b/x.md") == ["doc.pdf"]
    assert files.resolve("c/photo.png", "x.md") == []
    assert wikilinks.used_files("![[photo.png]] [[doc.pdf]] `![[Pasted image 1.png]]` [[note]]", "a/n.md", files) == {
        "a/photo.png", "doc.pdf"}


@pytest.mark.parametrize(("written", "expected"), [
    ("300", (None, "300", None)), ("300x200", (None, "300", "200")), ("Mon schéma", ("Mon schéma", None, None)),
    ("Mon schéma|120", ("Mon schéma", "120", None)), (None, (None, None, None)), ("10x", ("10x", None, None)),
])
def test_image_options(written: str | None, expected: tuple[str | None, str | None, str | None]) -> None:
    assert obsidian.image_options(written) == expected


ADMONITIONS = obsidian.CalloutStyle("fr", admonition=True, details=True)


@pytest.mark.parametrize(("written", "expected"), [
    ("> [!tip] Titre\n> Texte", '!!! tip "Titre"\n    Texte'),
    ("> [!TIP]\n> Texte", '!!! tip "Astuce"\n    Texte'),
    ("> [!faq]- Fermé\n> a", '??? question "Fermé"\n    a'),
    ("> [!faq]+ Ouvert\n> a", '???+ question "Ouvert"\n    a'),
    ("> [!error] Seul titre", '!!! danger "Seul titre"'),
    ("> [!Mon Type]\n> a", '!!! note mon-type "Mon type"\n    a'),
    ("> [!note] Un\n> a\n>\n> b\n>\n> > [!cite] Deux\n> > c", '!!! note "Un"\n    a\n\n    b\n\n    !!! quote "Deux"\n        c'),
    ("Texte\n> [!info] I\n> a\n\nSuite", 'Texte\n\n!!! info "I"\n    a\n\nSuite'),
    ("> [!info] I\n> a\nSuite", '!!! info "I"\n    a\n\nSuite'),
    ("> cité\n>\n> > [!done]\n> > fait", '> cité\n>\n> !!! success "Réussite"\n>     fait'),
    ("```\n> [!tip] Code\n```", "```\n> [!tip] Code\n```"),
    ("> [!tip] T\n> ```\n> > [!note] code\n> ```", '!!! tip "T"\n    ```\n    > [!note] code\n    ```'),
    ("> Une citation [!tip] ordinaire", "> Une citation [!tip] ordinaire"),
])
def test_callouts(written: str, expected: str) -> None:
    assert obsidian.callouts(written, ADMONITIONS) == expected


def test_callouts_fold_only_with_details_and_fall_back_to_quotes() -> None:
    assert obsidian.callouts("> [!faq]- F\n> a", obsidian.CalloutStyle("fr", admonition=True)) == '!!! question "F"\n    a'
    assert obsidian.callouts("> [!faq]- F\n> a\n>\n> b", obsidian.CalloutStyle("en")) == "> **F**\n>\n> a\n>\n> b"
    assert obsidian.callouts("> [!warning]", obsidian.CalloutStyle("en")) == "> **Warning**"


@pytest.mark.parametrize(("written", "expected"), [
    ("Texte. ^abc-1", "Texte."), ("- a\n- b\n\n^liste", "- a\n- b\n\n"), ("> cité\n> ^q", "> cité\n>"),
    ("Prix ^2 ^x", "Prix ^2"), ("a^b", "a^b"), ("[^1]: note", "[^1]: note"), ("`x ^abc`", "`x ^abc`"),
    ("```\nx ^abc\n```", "```\nx ^abc\n```"), ("^é", "^é"),
])
def test_block_ids_go(written: str, expected: str) -> None:
    assert obsidian.strip_block_ids(written) == expected


def test_block_and_section_of_a_note() -> None:
    body = "# T\n\nIntro.\n\n## Un\n\nPremier ^p1\nsuite. ^p2\n\n- a\n- b\n\n^liste\n\n### Sous\n\ns\n\nDeux\n---\n\nfin\n```\n## Pas un titre\n```"
    assert obsidian.block(body, "p2") == "Premier\nsuite."  # without its block ids
    assert obsidian.block(body, "liste") == "- a\n- b"
    assert obsidian.block(body, "absent") is None
    assert obsidian.section(body, "un") == "## Un\n\nPremier ^p1\nsuite. ^p2\n\n- a\n- b\n\n^liste\n\n### Sous\n\ns"
    assert obsidian.section(body, "Deux") == "Deux\n---\n\nfin\n```\n## Pas un titre\n```"
    assert obsidian.section(body, "Pas un titre") is None
    assert [h.text for h in obsidian.headings(body)] == ["T", "Un", "Sous", "Deux"]
    assert obsidian.heading_key("L’**écoute** : active") == obsidian.heading_key("l'écoute  active")


def test_a_line_holding_only_an_embed_keeps_its_place() -> None:
    assert obsidian.lead("> - ") == ("> - ", ">     ")
    assert obsidian.lead("    1. ") == ("    1. ", "        ")
    assert obsidian.lead("Voir ") is None


def test_the_editor_files_of_a_vault(tmp_path: Path) -> None:
    (tmp_path / ".obsidian" / "plugins" / "templater-obsidian").mkdir(parents=True)
    (tmp_path / ".obsidian" / "templates.json").write_text('{"folder": "Outils/Modèles/"}', encoding="utf-8")
    (tmp_path / ".obsidian" / "plugins" / "templater-obsidian" / "data.json").write_text('{"templates_folder": "Gabarits"}')
    for path in (".obsidian/workspace.json", ".trash/vieux.md", "Outils/Modèles/Récit.md", "outils/modèles/x.md",
                 "Gabarits/Journal.md"):
        assert scan.is_editor_file(tmp_path, path), path
    for path in ("recits/a.md", "Outils/autre.md", "Modèles/Récit.md", "Gabarits.md"):
        assert not scan.is_editor_file(tmp_path, path), path


@pytest.mark.parametrize("settings", ["{pas du json", '["Modèles"]', '{"folder": 3}', '{"folder": "/"}', '{"folder": ""}'])
def test_templates_settings_obsidian_would_not_read_name_no_folder(tmp_path: Path, settings: str) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "templates.json").write_text(settings, encoding="utf-8")
    assert scan.template_folders(tmp_path) == ()
    assert not scan.is_editor_file(tmp_path, "recits/a.md")
