"""`cheminement export docx`: the VAE dossier as a Word document, read back with python-docx.

The dossier follows the référentiel (blocs, then competences), tells the learner's public
récits under their competences, never holds a word of a private note (paragraphs, tables,
header, footer and every XML part of the zip), and renders Markdown as Word's own styles.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result
from docx.document import Document
from docx.text.paragraph import Paragraph
from kit import ROOT, Portfolio, with_private_canaries
from lxml import etree

from cheminement.cli import main

CANARY = "CANARI-PRIVE-4412"
HEADINGS = ("Heading 1", "Heading 2")


def export(folder: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["export", *args, str(folder)], prog_name="cheminement")


def dossier(folder: Path, tmp_path: Path, *args: str) -> tuple[Document, bytes]:
    target = tmp_path / "dossier.docx"
    result = export(folder, "docx", "--sortie", str(target), *args)
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    return docx.Document(io.BytesIO(data)), data


def texts(document: Document) -> list[str]:
    """Every piece of text a reader could see: body, table cells, headers and footers."""
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        found += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            found += [p.text for p in part.paragraphs]
    return found


def raw_xml(data: bytes) -> str:
    """Every part of the zip as text: properties, settings, numbering, relationships too."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def section_of(document: Document, heading: str, level: str = "Heading 2") -> list[str]:
    """The paragraphs from a heading up to the next heading of the same or a higher level."""
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.style.name == level and p.text == heading)
    stops = {"Heading 1", level}
    end = next((i for i in range(start + 1, len(paragraphs)) if paragraphs[i].style.name in stops), len(paragraphs))
    return [p.text for p in paragraphs[start + 1:end]]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, bytes]:
    return dossier(ROOT, tmp_path_factory.mktemp("sample"))


def test_sample_follows_the_referentiel(sample: tuple[Document, bytes], tmp_path: Path) -> None:
    document, _ = sample
    result = export(ROOT, "json")
    assert result.exit_code == 0, result.output
    referentiel = json.loads(result.output)["referentiel"]
    expected = []
    for domain in referentiel["domaines"]:
        expected.append(("Heading 1", domain["titre"]))
        expected += [("Heading 2", c["titre"]) for c in domain["competences"]]
    shown = [(p.style.name, p.text) for p in document.paragraphs if p.style.name in HEADINGS]
    assert shown[-2:] == [("Heading 1", "Références bibliographiques"), ("Heading 1", "Annexe : parcours")]
    assert shown[:-2] == expected


def test_sample_citations_in_apa_with_their_references(sample: tuple[Document, bytes]) -> None:
    document, _ = sample
    shown = texts(document)
    assert any("l'ouvrage de Vermersch (Vermersch, 2019, Chapitre 3)" in text for text in shown)
    assert not any("[@" in text for text in shown)
    start = shown.index("Références bibliographiques")
    references = shown[start + 1:shown.index("Annexe : parcours")]
    assert references == sorted(references)  # APA: by author
    assert any(text.startswith("Vermersch, P. (2019). L'entretien d'explicitation") for text in references)


def test_sample_tells_a_recit_under_its_competence(sample: tuple[Document, bytes]) -> None:
    document, _ = sample
    under = section_of(document, "Pratiquer l'écoute active")
    assert "Mon premier entretien préliminaire" in under
    assert any(text.startswith("Cinq semaines après mon arrivée chez Trajectoires Conseil") for text in under)
    # Told in full once; its other competences point at it.
    ethics = section_of(document, "Agir dans un cadre éthique et déontologique")
    assert "« Mon premier entretien préliminaire » : récit décrit sous « Pratiquer l'écoute active »." in ethics
    everything = texts(document)
    assert sum(text.startswith("Cinq semaines après mon arrivée") for text in everything) == 1


def test_sample_has_title_page_contents_and_annex(sample: tuple[Document, bytes]) -> None:
    document, data = sample
    start = [p.text for p in document.paragraphs[:8]]
    assert start[0] == "Dossier de validation des acquis de l'expérience"
    assert "Claire Moreau" in start
    assert "Certification visée : Master Ingénierie et conseil en formation (RNCP35912)" in start
    xml = raw_xml(data)
    assert 'TOC \\o "1-3" \\h \\z \\u' in xml
    assert '<w:updateFields w:val="true"/>' in xml
    assert 'w:lang w:val="fr-FR"' in xml
    annex = document.tables[-1]
    assert [c.text for c in annex.rows[0].cells] == ["Période", "Intitulé", "Organisation", "Lieu", "Type"]
    assert annex.rows[1].cells[1].text.startswith("Commerciale terrain")
    assert document.core_properties.author == "Claire Moreau"
    assert "python-docx" not in xml


def test_sample_has_no_private_note(sample: tuple[Document, bytes]) -> None:
    document, data = sample
    private = ["Les larmes de Sylvie", "Mme R.", "CANARY-PRIVATE-JOURNAL", "Doutes d'octobre", "Dimanche soir"]
    visible = "\n".join(texts(document))
    xml = raw_xml(data)
    for words in private:
        assert words not in visible
        assert words not in xml
        assert words.replace("'", "&apos;") not in xml


