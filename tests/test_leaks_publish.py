"""Leaks through the publication split, the stage and the manifest (publish, stage, manifest, audit).

Each test builds a portfolio for real (`mkdocs build`, and `cheminement build` where the stage
matters) and searches every byte written for canaries; each has a control showing that the
same portfolio does carry the secret, or that the rule does not hide what is public.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import Portfolio
from test_privacy import canaries_in
from test_stage import cheminement, plain_build

from cheminement import audit, frontmatter
from cheminement.check import analyse
from cheminement.cli import main
from cheminement.publish import Publication, Reason, publish
from cheminement.settings import Settings


def private_reasons(folio: Portfolio) -> dict[str, str]:
    """What `cheminement publication --format json` keeps private, with the reason."""
    result = CliRunner().invoke(main, ["publication", str(folio.root / "mkdocs.yml"), "--format", "json"])
    return json.loads(result.output)["private"]


def staged_build(folio: Portfolio) -> tuple[Path, Path]:
    """`cheminement build` with its stage kept: (stage, site)."""
    stage, site = folio.root / "scene", folio.root / "public"
    result = cheminement("build", str(folio.root), "--stage", str(stage), "-d", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    return stage, site


def write_journal(folio: Portfolio) -> None:
    folio.write("journal/carnet.md", """
        ---
        titre: Carnet CANARYL001
        ---
        Mes doutes CANARYL002, écrits pour moi seule.
    """)
    (folio.docs / "journal" / "croquis.png").write_bytes(b"\x89PNG CANARYL003")


# -- 1. Two names for one file ------------------------------------------------------------------


def test_a_link_to_a_private_folder_or_note_publishes_nothing_in_any_mode(portfolio: Portfolio) -> None:
    write_journal(portfolio)
    os.symlink("journal", portfolio.docs / "archives")
    os.symlink("journal/carnet.md", portfolio.docs / "lien.md")
    os.link(portfolio.docs / "journal" / "croquis.png", portfolio.docs / "recits" / "croquis-bis.png")
    # Control: without our filter every name publishes the journal.
    assert {"CANARYL002", "CANARYL003"} <= canaries_in(plain_build(portfolio.docs, portfolio.root / "plain"))
    assert canaries_in(portfolio.build()) == set()
    stage, site = staged_build(portfolio)
    assert canaries_in(stage) == set() and canaries_in(site) == set()
    reasons = private_reasons(portfolio)
    for alias in ("archives/carnet.md", "archives/croquis.png", "lien.md", "recits/croquis-bis.png"):
        assert reasons[alias] == Reason.ALIAS, alias
    assert reasons["journal/carnet.md"] == Reason.FOLDER


def test_a_link_to_a_note_marked_private_is_private_and_public_aliases_stay(portfolio: Portfolio) -> None:
    portfolio.write("recits/secret.md", "---\ntitre: Secret CANARYL004\ndate: 2024\nvisibilite: prive\n---\nTexte.\n")
    os.symlink("secret.md", portfolio.docs / "recits" / "copie.md")  # same front matter: private anyway
    os.symlink("atelier.md", portfolio.docs / "recits" / "atelier-bis.md")  # control: public to public
    (portfolio.docs / "traces" / "bis.pdf").symlink_to("grille.pdf")
    (portfolio.docs / "journal" / "grille.pdf").symlink_to("../traces/grille.pdf")
    site = portfolio.build()
    assert canaries_in(site) == set()
    assert (site / "recits" / "atelier" / "index.html").is_file() and (site / "traces" / "grille.pdf").is_file()
    reasons = private_reasons(portfolio)
    assert reasons["recits/copie.md"] == Reason.DECLARED
    assert "recits/atelier.md" not in reasons and "recits/atelier-bis.md" not in reasons
    assert "traces/grille.pdf" not in reasons  # a public trace's file, also named in journal/
    assert reasons["journal/grille.pdf"] == Reason.FOLDER
    # A name no public note shows, of a file that also has a private name: fail closed.
    assert reasons["traces/bis.pdf"] == Reason.ALIAS


def test_a_public_note_linked_from_the_journal_stays_private_with_it(portfolio: Portfolio) -> None:
    """Two names, one private: the file is private (fail closed), under both names."""
    portfolio.write("recits/ambigu.md", "---\ntitre: Ambigu\ndate: 2024\n---\nTexte CANARYL005.\n")
    (portfolio.docs / "journal" / "ambigu.md").symlink_to("../recits/ambigu.md")
    site = portfolio.build()
    assert canaries_in(site) == set()
    assert private_reasons(portfolio)["recits/ambigu.md"] == Reason.ALIAS
    (portfolio.docs / "journal" / "ambigu.md").unlink()  # control: alone, it is published
    assert "CANARYL005" in canaries_in(portfolio.build())


# -- 2. Which files a note uses -------------------------------------------------------------------


def test_a_file_named_in_a_public_comment_or_code_sample_stays_private(portfolio: Portfolio) -> None:
    portfolio.write("recits/public-a.md", """
        ---
        titre: Public A
        date: 2024-01
        ---
        Texte public.

        <!-- ancienne version : ![](photo-client.png) -->

        ```markdown
        Exemple de syntaxe : ![légende](scan-lettre.pdf)
        ```

        Ou en ligne : `<img src="fiche.png">`.
    """)
    portfolio.write("recits/prive.md", """
        ---
        titre: Privé
        date: 2024-02
        visibilite: prive
        ---
        ![](photo-client.png) [lettre](scan-lettre.pdf) <img src="fiche.png">
    """)
    for name, canary in (("photo-client.png", b"CANARYA001"), ("scan-lettre.pdf", b"CANARYA002"), ("fiche.png", b"CANARYA003")):
        (portfolio.docs / "recits" / name).write_bytes(b"bytes " + canary)
    (portfolio.docs / "recits" / "vue.png").write_bytes(b"PNG CANARYA004")
    portfolio.write("recits/montre.md", "---\ntitre: Montre\ndate: 2024\n---\n![vue](vue.png)\n")
    portfolio.write("recits/cache.md", "---\ntitre: Cache\ndate: 2024\nvisibilite: prive\n---\n![vue](vue.png)\n")
    site = portfolio.build()
    # Control: a file a public note really shows is published, even if a private note uses it.
    assert canaries_in(site) == {"CANARYA004"}
    stage, staged_site = staged_build(portfolio)
    assert canaries_in(stage) == canaries_in(staged_site) == {"CANARYA004"}


def test_a_file_a_private_note_names_in_another_spelling_stays_private(portfolio: Portfolio) -> None:
    decomposed = unicodedata.normalize("NFD", "bilan-été.png")
    portfolio.write("recits/secret.md", """
        ---
        titre: S
        date: 2024-02
        visibilite: prive
        ---
        A: ![photo](bilan-été.png)
        B: ![scan](Scan-Client.PNG)
        C: <img src="fiche&#45;client.png">
        D: <img src=&quot;x&quot; data-x="lettre&period;pdf">
        E: ![f](<./sous dossier/Mon%20Fichier.pdf>)
        %% F: rapport\\_final.pdf %%
    """)
    files = {decomposed: b"CANARYM001", "scan-client.png": b"CANARYM002", "fiche-client.png": b"CANARYM003",
             "lettre.pdf": b"CANARYM004", "sous dossier/Mon Fichier.pdf": b"CANARYM005",
             "rapport_final.pdf": b"CANARYM006", "libre.png": b"CANARYM007"}
    for name, canary in files.items():
        (portfolio.docs / "recits" / name).parent.mkdir(parents=True, exist_ok=True)
        (portfolio.docs / "recits" / name).write_bytes(b"bytes " + canary)
    # Control: a file nobody names is published, as before.
    assert canaries_in(portfolio.build()) == {"CANARYM007"}
    reasons = private_reasons(portfolio)
    assert reasons["recits/scan-client.png"] == Reason.PRIVATE_ONLY and reasons["recits/rapport_final.pdf"] == Reason.PRIVATE_ONLY


def _published_anyway(folio: Portfolio, asset: str) -> tuple[Path, Publication, Settings]:
    """A filter gone wrong: `asset` published although private; its site, as MkDocs would copy it."""
    settings = Settings(docs_dir=folio.docs)
    report = analyse(settings)
    publication = publish(report.portfolio, settings)
    assert asset in publication.private  # the filter itself is right
    del publication.private[asset]
    publication.public.assets.append(asset)
    site = folio.root / "fake-site"
    (site / asset).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folio.docs / asset, site / asset)
    return site, publication, settings


@pytest.mark.parametrize("asset", ["recits/scan-client.png", "journal/croquis.png"])
def test_the_audit_finds_private_bytes_the_filter_would_have_published(portfolio: Portfolio, asset: str) -> None:
    """The audit does not trust the filter: it compares bytes with the files private notes name."""
    write_journal(portfolio)
    portfolio.write("recits/secret.md", "---\ntitre: S\ndate: 2024\nvisibilite: prive\n---\n![](Scan&#45;Client.PNG)\n")
    (portfolio.docs / "recits" / "scan-client.png").write_bytes(b"PNG scan")
    site, publication, settings = _published_anyway(portfolio, asset)
    report = analyse(settings)
    for given in (settings, None):  # the private folders told, or inferred from the publication
        leaks = audit.scan(site, audit.canaries(report.portfolio, publication, portfolio.docs, given))
        assert [(leak.site_file, leak.canary.what) for leak in leaks] == [(asset, "file")]
    # Control: the same bytes, shown by a public note, are no leak.
    portfolio.write("recits/montre.md", f"---\ntitre: Montre\ndate: 2024\n---\n![](../{asset})\n")
    report = analyse(settings)
    assert audit.scan(site, audit.canaries(report.portfolio, publish(report.portfolio, settings), portfolio.docs, settings)) == []


# -- 3. The stage names no private note and builds what mkdocs builds ---------------------------------


def write_references_to_private_notes(folio: Portfolio) -> None:
    folio.write("recits/pub.md", """
        ---
        titre: Public
        date: 2024-01-05
        parcours: [emploi-secret, master]
        traces: [trace-secrete]
        competences: [ecoute-active, competence-cachee]
        resume: "Non"
        ---
        Texte public.
    """)
    folio.write("parcours/emploi-secret.md", "---\ntitre: Emploi CANARYS001\ndebut: 2020\nvisibilite: prive\n---\n")
    folio.write("traces/trace-secrete.md", "---\ntitre: Trace CANARYS002\nlien: https://example.org/x\ndraft: true\n---\n")
    folio.write("competences/competence-cachee.md", """
        ---
        titre: Compétence CANARYS003
        domaine: relation
        visibilite: prive
        ---
    """)
    folio.write("retours/r1.md", """
        ---
        auteur: Coach
        date: 2024-03
        sur: emploi-secret
        visibilite: public
        ---
        Bien vu CANARYS004.
    """)


def test_the_stage_names_no_private_note_and_builds_like_mkdocs(portfolio: Portfolio) -> None:
    write_references_to_private_notes(portfolio)
    # Control: the source names the private notes.
    source = (portfolio.docs / "recits" / "pub.md").read_text(encoding="utf-8")
    assert "emploi-secret" in source and "trace-secrete" in source and "competence-cachee" in source
    direct = portfolio.build()
    assert canaries_in(direct) == set()
    stage, site = staged_build(portfolio)  # failed: "aucune note parcours n'a cet identifiant"
    assert canaries_in(stage) == set() and canaries_in(site) == set()
    staged = (stage / "docs" / "recits" / "pub.md").read_text(encoding="utf-8")
    for name in ("emploi-secret", "trace-secrete", "competence-cachee"):
        assert name not in staged
    assert not (stage / "docs" / "retours").exists()
    for page in ("recits/pub/index.html", "parcours/master/index.html"):
        assert (direct / page).read_bytes() == (site / page).read_bytes(), page


def test_the_staged_front_matter_reads_back_as_the_source_less_private_ids(portfolio: Portfolio) -> None:
    write_references_to_private_notes(portfolio)
    stage, _ = staged_build(portfolio)
    before = frontmatter.read((portfolio.docs / "recits" / "pub.md").read_bytes())
    after = frontmatter.read((stage / "docs" / "recits" / "pub.md").read_bytes())
    assert isinstance(before, frontmatter.Document) and isinstance(after, frontmatter.Document)
    expected = dict(before.meta, parcours=["master"], competences=["ecoute-active"])
    del expected["traces"]
    assert after.meta == expected
    assert after.meta["date"] == "2024-01-05" and after.meta["resume"] == "Non"  # strings stay strings
    assert after.body_line == before.body_line  # problems in the stage name the learner's lines


def test_feedback_about_a_private_note_is_private_in_every_mode(portfolio: Portfolio) -> None:
    write_references_to_private_notes(portfolio)
    assert private_reasons(portfolio)["retours/r1.md"] == Reason.ABOUT_PRIVATE
    portfolio.configure(options="publication: explicite")
    assert private_reasons(portfolio)["retours/r1.md"] == Reason.ABOUT_PRIVATE
    assert canaries_in(portfolio.build()) == set()
    # Control: feedback about a public note, marked public, is published.
    portfolio.configure()
    portfolio.write("retours/r2.md", "---\nauteur: Coach\ndate: 2024-03\nsur: atelier\nvisibilite: public\n---\nBravo CANARYS005.\n")
    assert "CANARYS005" in canaries_in(portfolio.build())


# -- 4. The stage's reference library -------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".bib", ".json"])
def test_the_stage_library_holds_only_works_public_notes_cite(portfolio: Portfolio, suffix: str) -> None:
    works = {"publickey": "Accompagnement", "privatekey": "Divorcer CANARYB001", "commentkey": "Burn-out CANARYB002"}
    if suffix == ".bib":
        library = "\n".join(f"@book{{{key}, author={{Paul, Maela}}, title={{{title}}}, year={{2009}}, publisher={{Z}}}}"
                            for key, title in works.items())
    else:
        library = json.dumps([{"id": key, "type": "book", "title": title, "author": [{"family": "Paul", "given": "Maela"}],
                               "issued": {"date-parts": [[2009]]}} for key, title in works.items()])
    (portfolio.root / f"biblio{suffix}").write_text(library, encoding="utf-8")
    portfolio.configure(options=f"bibliographie: biblio{suffix}")
    portfolio.write("recits/lu.md", "---\ntitre: Lu\ndate: 2024\n---\nLu [@publickey].\n\n<!-- et [@commentkey] -->\n")
    portfolio.write("recits/lu-prive.md", "---\ntitre: Lu en privé\ndate: 2024\nvisibilite: prive\n---\nLu [@privatekey].\n")
    assert {"CANARYB001", "CANARYB002"} <= canaries_in(portfolio.root)  # control: the source library has them
    stage, site = staged_build(portfolio)
    assert canaries_in(stage) == set() and canaries_in(site) == set()
    staged = next(stage.glob("bibliographie.*")).read_text(encoding="utf-8")
    assert "publickey" in staged and "privatekey" not in staged and "commentkey" not in staged
    direct = portfolio.build()
    assert (direct / "bibliographie" / "index.html").read_bytes() == (site / "bibliographie" / "index.html").read_bytes()


# -- 5. The manifest hashes what is published -----------------------------------------------------


def manifest_of(site: Path) -> dict[str, dict[str, str]]:
    return json.loads((site / "cheminement-manifeste.json").read_text(encoding="utf-8"))["files"]


def test_the_manifest_is_no_oracle_for_a_comment(portfolio: Portfolio, tmp_path: Path) -> None:
    note = portfolio.write("recits/pub.md", """
        ---
        titre: Public
        date: 2024-01
        ---
        Texte public. %% le client s'appelle Dupont %% <!-- rendez-vous Durand -->
    """)
    first = portfolio.build(site_dir=str(tmp_path / "avant"))
    published = manifest_of(first)["recits/pub.md"]["hash"]
    # The oracle: hashing guesses of the source bytes confirmed the hidden name.
    assert hashlib.sha256(note.read_bytes()).hexdigest()[:16] != published
    note.write_text(note.read_text(encoding="utf-8").replace("Dupont", "Martin").replace("Durand", "Petit"), encoding="utf-8")
    portfolio.configure(options=f"depuis: {first}")
    second = portfolio.build()
    assert manifest_of(second)["recits/pub.md"]["hash"] == published
    changes = portfolio.html("nouveautes/index.html").select_one("article")
    assert "Public" not in [a.get_text(strip=True) for a in changes.select(".chm-card__title a")]
    # Control: a change a reader can see does change the hash.
    note.write_text(note.read_text(encoding="utf-8").replace("Texte public.", "Texte public, revu."), encoding="utf-8")
    assert manifest_of(portfolio.build(site_dir=str(tmp_path / "apres")))["recits/pub.md"]["hash"] != published


def test_the_manifest_is_the_same_through_the_stage(portfolio: Portfolio) -> None:
    write_references_to_private_notes(portfolio)
    portfolio.write("recits/liens.md", "---\ntitre: Liens\ndate: 2024\n---\nVoir [[emploi-secret|un emploi]] et [[atelier]].\n%% note %%\n")
    direct = manifest_of(portfolio.build())
    _, site = staged_build(portfolio)
    assert manifest_of(site) == direct
    assert "retours/r1.md" not in direct
