"""A portfolio is untrusted input: limits on what we read.

Every hostile input below ends as a problem with a file (and a line when there is one),
never a hang, a crash or a traceback. Each test first shows, with a control, that the
input really is hostile: what plain PyYAML, plain MkDocs or the raw file would do with it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from kit import FIXTURES, Portfolio
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File
from mkdocs.utils import markdown_extensions
from mkdocs.utils.meta import get_data

from cheminement import audit, frontmatter, load, manifest, schema
from cheminement.check import Report, analyse
from cheminement.cli import main
from cheminement.model import MARKDOWN_SUFFIXES, Visibility, is_markdown, markdown_stem
from cheminement.publish import publish
from cheminement.settings import Settings

PLAIN_MKDOCS = """\
site_name: Sans Cheminement
docs_dir: docs
theme:
  name: material
plugins:
  - search
"""


# -- Helpers ------------------------------------------------------------------------------------


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """« Billion laughs »: nine short lines that stand for 9**9 values."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def expanded_size(value: object, stop: int = 10**6) -> int:
    """How many values a walk that follows aliases visits (it stops just past `stop`)."""
    count, stack = 0, [value]
    while stack and count <= stop:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def analysed(folio: Portfolio, paths: list[str] | None = None) -> Report:
    # Hostile input is refused before it is expanded (the problems below prove it); how
    # fast is the benchmark's business, not a test's.
    return analyse(Settings(docs_dir=folio.docs), paths)


def problems_of(report: Report, code: str) -> list[Any]:
    return [p for p in report.problems if p.code == code]


def one(report: Report, code: str, file: str, line: int | None) -> Any:
    found = [p for p in problems_of(report, code) if p.file == file and p.line == line]
    assert len(found) == 1, f"expected one {code} at {file}:{line}, got " + "\n".join(
        f"{p.file}:{p.line} {p.code}" for p in report.problems
    )
    problem = found[0]
    assert problem.message("fr") and problem.message("en") and problem.suggestion("fr") and problem.suggestion("en")
    return problem


def private_paths(folio: Portfolio, report: Report) -> set[str]:
    return set(publish(report.portfolio, Settings(docs_dir=folio.docs)).private)


def plain_build(folio: Portfolio, tmp_path: Path) -> Path:
    """The same portfolio built by MkDocs and Material alone, without our plugin."""
    root = tmp_path / "sans-cheminement"
    shutil.copytree(folio.docs, root / "docs", symlinks=True)
    (root / "mkdocs.yml").write_text(PLAIN_MKDOCS, encoding="utf-8")
    return Portfolio(root).build()


def site_text(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file())


