"""Cheminement with the plugins learners combine it with, each built for real.

Each combination either works (asserted on the HTML) or is refused before anything is
written, with a message that names the plugin and says what to do (docs/extensions.md).
Privacy holds in every one: private notes, their tags and the learner's comments never
reach a page, and what another plugin adds to a page is redacted like the learner's text.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kit import Portfolio
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.utils.meta import get_data
from test_privacy import canaries_in

from cheminement import frontmatter, pagesource
from cheminement.pagesource import without_comments


def configure(folio: Portfolio, plugins: str, extra: str = "") -> None:
    """mkdocs.yml with these plugins (a YAML list, one per line) and more settings."""
    (folio.root / "mkdocs.yml").write_text(
        "site_name: Portfolio de test\ndocs_dir: docs\ntheme:\n  name: material\n  language: fr\n"
        f"plugins:\n{plugins}\n{extra}", encoding="utf-8")


def refused(folio: Portfolio) -> None:
    """A build that must stop at configuration time. Built without the startup and
    shutdown events: MkDocs keeps one blog plugin per process, whose shutdown removes a
    folder that only a build that went further creates again."""
    with pytest.raises(Abort):
        build(load_config(config_file=str(folio.root / "mkdocs.yml")))


def plugins(*names: str) -> str:
    return "\n".join(f"  - {name}" for name in names)


def article_text(folio: Portfolio, path: str) -> str:
    return " ".join(folio.html(path).select_one("article").get_text(" ").split())


def article_links(folio: Portfolio, path: str) -> list[str]:
    return [a["href"] for a in folio.html(path).select("article a[href]")]


# -- What MkDocs and the plugins before us hand over --------------------------------------

HOOK = """\
from pathlib import Path

SEEN = Path(__file__).parent / "vu"


def on_page_markdown(markdown, page, config, files):
    SEEN.mkdir(exist_ok=True)
    (SEEN / page.file.src_uri.replace("/", "_")).write_text(markdown, encoding="utf-8")
    if page.file.src_uri == "recits/atelier.md":
        return markdown + "\\n\\nAjouté par le hook : [le carnet](../journal/doutes.md), [[premier-entretien]].\\n"
    return markdown
"""


@pytest.fixture
def hooked(portfolio: Portfolio) -> Portfolio:
    (portfolio.root / "crochet.py").write_text(HOOK, encoding="utf-8")
    configure(portfolio, plugins("search", "cheminement"), "hooks:\n  - crochet.py\n")
    return portfolio


def test_a_hook_s_markdown_is_kept_and_gets_our_links_and_redaction(hooked: Portfolio) -> None:
    hooked.build(strict=True)
    assert "Ajouté par le hook" in article_text(hooked, "recits/atelier/index.html")
    links = article_links(hooked, "recits/atelier/index.html")
    assert not [href for href in links if "journal" in href or "doutes" in href]
    assert "../premier-entretien/" in links  # the [[link]] the hook wrote, resolved after it
    assert "le carnet" in article_text(hooked, "recits/atelier/index.html")  # the text stays


@pytest.mark.parametrize("head", [
    "---\n# rien que des commentaires YAML\n---\n",  # MkDocs: not a mapping, kept as text
    "---\ntitre: Atelier\ndate: 2025-03\nrevu_le: 2024-02-30\n---\n",  # MkDocs: not a date, kept as text
])
def test_front_matter_is_never_page_text_whatever_the_engine_makes_of_it(hooked: Portfolio, head: str) -> None:
    hooked.write("notes-libres.md", head + "Mon texte à moi.\n")
    hooked.build()
    text = article_text(hooked, "notes-libres/index.html")
    assert "Mon texte à moi." in text
    assert "rien que des commentaires" not in text and "revu_le" not in text and "2024-02-30" not in text
    assert not hooked.html("notes-libres/index.html").select("article hr")
    seen = (hooked.root / "vu" / "notes-libres.md").read_text(encoding="utf-8")
    assert seen.strip() == "Mon texte à moi."  # what plugins before us saw: the text alone


def test_first_lines_that_look_like_metadata_stay_page_text(hooked: Portfolio) -> None:
    """Without `---`, MkDocs takes `Clé: valeur` first lines for metadata and drops them."""
    hooked.write("avertissement.md", "Attention: ce texte est le mien.\nSuite: du texte aussi.\n\nFin.\n")
    hooked.build()
    text = article_text(hooked, "avertissement/index.html")
    assert "Attention: ce texte est le mien." in text and "Suite: du texte aussi." in text


def test_comments_never_reach_another_plugin_nor_the_site(hooked: Portfolio) -> None:
    hooked.write("recits/avec-remarques.md", "---\ntitre: Avec remarques\ndate: 2024\n---\n"
                                              "Texte public.\n\n%% pour moi CANARYC001 %%\n\n<!-- à revoir CANARYC002 -->\n")
    site = hooked.build()
    assert canaries_in(hooked.root / "vu") == set()
    assert canaries_in(site) == set()
    assert "Texte public." in article_text(hooked, "recits/avec-remarques/index.html")


# -- mkdocs-macros ---------------------------------------------------------------------------

MACROS_EXTRA = """\
extra:
  ville: Lyon
  lien_prive: "[mon carnet](../journal/doutes.md)"