def test_sample_embeds_a_public_trace_image(sample: tuple[Document, bytes]) -> None:
    document, _ = sample
    assert len(document.inline_shapes) == 1  # carte-mentale-atelier.png; the PDFs are named
    assert any("fichier attestation-fpa.pdf" in text for text in texts(document))


def test_zip_is_a_valid_word_file(sample: tuple[Document, bytes], tmp_path: Path) -> None:
    document, data = sample
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        for name in names:
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))
    assert {"[Content_Types].xml", "word/document.xml", "word/styles.xml", "word/numbering.xml"} <= set(names)
    body = document.element.body
    assert body[-1].tag.endswith("}sectPr")  # last, as Word requires (the footer hangs on it)
    assert document.sections[0].footer.paragraphs[0].text.startswith("Claire Moreau — ")
    again = io.BytesIO()
    document.save(again)
    assert texts(docx.Document(io.BytesIO(again.getvalue()))) == texts(document)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office:
        (tmp_path / "dossier.docx").write_bytes(data)
        subprocess.run([office, "--headless", "--convert-to", "txt", "--outdir", str(tmp_path), str(tmp_path / "dossier.docx")],
                       check=True, capture_output=True, timeout=120)
        assert "Pratiquer l'écoute active" in (tmp_path / "dossier.txt").read_text(encoding="utf-8-sig")


@pytest.fixture
def secretive(portfolio: Portfolio) -> Portfolio:
    """The base portfolio with a canary in every kind of private content."""
    return with_private_canaries(portfolio, CANARY)


def test_private_content_never_reaches_the_dossier(secretive: Portfolio, tmp_path: Path) -> None:
    document, data = dossier(secretive.root, tmp_path)
    assert "Un récit public" in texts(document)
    under = section_of(document, "Construire l'alliance")
    assert any("Contexte : Commerciale, Acme" in text for text in under)  # the public parcours only
    assert "Voir le récit caché et cache." in texts(document)  # as the site publishes it: links to text
    assert "Emploi caché" not in "\n".join(texts(document))
    assert CANARY not in "\n".join(texts(document))
    assert CANARY not in raw_xml(data)


def test_competence_without_evidence_says_so(portfolio: Portfolio, tmp_path: Path) -> None:
    document, _ = dossier(portfolio.root, tmp_path)
    nothing = "Aucune preuve pour l'instant : ni récit, ni trace, ni parcours ne se rattache à cette compétence."
    assert nothing in section_of(document, "Évaluer")
    assert nothing not in section_of(document, "Construire l'alliance")  # a récit told elsewhere supports it
    for heading in [p.text for p in document.paragraphs if p.style.name == "Heading 2"]:
        under = section_of(document, heading)
        assert nothing in under or "Activités décrites" in under or "Preuves" in under, heading


def test_dates_and_labels_in_english(portfolio: Portfolio, tmp_path: Path) -> None:
    french, _ = dossier(portfolio.root, tmp_path)
    english, data = dossier(portfolio.root, tmp_path, "--langue", "en")
    assert any(text.startswith("Date : mars 2025") for text in section_of(french, "Pratiquer l'écoute active"))
    under = section_of(english, "Pratiquer l'écoute active")
    assert any(text.startswith("Date: March 2025") for text in under)
    assert "Level claimed: Maîtrise (level 3 of 4)" in under
    assert english.paragraphs[0].text == "Validation of prior learning (VAE): dossier"
    assert english.tables[-1].rows[1].cells[0].text == "September 1998 – 2006"
    assert french.tables[-1].rows[1].cells[0].text == "septembre 1998 – 2006"
    assert 'w:lang w:val="en-GB"' in raw_xml(data)


MARKDOWN = """\
---
titre: Un récit riche
date: 2025-04-02
competences: [evaluation]
---
## Contexte

Un texte **gras**, *italique*, `code` et un [lien](https://exemple.fr/page).

1. premier
2. second

Entre **les** *listes*.

1. encore un
2. et un autre

- puce
    - sous-puce

> Une citation.

| Col A | Col B |
|---|---|
| a1 | b1 |

```
ligne 1
ligne 2
```

Texte & <script>alert("x")</script> suite <b>brute</b>.
"""


