"""The generated home page: the learner's profile, their own text where they chose, featured
and latest notes; and what every page carries (our footer, valid table-of-contents markup,
full width on generated pages)."""

from __future__ import annotations

import logging
import struct
import zlib
from pathlib import Path

import pytest
from kit import Portfolio
from mkdocs.exceptions import Abort
from sitecheck import broken_links

from cheminement import learner

PROFILE = """\
---
profil:
  nom: Claire Moreau
  accroche: Conseillère en bilan de compétences
  photo: images/moi.png
  formation:
    intitule: Master Ingénierie de la formation
    rncp: RNCP35912
  contact: claire@exemple.fr
  resume: Vingt ans de vente, puis l'accompagnement.
---

# Portfolio de test

Mon texte d'accueil.
"""


def png() -> bytes:
    """A real 1x1 PNG, so that the photo is a picture file."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b""))


def with_photo(folio: Portfolio, path: str = "images/moi.png") -> None:
    target = folio.docs / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(png())


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def home(folio: Portfolio):
    return folio.html("index.html").select_one("article.md-content__inner")


def errors_of(folio: Portfolio, caplog: pytest.LogCaptureFixture) -> str:
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        folio.build()
    return "\n".join(r.getMessage() for r in caplog.records)


def test_profile_from_the_home_page_front_matter(portfolio: Portfolio) -> None:
    portfolio.write("index.md", PROFILE)
    with_photo(portfolio)
    site = portfolio.build(strict=True)
    page = home(portfolio)
    hero = page.select_one(".chm-hero")
    assert text(hero.select_one("h1")) == "Claire Moreau"
    assert len(page.select("h1")) == 1  # the learner's own "# Portfolio de test" gives way to the name
    assert "Conseillère en bilan de compétences" in text(hero)
    photo = hero.select_one("img.chm-hero__photo")
    assert (site / photo["src"]).is_file() and "Claire Moreau" in photo["alt"]
    rncp = hero.find("a", href="https://www.francecompetences.fr/recherche/rncp/35912/")
    assert rncp is not None and "Master Ingénierie de la formation" in text(hero)
    assert hero.find("a", href="mailto:claire@exemple.fr").get_text() == "claire@exemple.fr"
    assert "Vingt ans de vente" in text(hero)
    assert "Mon texte d'accueil." in text(page)
    assert portfolio.html("index.html").title.get_text().startswith("Claire Moreau")
    assert broken_links(site) == []


def test_profile_from_mkdocs_yml_with_the_home_page_winning_key_by_key(portfolio: Portfolio) -> None:
    portfolio.configure("""\
        profil:
          nom: Nom de la configuration
          accroche: Accroche de la configuration
          contact: https://exemple.fr/moi
        """)
    portfolio.write("index.md", "---\nprofil:\n  nom: Nom de la page\n---\n# Accueil\n")
    portfolio.build(strict=True)
    hero = home(portfolio).select_one(".chm-hero")
    assert text(hero.select_one("h1")) == "Nom de la page"
    assert "Accroche de la configuration" in text(hero)
    assert hero.find("a", href="https://exemple.fr/moi") is not None


@pytest.mark.parametrize(("profile", "expected"), [
    ("  contact: pas une adresse\n", ["index.md:3", "pas une adresse", "prenom.nom@exemple.fr"]),
    ("  photo: https://exemple.fr/moi.jpg\n", ["index.md:3", "autre site"]),
    ("  photo: ../../moi.png\n", ["index.md:3", "en dehors du portfolio"]),
    ("  photo: images/absente.png\n", ["index.md:3", "introuvable"]),
    ("  photo: notes.md\n", ["index.md:3", "n'est pas une image"]),
    ("  formation: [a, b]\n", ["index.md:3", "intitule"]),
    ("  nom: [a, b]\n", ["index.md:3", "doit être un texte"]),
])
def test_a_wrong_profile_value_fails_naming_file_line_and_fix(portfolio: Portfolio, caplog, profile, expected) -> None:
    portfolio.write("index.md", "---\nprofil:\n" + profile + "---\n# Accueil\n")
    logged = errors_of(portfolio, caplog)
    for part in expected:
        assert part in logged


def test_a_misspelt_profile_key_is_a_warning_with_a_suggestion(portfolio: Portfolio, caplog) -> None:
    portfolio.write("index.md", "---\nprofil:\n  nom: Claire\n  acroche: Conseillère\n---\n# Accueil\n")
    with caplog.at_level(logging.WARNING):
        portfolio.build()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "index.md:4" in logged and "acroche" in logged and "accroche" in logged
    with pytest.raises(Abort):
        portfolio.build(strict=True)


def test_a_photo_that_is_not_published_fails_the_build(portfolio: Portfolio, caplog) -> None:
    with_photo(portfolio, "journal/moi.png")
    portfolio.write("index.md", "---\nprofil:\n  nom: Claire\n  photo: journal/moi.png\n---\n# Accueil\n")
    logged = errors_of(portfolio, caplog)
    assert "journal/moi.png" in logged and "n'est pas publiée" in logged
    assert not (portfolio.root / "site" / "journal").exists()


def test_a_private_home_page_gives_no_profile(portfolio: Portfolio) -> None:
    portfolio.write("index.md", "---\nvisibilite: prive\nprofil:\n  nom: Nom Secret\n  resume: Résumé secret\n---\n# Secret\n")
    site = portfolio.build(strict=True)
    for page in site.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".json", ".xml"):
            content = page.read_text(encoding="utf-8")
            assert "Nom Secret" not in content and "Résumé secret" not in content, page
    # The home page is generated all the same, named after the site.
    assert text(home(portfolio).select_one("h1")) == "Portfolio de test"


def test_without_a_home_page_one_is_generated(portfolio: Portfolio) -> None:
    (portfolio.docs / "index.md").unlink()
    site = portfolio.build(strict=True)
    page = home(portfolio)
    assert text(page.select_one("h1")) == "Portfolio de test"
    assert page.select_one("#accueil-recent") is not None
    assert broken_links(site) == []


def test_profile_values_are_escaped(portfolio: Portfolio) -> None:
    portfolio.write("index.md", '---\nprofil:\n  nom: "<script>alert(1)</script>"\n  accroche: "<b>gras</b>"\n---\n')
    portfolio.build()
    raw = (portfolio.site / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in raw and "<b>gras</b>" not in raw
    assert text(home(portfolio).select_one("h1")) == "<script>alert(1)</script>"


def test_featured_and_latest_notes(portfolio: Portfolio) -> None:
    portfolio.write("recits/une.md", "---\ntitre: Récit à la une\ndate: 2020\na_la_une: true\n---\nTexte.\n")
    portfolio.write("recits/cache.md", "---\ntitre: Récit privé à la une\ndate: 2026\na_la_une: true\nvisibilite: prive\n---\n")
    for month in range(1, 9):
        portfolio.write(f"recits/r{month}.md", f"---\ntitre: Récit {month}\ndate: 2031-0{month}\n---\n")
    portfolio.build(strict=True)
    page = home(portfolio)
    featured = page.select_one("#accueil-a-la-une").find_parent("section")
    assert [text(a) for a in featured.select(".chm-card__title a")] == ["Récit à la une"]
    latest = [text(a) for a in page.select("ul.chm-latest a")]
    assert latest[:3] == ["Récit 8", "Récit 7", "Récit 6"] and len(latest) == 6
    assert "Récit à la une" not in latest
    assert "Récit privé à la une" not in text(page)


def test_a_la_une_must_be_true_or_false(portfolio: Portfolio, caplog) -> None:
    portfolio.write("recits/une.md", "---\ntitre: Une\ndate: 2020\na_la_une: oui\n---\n")
    logged = errors_of(portfolio, caplog)
    assert "recits/une.md:4" in logged and "a_la_une" in logged


@pytest.mark.parametrize("place", ["fin", "debut"])
def test_the_learner_chooses_where_their_text_goes(portfolio: Portfolio, place: str) -> None:
    portfolio.configure(f"texte_accueil: {place}")
    portfolio.write("index.md", "---\nprofil:\n  nom: Claire\n---\n# Mon titre\n\nMon texte d'accueil.\n")
    portfolio.build(strict=True)
    page = home(portfolio)
    order = text(page)
    own, latest = order.index("Mon texte d'accueil."), order.index("Dernières notes")
    assert (own > latest) if place == "fin" else (own < order.index("Claire"))
    assert len(page.select("h1")) == 1
    assert text(page.select_one("h1")) == ("Claire" if place == "fin" else "Mon titre")


def test_the_home_page_can_stay_the_learners_own(portfolio: Portfolio) -> None:
    portfolio.configure("accueil: false")
    portfolio.build(strict=True)
    page = home(portfolio)
    assert page.select_one(".chm-hero") is None and "Bienvenue." in text(page)


def test_english_labels(portfolio: Portfolio) -> None:
    portfolio.configure("langue: en")
    portfolio.build(strict=True)
    assert "Latest notes" in text(home(portfolio))


# -- What every page carries ---------------------------------------------------------------


def test_no_framework_credit_and_the_learners_own_footer(portfolio: Portfolio) -> None:
    portfolio.configure(extra="copyright: Claire Moreau, 2026\n")
    site = portfolio.build(strict=True)
    for page in site.rglob("*.html"):
        content = page.read_text(encoding="utf-8")
        assert "Made with" not in content and "squidfunk" not in content, page
    assert "Claire Moreau, 2026" in text(portfolio.html("recits/atelier/index.html").select_one(".md-copyright"))


def test_table_of_contents_labels_point_at_a_checkbox_that_exists(portfolio: Portfolio) -> None:
    portfolio.write("recits/long.md", "---\ntitre: Long\ndate: 2024\n---\n## Un\n\nA\n\n## Deux\n\nB\n")
    site = portfolio.build(strict=True)
    checked = 0
    for page in site.rglob("*.html"):
        soup = portfolio.html(str(page.relative_to(site)))
        for label in soup.select("label[for]"):
            assert soup.find(id=label["for"]) is not None, (page, label)
            checked += 1
    assert checked
    note = portfolio.html("recits/long/index.html")
    assert note.select_one(".md-nav--secondary .md-nav__title").get_text(strip=True)


def test_generated_pages_use_the_whole_width(portfolio: Portfolio) -> None:
    portfolio.build(strict=True)
    for path in ("index.html", "competences/index.html", "chronologie/index.html"):
        soup = portfolio.html(path)
        assert soup.select_one(".md-sidebar--primary").has_attr("hidden"), path
        assert soup.select_one(".md-sidebar--secondary").has_attr("hidden"), path
        assert soup.select_one(".md-tabs") is not None, path  # the sections stay one click away
    assert not portfolio.html("recits/atelier/index.html").select_one(".md-sidebar--secondary").has_attr("hidden")


def test_institutions_pass_the_profile_through_the_allow_list(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: X\nplugins:\n  - cheminement:\n      texte_accueil: fin\n      accueil: true\n"
        "      profil: {nom: Claire, formation: {intitule: Master, rncp: RNCP35912}}\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    read = learner.read_learner(tmp_path, "fr")
    assert read.options["profil"] == {"nom": "Claire", "formation": {"intitule": "Master", "rncp": "RNCP35912"}}
    assert read.options["texte_accueil"] == "fin" and read.options["accueil"] is True


def test_a_hand_written_nav_without_tabs_stays_beside_generated_pages(portfolio: Portfolio) -> None:
    portfolio.configure(extra="nav:\n  - index.md\n  - competences/index.md\n  - chronologie.md\n")
    portfolio.build(strict=True)
    for path in ("index.html", "competences/index.html"):
        soup = portfolio.html(path)
        assert not soup.select_one(".md-sidebar--primary").has_attr("hidden"), path
        assert soup.select_one(".md-sidebar--secondary").has_attr("hidden"), path
        assert soup.select_one(".md-tabs") is None, path


def test_text_first_without_a_heading_still_gives_the_page_one_title(portfolio: Portfolio) -> None:
    portfolio.configure("texte_accueil: debut")
    portfolio.write("index.md", "---\nprofil:\n  nom: Claire\n---\nMon texte, sans titre.\n")
    portfolio.build(strict=True)
    page = home(portfolio)
    assert [text(h) for h in page.select("h1")] == ["Claire"]
    assert text(page).count("Claire") == 1  # the name once: no stand-in title from the theme