"""


@pytest.mark.parametrize("order", [("macros", "cheminement"), ("cheminement", "macros")])
def test_macros_render_in_notes_in_either_order(portfolio: Portfolio, order: tuple[str, str]) -> None:
    portfolio.write("recits/atelier.md", "---\ntitre: Co-animer un atelier\ndate: 2025-03\n---\n"
                                         "J'anime à {{ ville }}. Titre : {{ titre }}. {{ lien_prive }}\n\n"
                                         "{{ '[[premier-entretien]]' }}\n")
    configure(portfolio, plugins("search", *order), MACROS_EXTRA)
    portfolio.build(strict=True)
    text = article_text(portfolio, "recits/atelier/index.html")
    assert "J'anime à Lyon. Titre : Co-animer un atelier." in text
    assert "{{" not in text
    links = article_links(portfolio, "recits/atelier/index.html")
    # A link to a private note that a macro brings in is redacted like one the learner wrote.
    assert "mon carnet" in text and not [href for href in links if "journal" in href]
    assert "../premier-entretien/" in links


def test_a_macro_cannot_include_a_private_note(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write("journal/doutes.md", "---\ntitre: Mes doutes\n---\nUn carnet privé CANARYM001.\n")
    portfolio.write("recits/atelier.md", "---\ntitre: Atelier\ndate: 2025-03\n---\n{% include 'journal/doutes.md' %}\n")
    configure(portfolio, plugins("search", "macros", "cheminement"))
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "recits/atelier.md" in caplog.text and "« journal/doutes.md »" in caplog.text
    assert "Rien n'a été construit" in caplog.text
    assert not portfolio.site.exists() or canaries_in(portfolio.site) == set()
    # The control: without Cheminement, macros includes the private note.
    configure(portfolio, plugins("search", "macros"))
    assert "CANARYM001" in canaries_in(portfolio.build(site_dir=str(portfolio.root / "controle")))


def test_a_macro_includes_a_published_note_or_a_template_outside_the_portfolio(portfolio: Portfolio) -> None:
    templates = portfolio.root / "gabarits"  # macros reads include_dir from the working folder
    templates.mkdir()
    (templates / "signature.md").write_text("Signé : Claire.\n", encoding="utf-8")
    portfolio.write("recits/atelier.md", "---\ntitre: Atelier\ndate: 2025-03\n---\n{% include 'signature.md' %}\n")
    configure(portfolio, plugins("search", f"macros:\n      include_dir: '{templates}'", "cheminement"))
    portfolio.build(strict=True)
    assert "Signé : Claire." in article_text(portfolio, "recits/atelier/index.html")
    portfolio.write("recits/atelier.md", "---\ntitre: Atelier\ndate: 2025-03\n---\n{% include 'traces/grille.md' %}\n")
    configure(portfolio, plugins("search", "macros", "cheminement"))
    portfolio.build()
    assert "Ma grille d'entretien" in article_text(portfolio, "recits/atelier/index.html")


# -- mkdocs-callouts -------------------------------------------------------------------------

CALLOUTS_EXTRA = "markdown_extensions:\n  - admonition\n  - pymdownx.details\n  - pymdownx.superfences\n"


@pytest.mark.parametrize("order", [("callouts", "cheminement"), ("cheminement", "callouts")])
def test_callouts_convert_once_in_either_order(portfolio: Portfolio, order: tuple[str, str]) -> None:
    portfolio.write("recits/atelier.md", "---\ntitre: Atelier\ndate: 2025-03\n---\nAvant.\n\n"
                                         "> [!tip] Astuce\n> Un conseil, voir [[premier-entretien]].\n\n"
                                         "> [!warning]- Replié\n> Caché.\n")
    configure(portfolio, plugins("search", *order), CALLOUTS_EXTRA)
    portfolio.build(strict=True)
    article = portfolio.html("recits/atelier/index.html").select_one("article")
    tip = article.select("div.admonition.tip")
    assert len(tip) == 1 and "Astuce" in tip[0].select_one(".admonition-title").get_text()
    assert tip[0].select_one('a[href="../premier-entretien/"]') is not None
    assert len(article.select("details.warning")) == 1
    assert "[!" not in article.get_text()


# -- awesome-nav -----------------------------------------------------------------------------


def nav_titles(folio: Portfolio) -> list[str]:
    nav = folio.html("index.html").select_one("nav.md-nav--primary > ul")
    return [" ".join(item.get_text(" ").split()) for item in nav.select(":scope > li > a, :scope > li > label")]


def test_awesome_nav_keeps_the_learner_s_nav_yml_and_says_what_it_leaves_out(
        portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write(".nav.yml", "nav:\n  - index.md\n  - Mon parcours: parcours\n  - Mes récits: recits\n"
                                "  - Mes doutes: journal/doutes.md\n")
    configure(portfolio, plugins("search", "awesome-nav", "cheminement"))
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        site = portfolio.build()
    titles = nav_titles(portfolio)
    assert "Mon parcours" in titles and "Mes récits" in titles
    assert "Compétences" not in titles and "Mes doutes" not in titles
    assert "doutes" not in str(portfolio.html("index.html").select_one("nav.md-nav--primary"))
    # Our pages are built all the same, and the learner is told they are not in the menu.
    assert (site / "competences" / "index.html").is_file() and (site / "chronologie" / "index.html").is_file()
    said = next(r.getMessage() for r in caplog.records if ".nav.yml" in r.getMessage())
    assert "competences/index.md" in said and "chronologie.md" in said and "recits/index.md" not in said
    assert not (site / ".nav.yml").exists()


def test_awesome_nav_with_a_glob_reaches_every_page(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write(".nav.yml", "nav:\n  - index.md\n  - competences/index.md\n  - '*'\n")
    configure(portfolio, plugins("search", "awesome-nav", "cheminement"))
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        portfolio.build(strict=True)
    assert not [r for r in caplog.records if ".nav.yml" in r.getMessage()]
    assert "Chronologie" in nav_titles(portfolio)


def test_a_nav_section_of_private_notes_only_goes_with_them(portfolio: Portfolio) -> None:
    portfolio.write("recits/cache.md", "---\ntitre: Caché\ndate: 2024\nvisibilite: prive\n---\nPrivé.\n")
    portfolio.write(".nav.yml", "nav:\n  - index.md\n  - 'Section CANARYS001':\n"
                                "    - 'Doutes CANARYS002': journal/doutes.md\n    - 'Cache CANARYS003': recits/cache.md\n"
                                "  - '*'\n")
    configure(portfolio, plugins("search", "awesome-nav", "cheminement"))
    site = portfolio.build()
    assert (site / "recits" / "premier-entretien" / "index.html").is_file()
    assert canaries_in(site) == set()


def test_a_nav_yml_in_a_private_folder_stays_private(portfolio: Portfolio) -> None:
    """A note the learner published from `journal/` makes a Journal section; the folder's
    own `.nav.yml` is a private file, its title never shown."""
    portfolio.write("journal/partage.md", "---\ntitre: Partagé\nvisibilite: public\n---\nUn texte partagé.\n")
    portfolio.write("journal/.nav.yml", "title: Ma crise CANARYN001\nnav:\n  - 'Mes doutes CANARYN002': doutes.md\n  - '*'\n")
    configure(portfolio, plugins("search", "awesome-nav", "cheminement"))
    site = portfolio.build()
    assert (site / "journal" / "partage" / "index.html").is_file()
    assert canaries_in(site) == set()


# -- mkdocs-static-i18n: refused -------------------------------------------------------------

I18N = """\
  - i18n:
      docs_structure: suffix
      languages:
        - locale: fr
          default: true
          name: Français
        - locale: en
          name: English"""


@pytest.mark.parametrize("order", ["before", "after"])
def test_static_i18n_is_refused_before_anything_is_written(portfolio: Portfolio, order: str,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    listed = [plugins("search"), plugins("cheminement")]
    listed.insert(0 if order == "before" else 2, I18N)
    configure(portfolio, "\n".join(listed))
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "« i18n » (mkdocs-static-i18n)" in caplog.text and "deux portfolios" in caplog.text
    assert not portfolio.site.exists()


def test_static_i18n_refusal_in_english(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    configure(portfolio, plugins("search") + "\n  - cheminement:\n      langue: en\n" + I18N)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "does not work with Cheminement" in caplog.text


# -- git-revision-date-localized -------------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_revision_dates_on_notes_and_generated_pages_in_strict_mode(portfolio: Portfolio) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=Claire", "-c", "user.email=c@example.org", *args],
                       cwd=portfolio.root, check=True, capture_output=True)

    git("init", "-q")
    configure(portfolio, plugins("search", "cheminement", "git-revision-date-localized:\n      enable_creation_date: true"))
    git("add", "-A")
    git("commit", "-q", "-m", "Mes notes")
    portfolio.build(strict=True)
    for page in ("recits/atelier/index.html", "competences/index.html", "chronologie/index.html"):
        assert portfolio.html(page).select(".git-revision-date-localized-plugin"), page


def test_cheminement_build_leaves_git_dates_out_of_its_history_less_copy(portfolio: Portfolio) -> None:
    """`cheminement build` builds a copy of the published part, which has no git history: the
    plugin used to stop there with a traceback (InvalidGitRepositoryError)."""
    subprocess.run(["git", "init", "-q"], cwd=portfolio.root, check=True)
    configure(portfolio, plugins("search", "cheminement", "git-revision-date-localized"))
    run = subprocess.run([str(Path(sys.executable).with_name("cheminement")), "build", "--strict"], cwd=portfolio.root,
                         capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    page = portfolio.html("recits/atelier/index.html")
    assert page.select_one("article h1") is not None
    assert not page.select(".git-revision-date-localized-plugin")


# -- Material's tags -------------------------------------------------------------------------


def test_tags_list_public_notes_only(portfolio: Portfolio) -> None:
    portfolio.write("journal/doutes.md", "---\ntitre: Mes doutes\ntags: [crise-CANARYT001]\n---\nPrivé.\n")
    portfolio.write("recits/cache.md", "---\ntitre: Caché\ndate: 2024\nvisibilite: prive\ntags: [entretien, secret-CANARYT002]\n"
                                       "---\nPrivé aussi.\n")
    portfolio.write("etiquettes.md", "---\ntitre: Étiquettes\n---\n# Étiquettes\n\n<!-- material/tags -->\n")
    configure(portfolio, plugins("search", "cheminement", "tags"))
    site = portfolio.build(strict=True)
    listing = portfolio.html("etiquettes/index.html").select_one("article")
    assert [" ".join(t.get_text().split()) for t in listing.select(".md-tag")] == ["entretien"]
    assert [a["href"] for a in listing.select("li a")] == ["../recits/premier-entretien/"]
    assert canaries_in(site) == set()
    exported = json.loads((site / "tags.json").read_text(encoding="utf-8"))
    assert "Caché" not in json.dumps(exported, ensure_ascii=False)


# -- Material's blog -------------------------------------------------------------------------

POST = "---\ndate: 2025-02-01\n---\n# Billet public\n\nBonjour <script>alert('CANARYB001')</script> le monde.\n\n<!-- more -->\n\nLa suite.\n"


def test_the_blog_works_beside_the_notes_without_private_posts(portfolio: Portfolio) -> None:
    portfolio.write("blog/index.md", "# Blog\n")
    portfolio.write("blog/posts/public.md", POST)
    portfolio.write("blog/posts/secret.md", "---\ndate: 2025-01-10\nvisibilite: prive\n---\n# Secret CANARYB002\n\nPrivé.\n")
    configure(portfolio, plugins("search", "cheminement", "blog"))
    site = portfolio.build()
    index = portfolio.html("blog/index.html").select_one("article")
    assert "Billet public" in index.get_text() and "La suite" not in index.get_text()  # the excerpt, cut at more
    assert canaries_in(site) == set()  # no private post, and the excerpt's script is gone
    assert (site / "recits" / "atelier" / "index.html").is_file() and (site / "competences" / "index.html").is_file()


@pytest.mark.parametrize("folder", [".", "recits", "journal", "Traces/billets"])
def test_a_blog_in_a_notes_folder_or_at_the_root_is_refused(portfolio: Portfolio, folder: str,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    configure(portfolio, plugins("search", "cheminement", f"blog:\n      blog_dir: '{folder}'"))
    before = sorted(p.relative_to(portfolio.docs) for p in portfolio.docs.rglob("*"))
    with caplog.at_level(logging.ERROR):
        refused(portfolio)
    assert "blog_dir: blog" in caplog.text
    assert sorted(p.relative_to(portfolio.docs) for p in portfolio.docs.rglob("*")) == before  # nothing written


# -- The reading handed to the engine (pagesource.py) ----------------------------------------


@pytest.mark.parametrize("head", [
    "",
    "---\n---\n",
    "---\n# un commentaire\n---\n",
    "---\ntitre: Oui\ndate: 2024-02-30\nmodele: yes\nvu: 2024-01-02 10:00\n---\n",
    "---\ntitre: \"Deux\\n---\\nlignes\"\nliste:\n  - '---'\n  - ...\n  - {a: [1, 2.5, null, true]}\nété: « ok »\n---\n",
    "---\ntitre: Bloc\nresume: |\n  ligne\n  ---\n  ...\n---\n",
])
def test_the_engine_splits_our_reading_where_we_did(head: str) -> None:
    raw = (head + "Attention: ceci est du texte.\n\n---\n\nSuite: aussi.\n").encode()
    ours = frontmatter.read(raw)
    assert isinstance(ours, frontmatter.Document)
    body, meta = get_data(pagesource.engine_source(raw) or "")
    assert body == ours.body.lstrip("\n")
    assert meta == ours.meta


def test_comments_go_and_directives_stay_where_they_are_directives() -> None:
    text = ("Avant <!-- note CANARYP001 --> après.\n\n<!-- material/tags { include: [a] } -->\n\n"
            "%% <!-- material/tags --> CANARYP002 %%\n\nAprès le commentaire.\n\n"
            "```\n<!-- material/tags --> %% dans le code %%\n```\n\n<!-- more -->\n")
    out = without_comments(text)
    assert "CANARY" not in out and "Après le commentaire." in out  # a directive in a comment goes with it
    assert out.count("<!-- material/tags") == 2  # the directive, and the one in code as written
    assert "%% dans le code %%" in out and "<!-- more -->" in out
    assert "<!-- custom/list -->" in without_comments("<!-- custom/list -->\n", ["custom/list"])
    assert "<!-- material/tags -->" not in without_comments("<!-- material/tags -->\n", [])
