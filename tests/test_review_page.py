"""The coach's review page (#15): every competence with its status, levels, evidence in place
and earlier feedback, plus what changed since the last review; and the last review's date,
from a public retour with `relecture: true`, as the next "since"."""

from __future__ import annotations

import subprocess

import pytest
from kit import Portfolio
from sitecheck import broken_links

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
OLD = {"GIT_AUTHOR_DATE": "2024-01-10T10:00:00", "GIT_COMMITTER_DATE": "2024-01-10T10:00:00", "PATH": "/usr/bin:/bin"}


def text(soup) -> str:
    return " ".join(soup.get_text(" ").split())


@pytest.fixture
def reviewing(portfolio: Portfolio) -> Portfolio:
    """`relecture` on; a public retour that ends a review on 2 April 2025, a private one later."""
    portfolio.configure(options="relecture: true")
    portfolio.write("retours/atelier-marie.md", """
        ---
        auteur: Marie Dupont
        date: 2025-04-02
        sur: atelier
        visibilite: public
        relecture: true
        competences:
          ecoute-active: validée
        ---
        Très beau récit.
    """)
    portfolio.write("retours/prive.md", """
        ---
        auteur: Marie Dupont
        date: 2025-09-17
        sur: premier-entretien
        relecture: true
        ---
        Retour privé CANARYR01.
    """)
    return portfolio


def competence(page, cid: str):
    return page.select_one(f"article.chm-review__competence[aria-labelledby=relecture-{cid}]")


def test_every_competence_with_its_evidence_in_place(reviewing: Portfolio) -> None:
    site = reviewing.build()
    page = reviewing.html("relecture/index.html").select_one("article")
    domains = [text(h) for h in page.select(".chm-review__domain > h3")]
    assert domains == ["Relation", "Ingénierie"]
    titles = [text(h) for h in page.select("article.chm-review__competence h4")]
    assert titles == ["Pratiquer l'écoute active", "Construire l'alliance", "Concevoir un dispositif", "Évaluer"]
    ecoute = competence(page, "ecoute-active")
    assert text(ecoute.select_one(".chm-status")) == "✔ validée"
    levels = dict(zip((text(dt) for dt in ecoute.select("dt")), (text(dd) for dd in ecoute.select("dd")), strict=True))
    assert levels == {"Niveau estimé": "Maîtrise (niveau 3 sur 4)", "Objectif": "Expertise (niveau 4 sur 4)",
                      "Dernier niveau démontré": "Maîtrise (niveau 3 sur 4)"}
    evidence = [text(li) for li in ecoute.select("ol.chm-review__evidence > li")]
    # outside git, file times cannot tell a new note from a changed one: all are flagged so
    flagged = "nouveau ou modifié"
    assert evidence[0] == f"Récit Co-animer un atelier {flagged} mars 2025 Niveau démontré : Maîtrise (niveau 3 sur 4)"
    assert f"Trace Ma grille d'entretien {flagged} janvier 2022" in evidence
    links = [a["href"] for a in ecoute.select("ol.chm-review__evidence a")]
    assert "../recits/atelier/" in links and "../traces/grille/" in links
    feedback = ecoute.select("ul.chm-review__feedback > li")
    assert [text(li) for li in feedback] == [f"{flagged} ✔ validée · Retour de Marie Dupont · 2 avril 2025"]
    assert feedback[0].a["href"] == "../retours/atelier-marie/"
    evaluation = competence(page, "evaluation")
    assert "Aucune note publiée ne l'étaye encore." in text(evaluation)
    assert "Aucun retour pour l'instant." in text(evaluation)
    html = (site / "relecture" / "index.html").read_text(encoding="utf-8")
    assert "CANARYR01" not in html
    ids = [tag["id"] for tag in reviewing.html("relecture/index.html").find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert broken_links(site) == []


def test_the_last_public_review_is_the_next_since(reviewing: Portfolio) -> None:
    site = reviewing.build()
    lead = text(reviewing.html("nouveautes/index.html").select_one(".chm-lead"))
    # the private retour of 17 September does not count: its date never reaches the site
    assert lead == ("Les notes publiées ajoutées ou modifiées depuis la dernière relecture, "
                    "le 2 avril 2025 (Marie Dupont).")
    review = reviewing.html("relecture/index.html").select_one("section.chm-review__changes")
    assert "depuis la dernière relecture, le 2 avril 2025 (Marie Dupont)" in text(review)
    published = "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*.html"))
    assert "17 septembre 2025" not in published


def test_a_since_option_wins_over_the_last_review(reviewing: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHEMINEMENT_DEPUIS", "2025-06-01")
    reviewing.build()
    assert "depuis le 1er juin 2025" in text(reviewing.html("nouveautes/index.html").select_one(".chm-lead"))


def test_before_any_review(portfolio: Portfolio) -> None:
    portfolio.configure(options="relecture: true")
    site = portfolio.build()
    section = portfolio.html("relecture/index.html").select_one("section.chm-review__changes")
    assert "Aucune relecture n'est encore marquée comme terminée" in text(section)
    assert not (site / "nouveautes").exists()  # nothing to compare with: no "Nouveautés"


def test_what_changed_since_the_review_from_git(reviewing: Portfolio) -> None:
    subprocess.run(["git", "init", "-q", str(reviewing.root)], check=True)
    subprocess.run([*GIT, "-C", str(reviewing.root), "add", "."], check=True)
    subprocess.run([*GIT, "-C", str(reviewing.root), "commit", "-qm", "old"], check=True, env=OLD)
    note = reviewing.docs / "recits" / "premier-entretien.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n## Un an après\n\nRelu.\n", encoding="utf-8")
    reviewing.build()
    page = reviewing.html("relecture/index.html").select_one("article")
    changes = page.select_one("section.chm-review__changes")
    rows = [text(li) for li in changes.select("li.chm-change-row")]
    assert rows == ["Récit Mon premier entretien 9 février 2022 Partie ajoutée : « Un an après »"]
    # in place too: the evidence the coach has not seen yet is flagged
    flagged = [text(li.select_one(".chm-review__title")) for li in page.select("ol.chm-review__evidence > li")
               if li.select_one(".chm-review__flag")]
    assert set(flagged) == {"Mon premier entretien modifié"}


def test_no_review_page_without_relecture(portfolio: Portfolio) -> None:
    site = portfolio.build()
    assert not (site / "relecture").exists()