def test_markdown_becomes_word_styles(portfolio: Portfolio, tmp_path: Path) -> None:
    portfolio.write("recits/riche.md", MARKDOWN)
    document, _ = dossier(portfolio.root, tmp_path)
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Un récit riche")
    assert paragraphs[start].style.name == "Heading 4"
    body = paragraphs[start + 1:]
    by_text = {p.text: p for p in body}
    assert by_text["Contexte"].style.name == "Heading 5"  # the text's `##` nests under the récit
    sentence = by_text["Un texte gras, italique, code et un lien (https://exemple.fr/page)."]
    runs = {run.text: run for run in sentence.runs}
    assert runs["gras"].bold and runs["italique"].italic and runs["code"].font.name == "Courier New"
    assert "Entre les listes." in by_text  # the space between two emphases kept
    first, second = by_text["premier"], by_text["encore un"]
    assert first.style.name == second.style.name == "List Number"
    assert _num_id(first) != _num_id(second)  # the second list starts again at 1
    assert _num_id(first) == _num_id(by_text["second"])
    assert by_text["puce"].style.name == "List Bullet"
    assert by_text["sous-puce"].style.name == "List Bullet 2"
    assert by_text["Une citation."].style.name == "Quote"
    assert "ligne 1\nligne 2" in [p.text for p in body]
    assert by_text["Texte & suite brute."].runs[-2].bold
    assert "alert" not in "\n".join(texts(document))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Col A")
    assert table.rows[1].cells[1].text == "b1"
    blocks = [block.text if isinstance(block, Paragraph) else "<table>" for block in document.iter_inner_content()]
    where = blocks.index("<table>")
    assert blocks[where - 1:where + 2] == ["Une citation.", "<table>", "ligne 1\nligne 2"]  # in reading order


def _num_id(paragraph: object) -> int:
    return int(paragraph._p.pPr.numPr.numId.val)  # type: ignore[attr-defined]


def test_hostile_title_survives_as_text(portfolio: Portfolio, tmp_path: Path) -> None:
    portfolio.write("recits/hostile.md", """\
        ---
        titre: "<script>alert(1)</script> & Cie </w:t>"
        date: 2025-01
        competences: [evaluation]
        ---
        Texte \u0001 avec un caractère de contrôle.
        """)
    document, data = dossier(portfolio.root, tmp_path)
    assert "<script>alert(1)</script> & Cie </w:t>" in texts(document)
    assert "Texte avec un caractère de contrôle." in texts(document)
    assert "&lt;script&gt;" in raw_xml(data)


def test_binary_format_needs_an_output_file(portfolio: Portfolio) -> None:
    result = export(portfolio.root, "docx")
    assert result.exit_code != 0
    assert "--sortie" in result.output


def test_marked_notes_make_the_selection(portfolio: Portfolio, tmp_path: Path) -> None:
    marked = portfolio.docs / "recits" / "premier-entretien.md"
    marked.write_text(marked.read_text(encoding="utf-8").replace("modele: gibbs", "modele: gibbs\ndossier: true"),
                      encoding="utf-8")
    document, _ = dossier(portfolio.root, tmp_path)
    shown = texts(document)
    assert "Mon premier entretien" in shown
    assert "Co-animer un atelier" not in "\n".join(shown)
    assert any(text.startswith("Sélection : ") for text in shown[:10])


def test_broken_image_is_named_not_embedded(portfolio: Portfolio, tmp_path: Path) -> None:
    (portfolio.docs / "traces" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # a header, no image
    portfolio.write("traces/photo.md", """\
        ---
        titre: Une photo abîmée
        date: 2024-03
        fichier: photo.png
        competences: [evaluation]
        ---
        Ce que la photo montre.
        """)
    document, _ = dossier(portfolio.root, tmp_path)
    under = section_of(document, "Évaluer")
    assert "Trace : Une photo abîmée — mars 2024 — fichier photo.png" in under
    assert "[Image : photo.png]" in under
    assert "Ce que la photo montre." in under
    assert len(document.inline_shapes) == 0


def test_links_read_as_the_titles_they_name(portfolio: Portfolio, tmp_path: Path) -> None:
    document, _ = dossier(portfolio.root, tmp_path)
    shown = texts(document)
    assert "Voir Mon premier entretien." in shown  # [[premier-entretien]]
    assert "J'ai relu Commerciale et l'écoute." in shown  # [[vente]], [[ecoute-active|l'écoute]]


def test_several_referentiels_each_bloc_names_its_own(empty_portfolio: Portfolio, tmp_path: Path) -> None:
    """Two frameworks may both have a bloc « Information »: the heading (and so the table of
    contents) says which is which."""
    empty_portfolio.write("referentiel.yml", """\
referentiels:
  - id: metier
    titre: Métier
    domaines:
      - {id: info, titre: Information, competences: [{id: ecoute, titre: Écouter}]}
  - id: crcn
    titre: CRCN
    echelle: [N1, N2, N3, N4, N5, N6, N7, N8]
    domaines:
      - {id: crcn-1, titre: Information, competences: [{id: crcn-1.1, titre: Mener une recherche}]}
""")
    empty_portfolio.write("recits/veille.md", "---\ntitre: Veille\ndate: 2024-03\ncompetences: {ecoute: 2, crcn-1.1: 5}\n---\n"
                          "Texte.\n\n<div hidden>Brouillon caché</div>\n")
    document, _ = dossier(empty_portfolio.root, tmp_path)
    blocs = [p.text for p in document.paragraphs if p.style.name == "Heading 1" and "Information" in p.text]
    assert blocs == ["Métier — Information", "CRCN — Information"]
    # What the learner hid on the page is hidden in the dossier too.
    assert not any("Brouillon caché" in text for text in texts(document))
