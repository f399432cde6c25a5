"""Leaks through the Markdown source: mistyped fences, nested snippets, HTML comments.

Each test builds a real site (or reads the portfolio as a build would) and looks for canaries
in every byte written; each has a control showing what the rule under test changes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment
from kit import Portfolio
from mkdocs.exceptions import Abort
from mkdocs.utils.meta import get_data
from test_privacy import canaries_in

from cheminement import frontmatter, snippets, views
from cheminement.check import analyse
from cheminement.inert import make_inert
from cheminement.load import read_page
from cheminement.model import Kind, Page, Severity, Visibility
from cheminement.settings import Settings

# -- 1. Front-matter fences that look like `---` but are not -------------------------------

LOOKALIKES = {
    "four-hyphens": "----",
    "em-dash": "\u2014",
    "en-dash-hyphen": "\u2013-",
    "em-dash-hyphen": "\u2014-",
    "spaced": "-- -",
    "nbsp": "---\u00a0",
    "underscores": "___",
    "minus-signs": "\u2212\u2212\u2212",
    "stars": "***",
    "plus": "+++",
}


def _fenced(fence: str, body: str = "Ce que je tais CANARYF002.") -> str:
    return f"{fence}\ntitre: Mon burn-out CANARYF001\nvisibilite: prive\nniveau: 1\n{fence}\n{body}\n"


def _put(folio: Portfolio, path: str, text: str) -> None:
    """Write `text` exactly (`Portfolio.write` dedents and drops leading blank lines)."""
    target = folio.docs / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _settings(folio: Portfolio) -> Settings:
    return Settings(docs_dir=folio.docs)


def _errors(folio: Portfolio, code: str) -> list[tuple[str, int | None]]:
    report = analyse(_settings(folio))
    return [(p.file, p.line) for p in report.problems if p.code == code and p.severity is Severity.ERROR]


def _build_fails(folio: Portfolio, caplog: pytest.LogCaptureFixture) -> str:
    """Build, expect the build to stop; the log, and nothing written holds a canary."""
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        folio.build()
    assert not folio.site.exists() or canaries_in(folio.site) == set()
    return caplog.text


@pytest.mark.parametrize("path", ["a-propos.md", "competences/ecoute-active.md"])
@pytest.mark.parametrize("fence", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_a_fence_lookalike_is_an_error_and_the_note_stays_private(portfolio: Portfolio, caplog: pytest.LogCaptureFixture,
                                                                  path: str, fence: str) -> None:
    text = _fenced(fence)
    assert get_data(text)[1] == {}  # control: MkDocs reads no front matter, it would print the keys as text
    _put(portfolio, path, text)
    assert _errors(portfolio, "frontmatter-fence-lookalike") == [(path, 1)]
    assert f"{path}:1" in _build_fails(portfolio, caplog)


def test_the_same_note_with_real_fences_builds_and_stays_private(portfolio: Portfolio) -> None:
    """The control for the lookalikes: only the fence differs, and `---` keeps the note out."""
    portfolio.write("a-propos.md", _fenced("---"))
    assert _errors(portfolio, "frontmatter-fence-lookalike") == []
    assert canaries_in(portfolio.build()) == set()


def test_a_fence_lookalike_after_blank_lines_and_zero_width_characters(portfolio: Portfolio) -> None:
    _put(portfolio, "a-propos.md", "\n\u200b\n" + _fenced("\u2014"))
    assert _errors(portfolio, "frontmatter-fence-lookalike") == [("a-propos.md", 3)]


def test_a_rule_then_a_sentence_then_our_key_is_a_fence_lookalike(portfolio: Portfolio) -> None:
    _put(portfolio, "a-propos.md", "***\n\nAttention: x\n\nvisibilite: prive\n\nCANARYU001\n")
    assert _errors(portfolio, "frontmatter-fence-lookalike") == [("a-propos.md", 1)]


def test_the_message_shows_an_invisible_character() -> None:
    problem = frontmatter.split(_fenced("---\u00a0"))
    assert isinstance(problem, frontmatter.SyntaxProblem)
    assert problem.params == {"fence": "---[U+00A0]"}


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        pytest.param("Attention: page en travaux.\nvisibilite: prive\n\nCANARYU001\n", 2, "visibilite", id="after-a-sentence"),
        pytest.param("\n\ntitre: Mon burn-out CANARYU001\nvisibilité\u00a0: privée\n\nTexte.\n", 3, "titre", id="blank-lines"),
        pytest.param("Lieu: Lyon\n  et alentours\ndraft: true\n\nCANARYU001\n", 1, "Lieu", id="first-line"),
        pytest.param("Auteur: moi\nVisibilty: private\n\nCANARYU001\n", 1, "Auteur", id="title-case"),
        pytest.param("Note: x\nvisibilty: prive\n\nCANARYU001\n", 2, "visibilty", id="misspelt"),
        pytest.param("Attention: x\n\n***\n\nvisibilite: prive\n\nCANARYU001\n", 5, "visibilite", id="rule-between-keys"),
        pytest.param("<!-- x -->\nvisibilite: prive\n\nCANARYU001\n", 2, "visibilite", id="after-a-comment"),
    ],
)
def test_note_keys_without_fences_among_the_first_lines(portfolio: Portfolio, caplog: pytest.LogCaptureFixture,
                                                        text: str, line: int, key: str) -> None:
    _put(portfolio, "a-propos.md", text)
    report = analyse(_settings(portfolio))
    found = [p for p in report.problems if p.code == "frontmatter-unfenced"]
    assert [(p.file, p.line, p.params["key"]) for p in found] == [("a-propos.md", line, key)]
    page = next(p for p in report.portfolio.pages if p.path == "a-propos.md")
    assert page.visibility is Visibility.PRIVATE
    assert f"a-propos.md:{line}" in _build_fails(portfolio, caplog)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("***\n\nUn paragraphe : avec deux-points.\n\n***\n\nLa suite.\n", "Un paragraphe", id="rule-then-prose"),
        pytest.param("---\u00a0\nAttention: le site est en travaux.\nMerci de votre patience.\n", "Attention", id="rule-then-sentence"),
        pytest.param("Attention: le site est en travaux.\n\nLa suite du texte.\n", "Attention", id="sentence"),
        pytest.param("# À propos\n\nvisibilite: public, comme tout ce site.\n", "comme tout ce site", id="key-after-prose"),
        pytest.param("----\n\n# Titre\n\nTexte.\n", "Titre", id="rule-then-heading"),
    ],
)
def test_ordinary_pages_that_only_look_like_front_matter_build(portfolio: Portfolio, text: str, shown: str) -> None:
    _put(portfolio, "a-propos.md", text)
    report = analyse(_settings(portfolio))
    assert report.errors == [], report.errors
    portfolio.build()
    assert shown in portfolio.html("a-propos/index.html").select_one("article").get_text()


def test_head_lines_stop_at_the_first_prose() -> None:
    lines = ["----", "titre: T", "competences:", "  - a", "- b", "----", "# Titre", "visibilite: prive", ""]
    head = frontmatter.head_lines(lines)
    assert [(line.number, line.key) for line in head] == [(1, ""), (2, "titre"), (3, "competences"), (6, "")]


# -- 2. Snippets nested in allowed files ---------------------------------------------------

SNIPPETS = "markdown_extensions:\n  - pymdownx.snippets\n"
PRIVATE_NOTE = "---\ntitre: Carnet CANARYN001\n---\nMes doutes CANARYN002.\n"
PUBLIC_NOTE = "---\ntitre: Public\ndate: 2024-01\n---\nTexte public.\n\n--8<-- \"{path}\"\n"


@pytest.fixture
def in_project(portfolio: Portfolio) -> Iterator[Portfolio]:
    """The portfolio as the working folder: pymdown-extensions resolves `base_path` from it."""
    cwd = Path.cwd()
    os.chdir(portfolio.root)
    try:
        yield portfolio
    finally:
        os.chdir(cwd)


def _plain(folio: Portfolio, extra: str) -> set[str]:
    """The control: the same site built without our plugin, its canaries."""
    (folio.root / "mkdocs.yml").write_text("site_name: T\ndocs_dir: docs\ntheme: {name: material}\nplugins: [search]\n"
                                           + extra, encoding="utf-8")
    found = canaries_in(folio.build(site_dir=str(folio.root / "control")))
    folio.configure(extra=extra)
    folio.site = folio.root / "site"
    return found


def test_a_private_note_transcluded_by_an_allowed_file_of_the_project(in_project: Portfolio,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    folio = in_project
    folio.write("journal/carnet.md", PRIVATE_NOTE)
    (folio.root / "inc").mkdir()
    (folio.root / "inc" / "abbr.md").write_text('*[CV]: Curriculum vitae\n\n--8<-- "docs/journal/carnet.md"\n',
                                                encoding="utf-8")
    folio.write("recits/pub.md", PUBLIC_NOTE.format(path="inc/abbr.md"))
    assert {"CANARYN001", "CANARYN002"} <= _plain(folio, SNIPPETS)  # pymdown follows the nesting
    log = _build_fails(folio, caplog)
    assert "recits/pub.md:7" in log
    assert "« inc/abbr.md » → « docs/journal/carnet.md »" in log


def test_a_private_note_transcluded_by_a_published_asset(in_project: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    folio = in_project
    folio.write("journal/carnet.md", PRIVATE_NOTE)
    folio.write("fichiers/liste.txt", 'Une liste.\n-8<-\ndocs/journal/carnet.md\n-8<-\n')
    folio.write("recits/pub.md", PUBLIC_NOTE.format(path="docs/fichiers/liste.txt"))
    assert {"CANARYN001", "CANARYN002"} <= _plain(folio, SNIPPETS)
    log = _build_fails(folio, caplog)
    assert "recits/pub.md:7" in log and "« docs/fichiers/liste.txt » → « docs/journal/carnet.md »" in log


def test_a_published_note_is_transcluded_as_written_comments_included(in_project: Portfolio,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    """The extension reads the raw file: a transclusion hidden in its comments still runs."""
    folio = in_project
    folio.write("journal/carnet.md", PRIVATE_NOTE)
    folio.write("recits/autre.md", '---\ntitre: Autre\ndate: 2024\n---\nTexte.\n%%\n--8<-- "docs/journal/carnet.md"\n%%\n')
    folio.write("recits/pub.md", PUBLIC_NOTE.format(path="docs/recits/autre.md"))
    assert {"CANARYN001", "CANARYN002"} <= _plain(folio, SNIPPETS)
    log = _build_fails(folio, caplog)
    # A note is never transcluded (its raw file would bring its front matter and remarks).
    assert "recits/pub.md:7" in log and "« docs/recits/autre.md »" in log
    assert "recits/autre.md:" not in log  # its own page is fine: the comment is gone before the extension runs


def test_a_nested_private_note_through_auto_append(in_project: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    folio = in_project
    folio.write("journal/carnet.md", PRIVATE_NOTE)
    (folio.root / "inc").mkdir()
    (folio.root / "inc" / "pied.md").write_text('--8<-- "inc/suite.md"\n', encoding="utf-8")
    (folio.root / "inc" / "suite.md").write_text('--8<-- "docs/journal/carnet.md"\n', encoding="utf-8")
    extra = "markdown_extensions:\n  - pymdownx.snippets:\n      auto_append: [inc/pied.md]\n"
    assert {"CANARYN001", "CANARYN002"} <= _plain(folio, extra)
    log = _build_fails(folio, caplog)
    assert "« inc/pied.md » → « inc/suite.md » → « docs/journal/carnet.md »" in log


def test_nested_public_files_and_loops_build(in_project: Portfolio) -> None:
    """The control: a chain of allowed files, one including the other back, is fine."""
    folio = in_project
    (folio.root / "inc").mkdir()
    (folio.root / "inc" / "a.md").write_text('Texte A CANARYN003.\n\n--8<-- "inc/b.md"\n', encoding="utf-8")
    (folio.root / "inc" / "b.md").write_text('Texte B CANARYN004.\n\n--8<-- "inc/a.md"\n', encoding="utf-8")
    folio.write("recits/pub.md", PUBLIC_NOTE.format(path="inc/a.md"))
    folio.configure(extra=SNIPPETS)
    assert {"CANARYN003", "CANARYN004"} <= canaries_in(folio.build())


def _chain(folder: Path, length: int, last: str) -> None:
    """inc/0.md includes inc/1.md … inc/<length-1>.md, which includes `last`."""
    (folder / "inc").mkdir(exist_ok=True)
    for index in range(length):
        target = f"inc/{index + 1}.md" if index < length - 1 else last
        (folder / "inc" / f"{index}.md").write_text(f'--8<-- "{target}"\n', encoding="utf-8")


def _refused(tmp_path: Path, published: set[str]) -> list[tuple[str, int | None, str]]:
    page = Page(path="recits/pub.md", body='Texte.\n--8<-- "inc/0.md"\n', body_line=5)
    found = snippets.refused([page], [tmp_path], tmp_path / "docs", tmp_path, published)
    return [(p.file, p.line, p.code) for p in found]


def test_a_chain_reaches_a_private_note_at_the_depth_limit(tmp_path: Path) -> None:
    (tmp_path / "docs" / "journal").mkdir(parents=True)
    (tmp_path / "docs" / "journal" / "x.txt").write_text("secret", encoding="utf-8")
    _chain(tmp_path, snippets.MAX_DEPTH - 1, "docs/journal/x.txt")
    assert _refused(tmp_path, set()) == [("recits/pub.md", 6, "snippet-nested-not-public")]
    assert _refused(tmp_path, {"journal/x.txt"}) == []  # the control: published, it may be included


def test_a_note_is_never_transcluded_even_published(tmp_path: Path) -> None:
    """The extension inserts a note's file as written: front matter and `%%` remarks too."""
    (tmp_path / "docs" / "recits").mkdir(parents=True)
    (tmp_path / "docs" / "recits" / "x.md").write_text("---\ntitre: X\n---\n%%remarque%%", encoding="utf-8")
    _chain(tmp_path, 1, "docs/recits/x.md")
    assert _refused(tmp_path, {"recits/x.md"}) == [("recits/pub.md", 6, "snippet-nested-not-public")]


