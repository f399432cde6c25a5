"""Reading front matter ourselves: lines of keys, BOM and CRLF, narrow YAML scalars."""

from __future__ import annotations

from cheminement import frontmatter
from cheminement.frontmatter import Document, SyntaxProblem


def test_lines_of_keys_and_items() -> None:
    doc = frontmatter.read(b"---\ntitre: A\ncompetences:\n  - ecoute\n  - alliance: 2\n---\nCorps\n")
    assert isinstance(doc, Document)
    assert doc.lines[("titre",)] == 2
    assert doc.lines[("competences", 0)] == 4
    assert doc.lines[("competences", 1)] == 5
    assert doc.body == "Corps\n" and doc.body_line == 7


def test_bom_and_crlf_are_fine() -> None:
    doc = frontmatter.read("\ufeff---\r\ntitre: Été\r\n---\r\nTexte\r\n".encode())
    assert isinstance(doc, Document)
    assert doc.meta == {"titre": "Été"} and doc.body == "Texte\n"


def test_dates_stay_text_and_only_true_false_are_booleans() -> None:
    doc = frontmatter.read(b"---\ndate: 2025-03-12\ndraft: yes\ntitre: Non\nok: true\n---\n")
    assert isinstance(doc, Document)
    assert doc.meta == {"date": "2025-03-12", "draft": "yes", "titre": "Non", "ok": True}


def test_no_front_matter_is_an_ordinary_body() -> None:
    doc = frontmatter.read(b"Note: ceci n'est pas un en-tete\n")
    assert isinstance(doc, Document) and doc.meta == {} and not doc.has_front_matter


def test_problems_carry_lines() -> None:
    assert frontmatter.read(b"---\ntitre: A\n") == SyntaxProblem("frontmatter-unclosed", 1)
    problem = frontmatter.read(b"---\ntitre: A\n  date: [\n---\n")
    assert isinstance(problem, SyntaxProblem) and problem.code == "yaml-syntax" and problem.line == 3
    problem = frontmatter.read(b"---\ntitre: A\n---\n\xff\n")
    assert isinstance(problem, SyntaxProblem) and problem.code == "encoding" and problem.line == 4
    problem = frontmatter.read(b"---\nt: !!python/object:os.system x\n---\n")
    assert isinstance(problem, SyntaxProblem) and problem.code == "yaml-syntax"


def test_keys_without_fences_are_found_with_their_line() -> None:
    doc = frontmatter.read(b"\n\ntitre: Sans tirets\nvisibilite: prive\n\nTexte.\n")
    assert isinstance(doc, Document)
    assert frontmatter.unfenced_key(doc) == SyntaxProblem("frontmatter-unfenced", 3, {"key": "titre"})
    prose = frontmatter.read(b"Attention: ceci est une phrase.\n")
    assert isinstance(prose, Document) and frontmatter.unfenced_key(prose) is None
    fenced = frontmatter.read(b"---\ntitre: A\n---\nlieu: Lyon\n")
    assert isinstance(fenced, Document) and frontmatter.unfenced_key(fenced) is None


def test_control_characters_are_found_in_nested_values() -> None:
    meta = {"titre": "Propre", "tags": ["a", {"b\u0085": 1}], "resume": "ligne\u2028cachée", "lieu": "tab\tok"}
    assert frontmatter.control_characters(meta) == [("tags", "U+0085"), ("resume", "U+2028")]
