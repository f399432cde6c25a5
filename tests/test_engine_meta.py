"""Every front-matter value that reaches the theme's HTML is escaped or checked.

Material's templates have no autoescape and print `page.meta` values raw (title, meta
description and author, subtitle, status in a class, tags in the search index, icon in an
include path, template as the file that renders the page). The plugin replaces MkDocs's
`page.meta` with engine_meta.build()'s: allowlisted keys, text escaped, the rest checked.
Each build test has a control: the same front matter through MkDocs and Material alone.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from kit import Portfolio
from mkdocs.exceptions import Abort

from cheminement import engine_meta
from cheminement.check import analyse
from cheminement.settings import Settings

PLAIN_MKDOCS = """\
site_name: Sans Cheminement
docs_dir: docs
theme:
  name: material
  language: fr
plugins:
  - search
"""

SCRIPT = "<script>window.__pwned = 1; alert(1)</script>"
IMG = '<img src=x onerror="window.__pwned = 1; alert(2)">'
QUOTE = '"><script>window.__pwned = 1</script>'

HOSTILE_NOTE = f"""\
---
titre: 'Titre {IMG} chmtitre'
date: 2024
description: '{QUOTE}'
tags: ['chmtag {IMG}', "l'écoute & {SCRIPT}"]
auteur: '{QUOTE}'
subtitle: '{SCRIPT}'
status: new
icon: material/school
template: main.html
hide: [toc]
revision_date: '{SCRIPT}'
location: 'javascript:alert(3)'
---
Corps du récit hostile.
"""

HOSTILE_PAGE = f"""\
---
title: 'Page {SCRIPT}'
author: '{QUOTE}'
description: '{IMG}'
tags: ['{SCRIPT}']
git_revision_date_localized: '{SCRIPT}'
---
Texte de la page.
"""

HOSTILE_COMPETENCE = f"""\
---
description: '{QUOTE}'
subtitle: '{IMG}'
---
Mes mots sur l'écoute.
"""


def write_hostile(folio: Portfolio) -> None:
    folio.write("recits/hostile.md", HOSTILE_NOTE)
    folio.write("apropos.md", HOSTILE_PAGE)
    folio.write("competences/ecoute-active.md", HOSTILE_COMPETENCE)


def plain_build(folio: Portfolio, tmp_path: Path) -> Path:
    root = tmp_path / "sans-cheminement"
    shutil.copytree(folio.docs, root / "docs")
    (root / "mkdocs.yml").write_text(PLAIN_MKDOCS, encoding="utf-8")
    return Portfolio(root).build()


def injected(soup: BeautifulSoup) -> list[str]:
    """Elements a payload above would have created: scripts and event handlers of ours."""
    found = [str(s) for s in soup.find_all("script") if "__pwned" in (s.string or "") or "alert(" in (s.string or "")]
    found += [str(t) for t in soup.find_all(True) if any(a.startswith("on") and "__pwned" in str(v) for a, v in t.attrs.items())]
    return found


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def meta_content(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find("meta", attrs={"name": name})
    return tag.get("content") if tag else None


# -- The function itself ------------------------------------------------------------------------


def test_text_is_escaped_for_the_places_material_prints_it() -> None:
    meta, findings = engine_meta.build(
        {"description": QUOTE, "auteur": QUOTE, "tags": [IMG, "l'écoute"], "subtitle": SCRIPT, "categories": [SCRIPT]},
        title=f"Titre {IMG}",
    )
    assert findings == []
    assert meta["title"] == "Titre &lt;img src=x onerror=\"window.__pwned = 1; alert(2)\"&gt;"
    assert meta["description"] == meta["author"] == "&quot;&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt;"
    assert meta["tags"] == ["&lt;img src=x onerror=\"window.__pwned = 1; alert(2)\"&gt;", "l'écoute"]
    assert "<" not in meta["subtitle"] and "<" not in meta["categories"][0]


def test_only_keys_engines_read_are_passed_on() -> None:
    meta, findings = engine_meta.build({"revision_date": SCRIPT, "location": "javascript:x", "titre": "T",
                                        "visibilite": "public", "competences": ["a"], "git_revision_date_localized": SCRIPT})
    assert meta == {} and findings == []


@pytest.mark.parametrize(
    ("meta", "kept"),
    [
        ({"template": "main.html"}, {"template": "main.html"}),
        ({"icon": "material/school"}, {"icon": "material/school"}),
        ({"status": "new"}, {"status": "new"}),
        ({"hide": ["toc", "navigation"]}, {"hide": ["toc", "navigation"]}),
        ({"hide": "toc"}, {"hide": ["toc"]}),
        ({"search": {"exclude": True, "boost": 2}}, {"search": {"exclude": True, "boost": 2}}),
        ({"comments": False}, {"comments": False}),
        ({"social": {"cards": False}}, {"social": {"cards": False}}),
        ({"authors": ["claire-martin"]}, {"authors": ["claire-martin"]}),
        ({"slug": "mon-article"}, {"slug": "mon-article"}),
        ({"readtime": 4}, {"readtime": 4}),
        ({"render_macros": False}, {"render_macros": False}),
    ],
)
def test_valid_engine_values_are_kept(meta: dict[str, Any], kept: dict[str, Any]) -> None:
    assert engine_meta.build(meta) == (kept, [])


@pytest.mark.parametrize(
    ("meta", "code"),
    [
        ({"template": "redirect.html"}, "engine-template"),  # prints `location` into a script
        ({"template": "blog-post.html"}, "engine-template"),  # crashes MkDocs on an ordinary page
        ({"template": "../../../etc/passwd"}, "engine-template"),
        ({"template": ["main.html"]}, "engine-template"),
        ({"icon": "../base"}, "engine-value"),
        ({"icon": "material/school\" onload=\"x"}, "engine-value"),
        ({"icon": "material/n-existe-pas-du-tout"}, "engine-icon-unknown"),
        ({"status": f'new {QUOTE}'}, "engine-value"),
        ({"status": ["new"]}, "engine-value"),
        ({"hide": ["nav"]}, "unknown-choice"),
        ({"hide": {"toc": True}}, "bad-type"),
        ({"search": {"exclude": "oui"}}, "bad-bool"),
        ({"search": {"boost": SCRIPT}}, "engine-value"),
        ({"search": {"exlude": True}}, "unknown-choice"),
        ({"search": "exclude"}, "bad-type"),
        ({"social": {"cards_layout": "../../x"}}, "unknown-choice"),
        ({"comments": "true"}, "bad-bool"),
        ({"authors": [QUOTE]}, "engine-value"),
        ({"slug": "a b"}, "engine-value"),
        ({"links": [f"x{QUOTE}"]}, "engine-value"),
        ({"readtime": "5 min"}, "engine-value"),
        ({"description": ["a", "b"]}, "bad-type"),
        ({"subtitle": {"a": 1}}, "bad-type"),
        ({"tags": {"a": 1}}, "bad-type"),
    ],
)
def test_invalid_engine_values_are_refused(meta: dict[str, Any], code: str) -> None:
    if code == "engine-icon-unknown" and engine_meta.material_icons() is None:
        pytest.skip("Material is not installed")
    kept, findings = engine_meta.build(meta)
    key = next(iter(meta))
    assert key not in kept or (key in ("search",) and kept.get("search") != meta["search"])
    assert [f.code for f in findings] == [code]
    assert findings[0].where[0] == key
    assert findings[0].severity == "error"


def test_did_you_mean_for_templates_and_hide() -> None:
    _, findings = engine_meta.build({"template": "mian.html", "hide": ["navigaton"]})
    guesses = [dict(f.fixes)["did-you-mean"]["guess"] for f in findings]
    assert guesses == ["main.html", "navigation"]


# -- Problems with file and line -------------------------------------------------------------


def test_check_reports_each_invalid_engine_value_on_its_line(portfolio: Portfolio) -> None:
    portfolio.write("recits/moteur.md", f"""\
        ---
        titre: Moteur
        date: 2024
        template: redirect.html
        icon: ../../base
        status: '{QUOTE}'
        hide:
          - toc
          - nav
        search: {{exclude: oui}}
        ---
        """)
    report = analyse(Settings(docs_dir=portfolio.docs))
    found = {(p.code, p.line) for p in report.errors if p.file == "recits/moteur.md"}
    assert found == {("engine-template", 4), ("engine-value", 5), ("engine-value", 6), ("unknown-choice", 9), ("bad-bool", 10)}
    assert all(p.suggestion("fr") and p.suggestion("en") for p in report.errors)


def test_a_bad_type_read_twice_is_reported_once(portfolio: Portfolio) -> None:
    portfolio.write("traces/double.md", "---\ntitre: T\nlien: https://example.org\ndescription: [a, b]\n---\n")
    report = analyse(Settings(docs_dir=portfolio.docs))
    assert [(p.code, p.line) for p in report.problems if p.file == "traces/double.md"] == [("bad-type", 4)]


def test_the_build_refuses_a_dangerous_template(portfolio: Portfolio, tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write("apropos.md", "---\ntemplate: redirect.html\nlocation: 'javascript:window.__pwned=1'\n---\n# À propos\n")
    control = plain_build(portfolio, tmp_path)
    assert "javascript:window.__pwned=1" in (control / "apropos" / "index.html").read_text(encoding="utf-8")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "apropos.md:2" in "\n".join(r.getMessage() for r in caplog.records)


# -- Built sites ----------------------------------------------------------------------------------


@pytest.fixture
def hostile_site(portfolio: Portfolio) -> Portfolio:
    write_hostile(portfolio)
    portfolio.build()
    return portfolio


def test_control_material_alone_prints_the_payloads_raw(portfolio: Portfolio, tmp_path: Path) -> None:
    write_hostile(portfolio)
    site = plain_build(portfolio, tmp_path)
    note = soup_of(site / "recits" / "hostile" / "index.html")
    page = soup_of(site / "apropos" / "index.html")
    assert injected(note) and injected(page)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(IMG in tag for doc in index["docs"] for tag in doc.get("tags", []))


def test_no_payload_becomes_markup_on_any_page(hostile_site: Portfolio) -> None:
    pages = list(hostile_site.pages())
    assert len(pages) > 10
    for path in pages:
        assert injected(soup_of(path)) == [], path


def test_values_are_shown_as_the_learner_wrote_them(hostile_site: Portfolio) -> None:
    note = hostile_site.html("recits/hostile/index.html")
    assert meta_content(note, "description") == QUOTE
    assert meta_content(note, "author") == QUOTE
    assert note.title.get_text().startswith(f"Titre {IMG} chmtitre")
    assert "revision_date" not in str(note) and SCRIPT not in str(note)
    page = hostile_site.html("apropos/index.html")
    assert meta_content(page, "author") == QUOTE and meta_content(page, "description") == IMG
    assert page.title.get_text().startswith(f"Page {SCRIPT}")
    competence = hostile_site.html("competences/ecoute-active/index.html")
    assert meta_content(competence, "description") == QUOTE


def test_the_search_index_holds_escaped_text(hostile_site: Portfolio) -> None:
    index = json.loads((hostile_site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = {doc["location"]: doc for doc in index["docs"]}
    note = docs["recits/hostile/"]
    assert note["tags"] == [
        "chmtag &lt;img src=x onerror=\"window.__pwned = 1; alert(2)\"&gt;",
        "l'écoute &amp; &lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;",
    ]
    assert "<" not in note["title"] and "chmtitre" in note["title"]
    assert docs["apropos/"]["tags"] == ["&lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;"]
    for doc in index["docs"]:
        for tag in doc.get("tags", []):
            assert "<" not in tag


def test_a_page_without_fences_keeps_its_multimarkdown_lines_as_text(portfolio: Portfolio, tmp_path: Path) -> None:
    """MkDocs reads `key: value` lines at the top of a file without `---` as metadata."""
    portfolio.write("apropos.md", "template: redirect.html\nlocation: javascript:window.__pwned=1\n\n# À propos\n")
    control = plain_build(portfolio, tmp_path)
    assert "javascript:window.__pwned=1" in (control / "apropos" / "index.html").read_text(encoding="utf-8")
    portfolio.build()
    page = portfolio.html("apropos/index.html")
    assert page.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert not [s for s in page.find_all("script") if "window.location.replace" in (s.string or "")]