@pytest.mark.parametrize("hidden", [".git/COMMIT_EDITMSG", "site/journal/x/index.html"])
def test_hidden_folders_and_an_old_site_are_never_transcluded(tmp_path: Path, hidden: str) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / hidden).parent.mkdir(parents=True)
    (tmp_path / hidden).write_text("secret", encoding="utf-8")
    _chain(tmp_path, 1, hidden)
    assert _refused(tmp_path, set()) == [("recits/pub.md", 6, "snippet-nested-not-public")]


def test_a_chain_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "fin.md").write_text("fin", encoding="utf-8")
    _chain(tmp_path, snippets.MAX_DEPTH - 1, "fin.md")
    assert _refused(tmp_path, set()) == []  # the control: the whole chain is read
    _chain(tmp_path, snippets.MAX_DEPTH + 1, "fin.md")
    assert _refused(tmp_path, set()) == [("recits/pub.md", 6, "snippet-too-deep")]


# -- 3. HTML comments never shape the output ---------------------------------------------

BIBTEX = "@book{durand2019, author={Durand, Anne}, title={Sortir CANARYW001}, year={2019}, publisher={X}}\n"
COMMENTED = """
    ---
    titre: Public A
    date: 2024-01
    ---
    Texte public.

    <!-- à ne pas publier : lu [@durand2019] en pensant à [[autre]] -->
"""
OTHER = "---\ntitre: Autre note\ndate: 2024-02\n---\nTexte.\n"


