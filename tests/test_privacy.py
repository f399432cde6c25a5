"""Private notes never leave the learner's machine, whatever the build mode.

Canary strings are planted in every private note's title, summary, front-matter values,
body and attached files; after each build we search every byte written (or served) for them.
A control build without the plugin must find them, so these tests can fail.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from kit import Portfolio
from serving import MkDocsServe, crawl, fetch, wait_for
from sitecheck import broken_links

from cheminement.cli import main

CANARY = re.compile(rb"CANARY[0-9A-Z]{4}")


def plant(folio: Portfolio) -> None:
    """Private notes of every kind and channel, each carrying its own canaries."""
    folio.write("recits/recit-secret.md", """
        ---
        titre: Sylvie CANARYT001
        date: 2023-01-05
        visibilite: prive
        resume: Le jour où CANARYR002 a pleuré
        personne: Sylvie Martin CANARYV003
        competences:
          ecoute-active: Expertise
        parcours: master
        traces: [trace-secrete]
        ---
        Elle m'a confié CANARYB004 et je n'ai rien dit pendant longtemps.

        ![photo](photo-secrete.png)

        <!-- commentaire CANARYH005 -->
    """)
    (folio.docs / "recits" / "photo-secrete.png").write_bytes(b"\x89PNG fake CANARYP006")
    folio.write("traces/trace-secrete.md", """
        ---
        titre: Compte rendu CANARYT007
        date: 2024-06
        draft: true
        fichier: compte-rendu.pdf
        competences:
          conception: Expertise
        description: Notes de supervision CANARYD008
        ---
    """)
    (folio.docs / "traces" / "compte-rendu.pdf").write_bytes(b"%PDF-1.4 CANARYF009")
    folio.write("parcours/poste-cache.md", """
        ---
        titre: Poste que je tais CANARYT010
        debut: 2019
        fin: 2020
        visibilite: privé
        organisation: Entreprise CANARYO011
        competences: [evaluation]
        ---
    """)
    folio.write("journal/carnet.md", """
        ---
        titre: Carnet CANARYT012
        ---
        Mes doutes CANARYB013 sur cette reconversion, écrits pour moi seule.

        ![croquis](croquis.jpg)
    """)
    (folio.docs / "journal" / "croquis.jpg").write_bytes(b"\xff\xd8 CANARYJ014")
    folio.write("competences/alliance.md", """
        ---
        visibilite: private
        niveau: 1
        ---
        Ce que je n'ose pas écrire CANARYC015 sur l'alliance.
    """)
    # A public note that points at private ones in every way a learner might.
    folio.write("recits/public.md", """
        ---
        titre: Un récit public
        date: 2025-06
        competences: [ecoute-active]
        ---
        Je repense à [[recit-secret|une séance difficile]], à [[poste-cache]]
        et à [cet autre texte](recit-secret.md), ainsi qu'au [[carnet]].
    """)


def canaries_in(site: Path) -> set[str]:
    found: set[str] = set()
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            found.update(m.decode() for m in CANARY.findall(data))
    return found


@pytest.fixture
def secret(portfolio: Portfolio) -> Portfolio:
    plant(portfolio)
    return portfolio


def assert_no_leak(folio: Portfolio, site: Path) -> None:
    assert canaries_in(site) == set()
    result = CliRunner().invoke(main, ["audit", str(site), "--portfolio", str(folio.root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    assert "Aucune fuite" in result.output


def test_control_without_the_plugin_leaks(secret: Portfolio) -> None:
    """Without Cheminement, MkDocs publishes everything: the canaries are found."""
    secret.configure(extra="")
    (secret.root / "mkdocs.yml").write_text(
        "site_name: Sans plugin\ndocs_dir: docs\ntheme: {name: material}\nplugins: [search]\n", encoding="utf-8"
    )
    site = secret.build()
    assert {"CANARYB004", "CANARYF009", "CANARYB013", "CANARYJ014"} <= canaries_in(site)
    secret.configure()  # the audit reads the portfolio's rules from the plugin's config
    result = CliRunner().invoke(main, ["audit", str(site), "--portfolio", str(secret.root / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "recits/recit-secret.md" in result.output and "traces/compte-rendu.pdf" in result.output


@pytest.mark.parametrize("directory_urls", [True, False])
def test_build_publishes_nothing_private(secret: Portfolio, directory_urls: bool) -> None:
    site = secret.build(use_directory_urls=directory_urls)
    assert_no_leak(secret, site)
    assert broken_links(site) == []
    assert not (site / "journal").exists()
    assert not (site / "recits" / "photo-secrete.png").exists()


def test_private_notes_leave_no_trace_in_views(secret: Portfolio) -> None:
    secret.build()
    index = secret.html("competences/index.html")
    row = next(r for r in index.select("tbody tr") if "écoute" in r.th.get_text())
    # Only public notes count: 3 récits, 1 trace, 1 parcours (the private récit is not one).
    evidence = row.find_all("td")[4]
    assert " ".join(evidence.summary.get_text().split()).startswith("3 récits, 1 trace, 1 parcours")
    assert len(evidence.select("li")) == 5
    evaluation = next(r for r in index.select("tbody tr") if "Évaluer" in r.th.get_text())
    assert "—" in evaluation.find_all("td")[4].get_text()  # the private parcours does not count
    assert "sans élément" in evaluation.find_all("td")[0].get_text()
    conception = secret.html("competences/conception/index.html")
    assert "Expertise" not in " ".join(t.get_text() for t in conception.select("ol.chm-chart__text li"))
    alliance = secret.html("competences/alliance/index.html")
    assert alliance.select_one("#en-mes-mots") is None
    master = secret.html("parcours/master/index.html").select_one("section.chm-cited")
    assert [a.get_text() for a in master.select("a")] == ["Mon premier entretien"]
    public = secret.html("recits/public/index.html").select_one("article")
    paragraph = " ".join(public.select_one("p").get_text().split())
    assert paragraph.startswith("Je repense à une séance difficile, à poste-cache et à cet autre texte")
    hrefs = [a.get("href", "") for a in public.select("p a")]
    assert not any("secret" in h or "cache" in h or "carnet" in h for h in hrefs)
    manifest = json.loads((secret.site / "cheminement-manifeste.json").read_text(encoding="utf-8"))
    assert "recits/public.md" in manifest["files"]
    assert not any("secret" in path or "journal" in path for path in manifest["files"])


def test_visitors_are_respected(secret: Portfolio) -> None:
    site = secret.build()
    for path in site.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        robots = soup.find("meta", attrs={"name": "robots"})
        assert robots is not None and "noindex" in robots["content"], path
        for tag in soup.find_all(["link", "script", "img"]):
            url = tag.get("href") or tag.get("src") or ""
            assert not urlsplit(url).netloc, f"{path}: third-party {url}"


def test_indexing_and_third_parties_only_when_asked(portfolio: Portfolio) -> None:
    portfolio.configure(options="indexation: true\nservices_tiers: true")
    site = portfolio.build()
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "lxml")
    assert soup.find("meta", attrs={"name": "robots"}) is None
    assert any("fonts.googleapis.com" in (link.get("href") or "") for link in soup.find_all("link"))


def test_dirty_build_removes_a_note_made_private(portfolio: Portfolio) -> None:
    site = portfolio.build()
    assert (site / "recits" / "atelier" / "index.html").is_file()
    note = portfolio.docs / "recits" / "atelier.md"
    note.write_text(note.read_text(encoding="utf-8").replace("modele: kolb", "modele: kolb\nvisibilite: prive\nresume: CANARYZ016"), encoding="utf-8")
    site = portfolio.build(dirty=True)
    assert not (site / "recits" / "atelier").exists()
    assert canaries_in(site) == set()
    listing = portfolio.html("recits/index.html")
    assert "Co-animer un atelier" not in listing.get_text()


def test_dirty_build_of_the_planted_portfolio(secret: Portfolio) -> None:
    secret.build()
    site = secret.build(dirty=True)
    assert_no_leak(secret, site)


def test_private_preview_only_when_serving_and_asked(secret: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHEMINEMENT_APERCU_PRIVE", "1")
    site = secret.build()  # `mkdocs build` ignores the preview, even when asked
    assert canaries_in(site) == set()
    site = secret.build(command="serve")
    page = secret.html("recits/recit-secret/index.html")
    assert "Privé — non publié" in page.select_one(".chm-private-banner").get_text()
    listing = secret.html("recits/index.html")
    assert "privé — non publié" in listing.get_text()


def test_publication_lists_private_notes_with_reasons_and_changes(secret: Portfolio) -> None:
    site = secret.build()
    secret.write("recits/nouveau.md", "---\ntitre: Nouveau\ndate: 2026\n---\n")
    result = CliRunner().invoke(main, ["publication", str(secret.root / "mkdocs.yml"), "--depuis", str(site)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "recits/recit-secret.md  —  marqué privé" in out
    assert "journal/carnet.md  —  dans un dossier privé" in out
    assert "journal/croquis.jpg  —  utilisé seulement par des notes privées" in out
    assert "traces/compte-rendu.pdf  —  utilisé seulement par des notes privées" in out
    assert "1 nouveau(x), 0 modifié(s), 0 retiré(s)" in out and "+ recits/nouveau.md" in out
    data = json.loads(CliRunner().invoke(main, ["publication", str(secret.root), "--format", "json"]).output)
    assert data["private"]["parcours/poste-cache.md"] == "declared"


def test_explicit_publication_mode(portfolio: Portfolio) -> None:
    portfolio.configure(options="publication: explicite")
    portfolio.write("recits/choisi.md", "---\ntitre: Choisi\ndate: 2024\nvisibilite: public\n---\n")
    site = portfolio.build()
    assert (site / "recits" / "choisi" / "index.html").is_file()
    assert not (site / "recits" / "atelier").exists()
    assert (site / "index.html").is_file()  # ordinary pages stay published


def test_public_note_citing_a_private_trace_warns(secret: Portfolio) -> None:
    secret.write("recits/cite.md", "---\ntitre: Cite\ndate: 2024\ntraces: [trace-secrete]\n---\n")
    result = CliRunner().invoke(main, ["check", str(secret.root / "mkdocs.yml")])
    assert "recits/cite.md" in result.output and "trace privée « trace-secrete »" in result.output
    assert result.exit_code == 0


# -- A real `mkdocs serve`, before and after an edit ------------------------------------------


def test_serve_never_serves_private_content(secret: Portfolio) -> None:
    with MkDocsServe(secret.root / "mkdocs.yml") as server:
        base = server.base
        wait_for(base + "chronologie/", "Un récit public".encode())
        for round_ in ("before", "after"):
            pages = crawl(base)
            assert len(pages) > 10
            leaked = {url: CANARY.findall(body) for url, body in pages.items() if CANARY.search(body)}
            assert leaked == {}, round_
            for private in ("recits/recit-secret/", "journal/carnet/", "traces/compte-rendu.pdf",
                            "parcours/poste-cache/", "recits/photo-secrete.png"):
                status, body = fetch(base + private)
                assert status == 404 and not CANARY.search(body), (round_, private)
            if round_ == "before":
                note = secret.docs / "recits" / "public.md"
                note.write_text(note.read_text(encoding="utf-8").replace("Un récit public", "Un récit public modifié"), encoding="utf-8")
                secret.write("recits/recit-secret.md", (secret.docs / "recits" / "recit-secret.md").read_text(encoding="utf-8") + "\nAjout CANARYE017.\n")
                wait_for(base + "chronologie/", "Un récit public modifié".encode())
        assert "CANARY" not in server.log


def test_shipped_config_keeps_the_journal_out_even_without_the_plugin(tmp_path: Path) -> None:
    from kit import ROOT

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "exclude_docs" in config and "journal/" in config
    without_plugin = re.sub(r"  - cheminement:?\n(?:      .*\n)*", "", config)
    assert without_plugin != config
    folio = Portfolio(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(without_plugin.replace("docs_dir: content", f"docs_dir: {ROOT / 'content'}"), encoding="utf-8")
    site = folio.build(site_dir=str(tmp_path / "site"))
    assert (site / "index.html").is_file()
    assert not (site / "journal").exists()
    assert b"CANARY-PRIVATE-JOURNAL" not in b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())


def test_audit_ignores_a_private_file_identical_to_a_public_one(portfolio: Portfolio) -> None:
    shutil.copy(portfolio.docs / "traces" / "grille.pdf", portfolio.docs / "journal" / "copie.pdf")
    portfolio.write("journal/doutes.md", "---\ntitre: Mes doutes\n---\nUn carnet privé.\n\n[copie](copie.pdf)\n")
    site = portfolio.build()
    result = CliRunner().invoke(main, ["audit", str(site), "--portfolio", str(portfolio.root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output


def test_reference_links_and_raw_html_to_private_files_are_redacted(secret: Portfolio) -> None:
    secret.write("recits/renvois.md", """
        ---
        titre: Renvois
        date: 2025-07
        ---
        Une [référence][r] et <a href="recit-secret.md">un lien HTML</a>.

        [r]: recit-secret.md
    """)
    site = secret.build()
    page = secret.html("recits/renvois/index.html").select_one("article")
    assert "Une référence et un lien HTML." in " ".join(page.get_text().split())
    assert not any("secret" in a.get("href", "") for a in page.find_all("a"))
    assert canaries_in(site) == set()


def test_a_file_a_public_note_shows_is_published(secret: Portfolio) -> None:
    """The rule is about use: a file only private notes use stays private, not one a public note shows."""
    (secret.docs / "journal" / "croquis-public.png").write_bytes(b"\x89PNG croquis")
    secret.write("recits/croquis.md", "---\ntitre: Croquis\ndate: 2025\n---\n<img src=\"../journal/croquis-public.png\" alt=\"croquis\">\n")
    site = secret.build()
    assert (site / "journal" / "croquis-public.png").is_file()
    assert not (site / "journal" / "croquis.jpg").exists()