def cli(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


# -- YAML aliases ("billion laughs") --------------------------------------------------------------


def test_control_the_alias_bomb_expands_past_a_million_values() -> None:
    data = yaml.safe_load(alias_bomb())
    assert expanded_size(data) > 10**6
    assert len(alias_bomb()) < 600  # half a kilobyte


def test_alias_bomb_in_front_matter_is_an_error_on_its_line(portfolio: Portfolio) -> None:
    portfolio.write("recits/bombe.md", "---\ntitre: Bombe\ndate: 2024\n" + alias_bomb() + "tags: *a8\n---\nTexte.\n")
    report = analysed(portfolio)
    problem = one(report, "yaml-alias", "recits/bombe.md", 5)  # a1, the first alias
    assert "*a0" in problem.message("fr")
    assert "recits/bombe.md" in private_paths(portfolio, report)


def test_alias_bomb_stops_the_build_quickly(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write("recits/bombe.md", "---\ntitre: Bombe\ndate: 2024\n" + alias_bomb() + "description: *a8\n---\n")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "recits/bombe.md:5" in "\n".join(r.getMessage() for r in caplog.records)


def test_alias_bomb_in_the_referentiel(portfolio: Portfolio) -> None:
    text = "titre: Bombe\n" + alias_bomb() + "domaines: *a8\n"
    # Control: the référentiel's key lines used to be recorded 8 levels deep through aliases.
    assert expanded_size(yaml.safe_load(text)["domaines"]) > 10**6
    (portfolio.docs / "referentiel.yml").write_text(text, encoding="utf-8")
    report = analysed(portfolio)
    one(report, "yaml-alias", "referentiel.yml", 3)
    result = cli("check", str(portfolio.docs))
    assert result.exit_code == 1 and "referentiel.yml" in result.output and "ligne 3" in result.output


def test_one_alias_is_refused_a_star_in_text_keeps_its_own_message() -> None:
    refused = frontmatter.read(b"---\ntags: &t [a, b]\nmots: *t\n---\n")
    assert refused == frontmatter.SyntaxProblem("yaml-alias", 3, {"name": "t"})
    star = frontmatter.read(b"---\ntitre: *important*\n---\n")
    assert isinstance(star, frontmatter.SyntaxProblem) and star.params["detail"] == "yaml.star"
    anchor_only = frontmatter.read(b"---\ntitre: &t Texte\n---\n")
    assert isinstance(anchor_only, frontmatter.Document) and anchor_only.meta == {"titre": "Texte"}


def test_the_audit_walks_any_depth_without_recursion() -> None:
    deep: object = "fond"
    for _ in range(100_000):
        deep = [deep]

    def recursive(value: object) -> list[str]:
        return [value] if isinstance(value, str) else [s for item in value for s in recursive(item)]  # type: ignore[union-attr]

    with pytest.raises(RecursionError):  # control: a recursive walk dies on it
        recursive(deep)
    assert list(audit._values(deep)) == ["fond"]
    assert list(audit._values({"k": ["a", {"b": "c"}], 3: None})) == ["k", "a", "b", "c", "3"]


# -- YAML size, depth, node count, numbers ----------------------------------------------------


def _nested(depth: int) -> str:
    return "[" * depth + "x" + "]" * depth


@pytest.mark.parametrize(
    ("front", "code", "line", "hostile"),
    [
        pytest.param("long: '" + "x" * (frontmatter.MAX_YAML_CHARS + 10) + "'\n", "yaml-too-large", 2,
                     lambda t: len(t) > frontmatter.MAX_YAML_CHARS, id="larger-than-1-MiB"),
        pytest.param("titre: T\nprofond: " + _nested(200) + "\n", "yaml-too-deep", 3,
                     lambda t: t.count("[") > frontmatter.MAX_YAML_DEPTH, id="deeply-nested"),
        pytest.param("titre: T\nliste: [" + ",".join(["1"] * (frontmatter.MAX_YAML_NODES + 1)) + "]\n", "yaml-too-many", 3,
                     lambda t: t.count(",") + 1 > frontmatter.MAX_YAML_NODES, id="too-many-values"),
    ],
)
def test_absurd_front_matter_is_an_error_not_a_hang(portfolio: Portfolio, front: str, code: str, line: int, hostile) -> None:
    assert hostile(front)
    portfolio.write("recits/absurde.md", "---\n" + front + "---\nTexte.\n")
    report = analysed(portfolio)
    one(report, code, "recits/absurde.md", line)
    assert "recits/absurde.md" in private_paths(portfolio, report)


def test_a_number_python_cannot_convert_is_an_error_not_a_traceback(portfolio: Portfolio) -> None:
    digits = "9" * 5000
    with pytest.raises(ValueError) as control:  # not a YAMLError: it used to escape as a traceback
        yaml.safe_load(f"id: {digits}")
    assert not isinstance(control.value, yaml.YAMLError)
    portfolio.write("recits/nombre.md", f"---\ntitre: Nombre\ndate: 2024\nid: {digits}\n---\n")
    problem = one(analysed(portfolio), "yaml-syntax", "recits/nombre.md", 4)
    assert "4000" in problem.message("fr")


def test_a_huge_referentiel_is_refused_before_it_is_read(portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    path = portfolio.docs / "referentiel.yml"
    path.write_text("titre: Énorme\n# " + "x" * (2 * frontmatter.MAX_YAML_CHARS) + "\n", encoding="utf-8")
    assert path.stat().st_size > frontmatter.MAX_YAML_CHARS
    read: list[Path] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or original(self))
    problem = one(analysed(portfolio), "yaml-too-large", "referentiel.yml", None)
    assert path not in read
    assert "1024" in problem.message("fr")


def test_a_deep_referentiel_is_an_error(portfolio: Portfolio) -> None:
    (portfolio.docs / "referentiel.yml").write_text("titre: R\ndomaines: " + _nested(500) + "\n", encoding="utf-8")
    one(analysed(portfolio), "yaml-too-deep", "referentiel.yml", 2)


# -- File names and links ----------------------------------------------------------------------------


def test_a_name_that_is_not_utf8_is_reported_escaped_and_left_out(portfolio: Portfolio) -> None:
    folder = os.fsencode(portfolio.docs / "recits")
    with open(os.path.join(folder, b"r\xe9cit.md"), "w", encoding="utf-8") as handle:
        handle.write("---\ntitre: Latin-1\ndate: 2024\n---\nTexte.\n")
    name = next(n for n in os.listdir(portfolio.docs / "recits") if n.startswith("r") and "cit" in n)
    with pytest.raises(UnicodeEncodeError):  # control: such a name cannot be printed or sent as JSON
        name.encode("utf-8")
    report = analysed(portfolio)
    problem = one(report, "file-name-encoding", "recits/r\\xe9cit.md", None)
    assert "r\\xe9cit.md" in problem.message("fr")
    assert all("cit.md" not in page.path or page.path.isascii() for page in report.portfolio.notes)
    result = cli("check", "--format", "json", str(portfolio.docs))
    assert result.exit_code == 1
    assert "recits/r\\xe9cit.md" in {item["file"] for item in json.loads(result.output)}


def test_a_name_that_is_not_utf8_stops_the_build_with_its_name(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    with open(os.path.join(os.fsencode(portfolio.docs), b"caf\xe9.md"), "w", encoding="utf-8") as handle:
        handle.write("# Café\n")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "caf\\xe9.md" in "\n".join(r.getMessage() for r in caplog.records)


@pytest.fixture
def neighbour(tmp_path: Path) -> Path:
    """Another learner's journal, next to the portfolio."""
    folder = tmp_path / "autre-apprenant" / "journal"
    folder.mkdir(parents=True)
    (folder / "intime.md").write_text("---\ntitre: Intime\n---\nSECRET-DU-VOISIN dans son journal.\n", encoding="utf-8")
    return folder


def test_control_plain_mkdocs_publishes_what_a_link_points_to(portfolio: Portfolio, neighbour: Path, tmp_path: Path) -> None:
    (portfolio.docs / "recits" / "voisin.md").symlink_to(neighbour / "intime.md")
    (portfolio.docs / "partage").symlink_to(neighbour, target_is_directory=True)
    site = plain_build(portfolio, tmp_path)
    assert site_text(site).count("SECRET-DU-VOISIN") >= 2


def test_links_out_of_the_portfolio_are_never_read(portfolio: Portfolio, neighbour: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (portfolio.docs / "recits" / "voisin.md").symlink_to(neighbour / "intime.md")
    (portfolio.docs / "partage").symlink_to(neighbour, target_is_directory=True)
    (portfolio.docs / "mot-de-passe.txt").symlink_to("/etc/passwd")
    read: list[str] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(str(self.resolve())) or original(self))
    report = analysed(portfolio)
    for shown in ("recits/voisin.md", "partage", "mot-de-passe.txt"):
        one(report, "symlink-outside", shown, None)
    assert not [p for p in read if p.startswith(str(neighbour)) or p == "/etc/passwd"]
    assert "SECRET-DU-VOISIN" not in json.dumps([p.as_dict() for p in report.problems], ensure_ascii=False)
    assert "mot-de-passe.txt" not in report.portfolio.assets
    # The paths MkDocs gives (it follows the folder link) are refused the same way, once.
    again = analysed(portfolio, ["index.md", "partage/intime.md", "recits/voisin.md"])
    assert [p.file for p in again.problems if p.code.startswith("symlink")] == ["partage", "recits/voisin.md"]


def test_links_out_of_the_portfolio_never_reach_the_site(portfolio: Portfolio, neighbour: Path) -> None:
    (portfolio.docs / "recits" / "voisin.md").symlink_to(neighbour / "intime.md")
    (portfolio.docs / "partage").symlink_to(neighbour, target_is_directory=True)
    try:
        portfolio.build()
    except Abort:
        return  # refused: nothing published at all
    assert "SECRET-DU-VOISIN" not in site_text(portfolio.site)


def test_a_broken_link_is_reported_where_plain_mkdocs_crashes(portfolio: Portfolio, tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    (portfolio.docs / "recits" / "casse.md").symlink_to("manquant.md")
    with pytest.raises(FileNotFoundError):  # control: MkDocs alone dies with a traceback
        plain_build(portfolio, tmp_path)
    one(analysed(portfolio), "symlink-broken", "recits/casse.md", None)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    assert "recits/casse.md" in "\n".join(r.getMessage() for r in caplog.records)


def test_a_folder_link_that_loops_is_reported_once(portfolio: Portfolio) -> None:
    (portfolio.docs / "recits" / "boucle").symlink_to("..", target_is_directory=True)
    depth = max(folder.count("boucle") for folder, _, _ in os.walk(portfolio.docs, followlinks=True))
    assert depth > 10  # control: following links, as MkDocs does, walks the loop again and again
    report = analysed(portfolio)
    assert [p.file for p in report.problems if p.code.startswith("symlink")] == ["recits/boucle"]
    one(report, "symlink-loop", "recits/boucle", None)
    assert not [n for n in report.portfolio.notes if "boucle" in n.path]
    # Through MkDocs's paths, which repeat the loop, it is still one problem.
    paths = ["index.md", "recits/boucle/index.md", "recits/boucle/recits/boucle/recits/atelier.md"]
    again = analysed(portfolio, paths)
    assert [p.file for p in again.problems if p.code.startswith("symlink")] == ["recits/boucle"]


def test_file_links_that_loop(portfolio: Portfolio) -> None:
    (portfolio.docs / "recits" / "a.md").symlink_to("b.md")
    (portfolio.docs / "recits" / "b.md").symlink_to("a.md")
    with pytest.raises(OSError):  # control: the file cannot even be opened
        (portfolio.docs / "recits" / "a.md").read_bytes()
    report = analysed(portfolio)
    one(report, "symlink-loop", "recits/a.md", None)
    one(report, "symlink-loop", "recits/b.md", None)


def test_a_link_inside_the_portfolio_is_read(portfolio: Portfolio) -> None:
    (portfolio.docs / "recits" / "copie.md").symlink_to("atelier.md")
    report = analysed(portfolio)
    assert not [p for p in report.problems if p.code.startswith("symlink")]
    assert "recits/copie.md" in {n.path for n in report.portfolio.notes}


def test_an_unreadable_file_is_a_problem(portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    note = portfolio.write("recits/ferme.md", "---\ntitre: Fermé\ndate: 2024\n---\n")
    original = Path.read_bytes

    def refuse(self: Path) -> bytes:  # chmod 0 means nothing to root: refuse the read here
        if self == note:
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    report = analysed(portfolio)
    problem = one(report, "file-unreadable", "recits/ferme.md", None)
    assert "Permission denied" in problem.message("fr")
    assert "recits/ferme.md" in private_paths(portfolio, report)


# -- Every Markdown suffix MkDocs renders is a note ---------------------------------------------


def test_our_suffixes_are_mkdocs_suffixes() -> None:
    assert set(MARKDOWN_SUFFIXES) == set(markdown_extensions)
    assert is_markdown("a/B.MARKDOWN") and is_markdown("x.mkd") and not is_markdown("x.mdx")
    assert markdown_stem("recits/a.b.Markdown") == "a.b"


def test_control_plain_mkdocs_renders_a_markdown_file_as_a_page(portfolio: Portfolio, tmp_path: Path) -> None:
    portfolio.write("recits/secret.markdown", "---\ntitre: Secret\nvisibilite: prive\n---\nTEXTE-PRIVE-MARKDOWN\n")
    site = plain_build(portfolio, tmp_path)
    assert "TEXTE-PRIVE-MARKDOWN" in (site / "recits" / "secret" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [s for s in MARKDOWN_SUFFIXES if s != ".md"])
def test_every_markdown_suffix_is_a_note_and_stays_private(portfolio: Portfolio, suffix: str) -> None:
    assert File(f"recits/secret{suffix}", "docs", "site", True).is_documentation_page()  # MkDocs renders it
    portfolio.write(f"recits/secret{suffix}", f"---\ntitre: Secret\ndate: 2024\nvisibilite: prive\n---\nTEXTE-PRIVE{suffix}\n")
    report = analysed(portfolio)
    note = next(n for n in report.portfolio.notes if n.path == f"recits/secret{suffix}")
    assert note.id == "secret" and note.visibility is Visibility.PRIVATE
    assert f"recits/secret{suffix}" not in report.portfolio.assets
    portfolio.build()
    assert f"TEXTE-PRIVE{suffix}" not in site_text(portfolio.site)
    assert not (portfolio.site / "recits" / "secret").exists()


def test_a_public_markdown_note_is_published(portfolio: Portfolio) -> None:
    portfolio.write("recits/public.mkdn", "---\ntitre: Public mkdn\ndate: 2024\n---\nTexte publié.\n")
    portfolio.build()
    assert "Texte publié." in (portfolio.site / "recits" / "public" / "index.html").read_text(encoding="utf-8")


def test_an_upper_case_suffix_is_an_error_and_private(portfolio: Portfolio) -> None:
    assert not File("recits/cri.MD", "docs", "site", True).is_documentation_page()  # control: copied raw
    portfolio.write("recits/cri.MD", "---\ntitre: Cri\ndate: 2024\nvisibilite: public\n---\nTexte.\n")
    report = analysed(portfolio)
    problem = one(report, "markdown-suffix-case", "recits/cri.MD", None)
    assert "recits/cri.md" in problem.suggestion("fr")
    assert "recits/cri.MD" in private_paths(portfolio, report)


def test_a_trace_file_with_any_markdown_suffix_is_a_note(portfolio: Portfolio) -> None:
    portfolio.write("traces/notes.markdown", "# Notes\n")
    portfolio.write("traces/t.md", "---\ntitre: T\nfichier: notes.markdown\n---\n")
    one(analysed(portfolio), "trace-file-is-note", "traces/t.md", 3)


# -- Misspelt visibility keys: an error, and the note private ------------------------------------


TYPOS = ["visibilty", "visiblite", "visibiliter", "visbility", "Visibilty", "Visibilté", "privé", "private",
         "drafts", "draf", "brouilon", "published", "hidden"]


@pytest.mark.parametrize("key", TYPOS)
def test_a_misspelt_visibility_key_keeps_the_note_private(portfolio: Portfolio, key: str) -> None:
    assert schema.canonical_key(key) not in schema.VISIBILITY_KEYS  # control: not read as visibility
    portfolio.write("recits/faute.md", f"---\ntitre: Faute\ndate: 2024\n{key}: prive\n---\nIntime.\n")
    report = analysed(portfolio)
    problem = one(report, "visibility-key-typo", "recits/faute.md", 4)
    assert key.lower()[:3] in problem.message("fr").lower()
    assert not [p for p in report.problems if p.code == "unknown-key" and p.file == "recits/faute.md"]
    note = next(n for n in report.portfolio.notes if n.path == "recits/faute.md")
    assert note.visibility is Visibility.PRIVATE
    assert "recits/faute.md" in private_paths(portfolio, report)


def test_a_misspelt_visibility_key_on_an_ordinary_page(portfolio: Portfolio) -> None:
    portfolio.write("apropos.md", "---\nvisibilty: private\n---\n# À propos\n")
    report = analysed(portfolio)
    one(report, "visibility-key-typo", "apropos.md", 2)
    assert "apropos.md" in private_paths(portfolio, report)


@pytest.mark.parametrize("key", sorted(set(schema.ALL_KEYS + schema.ENGINE_KEYS) - set(schema.VISIBILITY_KEYS)))
def test_known_keys_are_never_taken_for_visibility_typos(key: str) -> None:
    doc = frontmatter.read(f"---\n{key}: x\n---\n".encode())
    assert isinstance(doc, frontmatter.Document)
    reader = load._Reader("a.md", doc, None)
    assert reader.visibility() is None
    assert not [p for p in reader.problems if p.code == "visibility-key-typo"]


# -- Front matter that does not start on the first line -----------------------------------------


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        pytest.param(b"\n---\nvisibilite: prive\ntitre: T\n---\nIntime.\n", 2, id="blank-line"),
        pytest.param(b"\xef\xbb\xbf\n---\nvisibilite: prive\n---\nIntime.\n", 2, id="bom-then-blank"),
        pytest.param(b"\xef\xbb\xbf\xef\xbb\xbf---\nvisibilite: prive\n---\nIntime.\n", 1, id="two-boms"),
        pytest.param(b"  ---\nvisibilite: prive\n---\nIntime.\n", 1, id="spaces-before"),
        pytest.param(b"\r\n\r\n---\r\nvisibilite: prive\r\n---\r\nIntime.\r\n", 3, id="crlf-blank-lines"),
    ],
)
def test_front_matter_after_blank_lines_is_an_error_and_private(portfolio: Portfolio, raw: bytes, line: int) -> None:
    text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    _, meta = get_data(text)
    assert meta == {}  # control: MkDocs takes the block for text and would publish it
    (portfolio.docs / "recits" / "tard.md").write_bytes(raw)
    report = analysed(portfolio)
    one(report, "frontmatter-not-first", "recits/tard.md", line)
    assert "recits/tard.md" in private_paths(portfolio, report)


def test_thematic_breaks_are_not_front_matter() -> None:
    doc = frontmatter.read(b"\n---\n\nUn paragraphe : avec deux-points.\n\n---\n")
    assert isinstance(doc, frontmatter.Document) and not doc.has_front_matter


def test_an_unreadable_note_never_reaches_the_site(portfolio: Portfolio) -> None:
    portfolio.write("recits/tard.md", "\n---\nvisibilite: prive\n---\nINTIME-TARD\n")
    with pytest.raises(Abort):
        portfolio.build()
    assert not portfolio.site.exists() or "INTIME-TARD" not in site_text(portfolio.site)


# -- Engine keys misspelt --------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "key", "meant"), [("recits/moteur.md", "templat", "template"), ("apropos.md", "hidde", "hide")])
def test_misspelt_engine_keys_are_reported(portfolio: Portfolio, path: str, key: str, meant: str) -> None:
    portfolio.write(path, f"---\ntitre: Moteur\ndate: 2024\n{key}: x\n---\n")
    problem = one(analysed(portfolio), "unknown-key", path, 4)
    assert f"« {meant} »" in problem.suggestion("fr")


# -- A previous manifest is untrusted too --------------------------------------------------------


def _current(folio: Portfolio) -> dict[str, Any]:
    settings = Settings(docs_dir=folio.docs)
    return manifest.build_manifest(publish(analyse(settings).portfolio, settings).public, folio.docs)


BAD_MANIFESTS = {
    "not-json": b"{",
    "list": b"[]",
    "files-list": b'{"files": []}',
    "entry-text": b'{"files": {"recits/atelier.md": "x"}}',
    "hash-number": b'{"files": {"recits/atelier.md": {"hash": 1}}}',
    "title-list": b'{"files": {"recits/atelier.md": {"hash": "ab", "title": ["t"]}}}',
    "format": b'{"format": 99, "files": {}}',
    "latin-1": b'{"files": {"\xe9": {"hash": "ab"}}}',
    "deep": b"[" * 100_000 + b"]" * 100_000,
}
# Those that crashed `compare` before; the others were silently misread.
CRASHED = {"not-json", "list", "entry-text", "latin-1", "deep"}


@pytest.mark.parametrize("name", sorted(BAD_MANIFESTS))
def test_a_malformed_manifest_is_one_clear_sentence(portfolio: Portfolio, tmp_path: Path, name: str) -> None:
    content = BAD_MANIFESTS[name]
    try:  # control: read as before (json.loads, then compare)
        manifest.compare(json.loads(content), _current(portfolio))
        crashed: BaseException | None = None
    except BaseException as error:  # noqa: BLE001 - any crash will do as a control
        crashed = error
    assert (crashed is not None) is (name in CRASHED), repr(crashed)
    path = tmp_path / "ancien.json"
    path.write_bytes(content)
    with pytest.raises(ValueError) as caught:
        manifest.read(path)
    assert isinstance(caught.value, manifest.ManifestError)
    assert str(caught.value) and "Traceback" not in str(caught.value)
    assert caught.value.message("en") != caught.value.message("fr")
    result = cli("publication", "--depuis", str(path), str(portfolio.docs))
    assert result.exit_code == 2 and str(caught.value) in result.output


def test_a_huge_manifest_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifest, "MAX_BYTES", 1000)
    path = tmp_path / "enorme.json"
    path.write_text(json.dumps({"files": {f"f{i}.md": {"hash": "0" * 16} for i in range(100)}}), encoding="utf-8")
    assert path.stat().st_size > 1000
    with pytest.raises(manifest.ManifestError, match="Mo"):
        manifest.read(path)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_manifest_that_is_not_a_file_is_refused() -> None:
    with pytest.raises(manifest.ManifestError, match="pas un fichier"):
        manifest.read(Path("/dev/zero"))


def test_a_site_folder_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(manifest.ManifestError):
        manifest.read(tmp_path)


def test_a_good_manifest_still_reads(portfolio: Portfolio, tmp_path: Path) -> None:
    current = _current(portfolio)
    path = tmp_path / "bon.json"
    manifest.write(tmp_path, current)
    assert manifest.read(tmp_path) == current
    path.write_text(json.dumps(current), encoding="utf-8")
    assert manifest.compare(manifest.read(path), current).changed == []


def test_a_malformed_manifest_in_depuis_stops_the_build_with_a_message(portfolio: Portfolio,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    (portfolio.root / "ancien.json").write_bytes(b'{"files": {"recits/atelier.md": "x"}}')
    portfolio.configure("depuis: ancien.json\n")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        portfolio.build()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ancien.json" in logged and "recits/atelier.md" in logged


# -- Nothing above needs more than the base fixture -------------------------------------------------


def test_the_base_fixture_is_clean() -> None:
    assert analyse(Settings(docs_dir=FIXTURES / "base")).errors == []
    assert sys.getrecursionlimit() >= 1000