def _cited_by(folio: Portfolio, text: str) -> tuple[bool, set[str]]:
    """Build with a note whose text is `text`: is there a backlink on `autre`, and canaries?"""
    folio.write("recits/pub.md", text)
    site = folio.build()
    other = " ".join(folio.html("recits/autre/index.html").select_one("article").get_text().split())
    return "Public A" in other, canaries_in(site)


@pytest.fixture
def with_bibliography(portfolio: Portfolio) -> Portfolio:
    (portfolio.root / "refs.bib").write_text(BIBTEX, encoding="utf-8")
    portfolio.configure(options="bibliographie: refs.bib")
    portfolio.write("recits/autre.md", OTHER)
    return portfolio


def test_a_commented_link_or_citation_makes_no_backlink_and_no_reference(with_bibliography: Portfolio) -> None:
    backlink, found = _cited_by(with_bibliography, COMMENTED)
    assert not backlink and found == set()


def test_the_same_link_and_citation_outside_a_comment_do(with_bibliography: Portfolio) -> None:
    """The control: uncommented, the same text creates both, so the test above can fail."""
    backlink, found = _cited_by(with_bibliography, COMMENTED.replace("<!--", "").replace("-->", ""))
    assert backlink and "CANARYW001" in found


def test_views_never_see_commented_text(portfolio: Portfolio) -> None:
    portfolio.write("recits/autre.md", OTHER)
    portfolio.write("recits/pub.md", COMMENTED)
    settings = _settings(portfolio)
    report = analyse(settings)
    note = next(n for n in report.portfolio.notes if n.path == "recits/pub.md")
    assert "[[autre]]" not in note.body and "durand2019" not in note.body
    built = views.build(report.portfolio, settings)
    assert built.backlinks.get((Kind.RECIT, "autre"), []) == []
    # A page made some other way, comments still in: the views read past them all the same.
    note.body = "<!-- [[autre]] [@durand2019] -->\n%% [[autre]] %%\n"
    assert views.build(report.portfolio, settings).backlinks.get((Kind.RECIT, "autre"), []) == []
    assert views.citations(report.portfolio, {"durand2019"}).all == []


