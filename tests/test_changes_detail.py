""""Nouveautés" says what changed (#15): the date it compares with, and for each changed note
the sections added, rewritten or removed, the competences and levels claimed, the traces
linked; from git history, else from the previous build's manifest; published text only."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from kit import Portfolio

from cheminement import manifest
from cheminement.changes import Detail, describe
from cheminement.dates import PartialDate

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
OLD = {"GIT_AUTHOR_DATE": "2024-01-10T10:00:00", "GIT_COMMITTER_DATE": "2024-01-10T10:00:00", "PATH": "/usr/bin:/bin"}


def text(soup) -> str:
    return " ".join(soup.get_text(" ").split())


def commit(folio: Portfolio) -> None:
    """Everything committed on 10 January 2024, long before the `since` of the tests."""
    subprocess.run(["git", "init", "-q", str(folio.root)], check=True)
    subprocess.run([*GIT, "-C", str(folio.root), "add", "."], check=True)
    subprocess.run([*GIT, "-C", str(folio.root), "commit", "-qm", "old"], check=True, env=OLD)


def edit(folio: Portfolio, path: str, *pairs: tuple[str, str], append: str = "") -> None:
    note = folio.docs / path
    content = note.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in content, old
        content = content.replace(old, new)
    note.write_text(content + append, encoding="utf-8")


@pytest.fixture
def sectioned(portfolio: Portfolio) -> Portfolio:
    """A récit with three sections, and a second one to change only privately."""
    portfolio.write("recits/atelier.md", """
        ---
        titre: Co-animer un atelier
        date: 2025-03
        competences:
          ecoute-active: Application
          conception: 2
        ---
        Le contexte de l'atelier.

        ## Description

        Ce qui s'est passé.

        ## Analyse

        Ce que j'en comprends.

        ## Plan d'action

        Ce que je ferai.
    """)
    return portfolio


def change_everything(folio: Portfolio) -> None:
    edit(folio, "recits/atelier.md",
         ("ecoute-active: Application", "ecoute-active: Maîtrise"),  # a level changed
         ("  conception: 2\n", "  alliance: 2\n"),  # one competence withdrawn, one claimed
         ("date: 2025-03\n", "date: 2025-03\ntraces: [grille]\n"),  # a trace linked
         ("Ce que j'en comprends.", "Ce que j'en comprends, relu un an après."),  # rewritten
         ("## Plan d'action\n\nCe que je ferai.\n", ""),  # removed
         append="\n## Ce que je retiens\n\nUne partie nouvelle.\n")


def details(folio: Portfolio, title: str) -> list[str]:
    page = folio.html("nouveautes/index.html").select_one("article")
    card = next(li for li in page.select("section[aria-labelledby=modifiees] li.chm-change")
                if title in text(li.select_one(".chm-card__title")))
    return [text(li) for li in card.select("ul.chm-diff > li")]


EXPECTED = [
    "Partie ajoutée : « Ce que je retiens »",
    "Partie réécrite : « Analyse »",
    "Partie supprimée : « Plan d'action »",
    "Compétence revendiquée : Construire l'alliance (Application)",
    "Pratiquer l'écoute active : niveau passé de Application à Maîtrise",
    "Compétence retirée : Concevoir un dispositif",
    "Trace liée : Ma grille d'entretien",
]


def test_what_changed_from_git(sectioned: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    sectioned.write("recits/secret-puis-public.md", "---\ntitre: Devenu public\ndate: 2023\nvisibilite: prive\n---\n## TITRESECRET\n\nCANARYE01\n")
    commit(sectioned)
    change_everything(sectioned)
    # Only a comment: nothing a reader sees moved, so the note is not "changed".
    edit(sectioned, "recits/premier-entretien.md", append="\n%% CANARYE02 %%\n<!-- CANARYE03 -->\n")
    # Private then, public now: new to a reader, and its old text is never compared.
    sectioned.write("recits/secret-puis-public.md", "---\ntitre: Devenu public\ndate: 2023\nvisibilite: public\n---\nTexte public.\n")
    sectioned.write("recits/nouveau.md", "---\ntitre: Un récit nouveau\ndate: 2025-07\n---\nNeuf.\n")
    monkeypatch.setenv("CHEMINEMENT_DEPUIS", "2025-06-01")
    site = sectioned.build()
    page = sectioned.html("nouveautes/index.html").select_one("article")
    assert "depuis le 1er juin 2025" in text(page.select_one(".chm-lead"))
    new = [text(a) for a in page.select("section[aria-labelledby=nouvelles] .chm-card__title a")]
    assert sorted(new) == ["Devenu public", "Un récit nouveau"]
    # git tells new from changed apart: the heading says "changed", not "new or changed"
    assert text(page.select_one("#modifiees")) == "Notes modifiées (1)"
    assert details(sectioned, "Co-animer un atelier") == EXPECTED
    trace = page.select_one("ul.chm-diff a[href$='traces/grille/']")
    assert trace is not None
    published = "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*.html"))
    for canary in ("TITRESECRET", "CANARYE01", "CANARYE02", "CANARYE03"):
        assert canary not in published


def test_a_note_that_became_private_disappears(sectioned: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    commit(sectioned)
    edit(sectioned, "recits/atelier.md", ("date: 2025-03\n", "date: 2025-03\nvisibilite: prive\n"),
         append="\n## CANARYE04\n")
    monkeypatch.setenv("CHEMINEMENT_DEPUIS", "2025-06-01")
    site = sectioned.build()
    page = sectioned.html("nouveautes/index.html").select_one("article")
    assert "Co-animer" not in text(page) and text(page).endswith("Rien de nouveau depuis.")
    assert "CANARYE04" not in (site / "nouveautes" / "index.html").read_text(encoding="utf-8")


def test_what_changed_from_the_previous_manifest(sectioned: Portfolio, tmp_path: Path) -> None:
    before = sectioned.build(site_dir=str(tmp_path / "avant"))
    recorded = json.loads((before / manifest.FILENAME).read_text(encoding="utf-8"))["files"]["recits/atelier.md"]
    assert list(recorded["sections"]) == ["", "Description", "Analyse", "Plan d'action"]
    assert recorded["competences"] == {"conception": 2, "ecoute-active": 2}
    change_everything(sectioned)
    sectioned.configure(options=f"depuis: {before}")
    sectioned.build()
    assert details(sectioned, "Co-animer un atelier") == EXPECTED
    lead = text(sectioned.html("nouveautes/index.html").select_one(".chm-lead"))
    # The previous build wrote its date into its manifest: the lead names that publication.
    published = PartialDate.parse(dt.date.today().isoformat()).display("fr")
    assert lead == f"Les notes publiées ajoutées ou modifiées depuis la publication du {published}."


def test_an_old_manifest_gives_changed_without_detail(sectioned: Portfolio, tmp_path: Path) -> None:
    before = sectioned.build(site_dir=str(tmp_path / "avant"))
    data = json.loads((before / manifest.FILENAME).read_text(encoding="utf-8"))
    for entry in data["files"].values():  # as a build before #15 wrote it
        for key in ("sections", "competences", "traces", "meta"):
            entry.pop(key, None)
    data["date"] = "2025-05-04"  # a newer manifest says when it was built
    old = tmp_path / "ancien.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    change_everything(sectioned)
    sectioned.configure(options=f"depuis: {old}")
    sectioned.build()
    page = sectioned.html("nouveautes/index.html").select_one("article")
    assert text(page.select_one(".chm-lead")) == "Les notes publiées ajoutées ou modifiées depuis la publication du 4 mai 2025."
    assert [text(a) for a in page.select("#modifiees + ol .chm-card__title a")] == ["Co-animer un atelier"]
    assert page.select("ul.chm-diff") == []


def test_the_manifest_keeps_published_text_only(portfolio: Portfolio) -> None:
    portfolio.write("recits/pub.md", "---\ntitre: Public\ndate: 2024\n---\n## Avant\n\nTexte %% CANARYE05 %%\n<!--\n## CANARYE06\n-->\n```\n## pas un titre\n```\n")
    site = portfolio.build()
    data = json.loads((site / manifest.FILENAME).read_text(encoding="utf-8"))
    entry = data["files"]["recits/pub.md"]
    assert list(entry["sections"]) == ["Avant"]
    assert "CANARYE" not in json.dumps(data)


def test_sections_by_heading() -> None:
    body = "Intro\n\n## Un ##\n\ntexte\nsur deux lignes\n\n### Sous-titre\n\n## Deux {#deux}\n\n```\n## code\n```\n## Un\n\nbis\n"
    found = manifest.sections(body)
    assert [heading for heading, _ in found] == ["", "Un", "Deux", "Un (2)"]
    rewrapped = manifest.sections(body.replace("texte\nsur deux lignes", "texte sur\ndeux   lignes"))
    assert rewrapped == found  # re-wrapping a paragraph rewrites nothing
    split = manifest.sections(body.replace("texte\nsur deux lignes", "texte\n\nsur deux lignes"))
    assert split[1] != found[1]  # a paragraph split does


def test_describe_and_old_records() -> None:
    before = {"hash": "a", "sections": {"": "1", "A": "2"}, "competences": {"x": 1}, "meta": "m"}
    after = {"hash": "b", "sections": {"": "1", "A": "3", "B": "4"}, "competences": {"x": 2, "y": None}, "meta": "m",
             "traces": ["t"]}
    assert describe(before, after) == Detail(added=["B"], rewritten=["A"], claimed={"y": None},
                                             levels={"x": (1, 2)}, traces=["t"])
    assert describe({"hash": "a"}, after) is None


@pytest.mark.parametrize("entry", [
    {"hash": "a", "sections": ["x"]},
    {"hash": "a", "sections": {"x": 1}},
    {"hash": "a", "competences": {"x": "2"}},
    {"hash": "a", "competences": {"x": True}},
    {"hash": "a", "traces": "t"},
    {"hash": "a", "meta": 3},
])
def test_a_malformed_detail_is_refused(entry: dict) -> None:
    with pytest.raises(manifest.ManifestError):
        manifest.validate({"format": 1, "files": {"recits/a.md": entry}})


def test_a_malformed_date_is_refused() -> None:
    with pytest.raises(manifest.ManifestError):
        manifest.validate({"format": 1, "date": "hier", "files": {}})
    assert manifest.built_on(manifest.validate({"format": 1, "date": "2025-05-04", "files": {}})).isoformat() == "2025-05-04"