def test_the_excerpt_separator_survives_and_code_keeps_its_comments(tmp_path: Path) -> None:
    raw = ("---\ntitre: Billet\n---\nDébut.\n\n<!-- more -->\n\nSuite <!-- caché\nsur deux lignes -->.\n\n"
           "`<!-- dans le code -->`\n").encode()
    page, problems = read_page("billet.md", raw, Settings(docs_dir=tmp_path))
    assert problems == [] and page is not None
    assert page.body.split("\n") == ["Début.", "", "<!-- more -->", "", "Suite ", ".", "", "`<!-- dans le code -->`", ""]


def test_text_around_a_comment_does_not_join_into_a_new_comment(tmp_path: Path) -> None:
    raw = "# T\n\n100 %<!-- x -->% sûr, <!-<!-- y -->-- fin\n".encode()
    page, _ = read_page("t.md", raw, Settings(docs_dir=tmp_path))
    assert page is not None and page.body == "# T\n\n100 % % sûr, <!- -- fin\n"


def test_a_blog_post_keeps_its_excerpt_and_no_comment_reaches_the_site(portfolio: Portfolio) -> None:
    portfolio.write("blog/index.md", "# Blog\n")
    portfolio.write("blog/posts/billet.md", "---\ndate: 2025-02-01\n---\n# Billet\n\nAvant la coupure.\n\n"
                                            "<!-- more -->\n\nAprès la coupure. <!-- remarque CANARYH001 -->\n")
    portfolio.configure(extra="")
    (portfolio.root / "mkdocs.yml").write_text("site_name: T\ndocs_dir: docs\ntheme: {name: material}\n"
                                               "plugins:\n  - blog\n  - search\n  - cheminement\n", encoding="utf-8")
    site = portfolio.build()
    assert canaries_in(site) == set()
    index = " ".join(portfolio.html("blog/index.html").get_text().split())
    assert "Avant la coupure." in index and "Après la coupure." not in index  # the separator was read
    post = next(site.glob("blog/*/*/*/billet/index.html"), None) or next(site.rglob("billet/index.html"))
    article = BeautifulSoup(post.read_text(encoding="utf-8"), "lxml").select_one("article")
    assert "Après la coupure." in article.get_text()
    assert article.find_all(string=lambda s: isinstance(s, Comment)) == []  # `<!-- more -->` made inert


def test_make_inert_still_removes_comments() -> None:
    html, _ = make_inert("<p>a<!-- more -->b<!-- [[autre]] --></p>", allow_third_party=False)
    assert "<!--" not in html and "ab" in html
