"""The command line itself: its language, its help, its colours and the formats `check` prints.

The help is read as a learner reads it: `--help` of every command, in French and English,
with no English string of click's left in the French one, nothing cut short in the list of
commands, examples for each. `check --format lignes|github` name files from the current
folder, wherever the portfolio is, and GitHub's annotations are escaped as its runner reads them.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import click
import click.testing
import pytest
from click.testing import CliRunner
from kit import Portfolio

from cheminement.cli import main
from cheminement.messages import CATALOGUE

COMMANDS = sorted(main.commands)
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
for variable in ("CHEMINEMENT_LANGUE", "NO_COLOR"):
    ENV.pop(variable, None)
CLICK = {key: entry for key, entry in CATALOGUE.items() if key.startswith("click.")}
# Click's own words (the text around its placeholders) that French does not share: none may
# be left in a French help or error.
ENGLISH = sorted({fragment.strip(" .:'") for entry in CLICK.values()
                  for fragment, *_ in string.Formatter().parse(entry["en"])
                  if len(re.findall("[A-Za-z]", fragment)) >= 3 and "%(" not in fragment}
                 - {word for entry in CLICK.values() for word in re.findall(r"[\w%()]+", entry["fr"])})


def english_in(text: str) -> list[str]:
    return [fragment for fragment in ENGLISH if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text)]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def cheminement(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("cheminement")
    return subprocess.run([str(script), *args], cwd=cwd, capture_output=True, text=True,
                          env={**ENV, **env}, timeout=300)


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current folder without a portfolio, and a neutral locale."""
    folder = tmp_path / "ailleurs"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for variable in ("CHEMINEMENT_LANGUE", "LC_ALL", "LC_MESSAGES", "NO_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return folder


def invoke(args: list[str], **kwargs: object) -> click.testing.Result:
    """The command run in this process, named as learners type it."""
    return CliRunner().invoke(main, args, prog_name="cheminement", **kwargs)  # type: ignore[arg-type]


def help_of(*args: str) -> str:
    result = invoke([*args, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


# -- Help ------------------------------------------------------------------------------------------


def test_english_click_strings_are_known() -> None:
    """The check below means something: click's English is in the list."""
    assert {"Usage", "Show this message and exit", "Missing argument", "Error", "No such option", "Commands"} <= set(ENGLISH)


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_french_help_is_french_complete_and_has_examples(name: str | None, nowhere: Path) -> None:
    text = help_of(*([name] if name else []))
    assert text.startswith("Utilisation : cheminement")
    assert english_in(text) == []
    assert "Options :" in text and "Affiche cette aide et quitte." in text
    examples = text.split("Exemples :")[1].split()
    assert examples.count("cheminement") >= 2
    assert all(examples[i + 1] == (name or examples[i + 1]) for i, word in enumerate(examples) if word == "cheminement")
    assert_every_option_explained(text)


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_english_help_with_langue_en(name: str | None, nowhere: Path) -> None:
    text = help_of(*([name] if name else []), "--langue", "en")
    assert text.startswith("Usage: cheminement") and "Show this help and exit." in text
    assert "Examples:" in text and "Exemples" not in text and "Affiche" not in text
    assert_every_option_explained(text)


def assert_every_option_explained(text: str) -> None:
    """Each option of the help has its own text, on its line or the next one."""
    options = text.split("Options", 1)[1].split("\n\n")[0].splitlines()[1:]
    for number, line in enumerate(options):
        if re.match(r"  -", line):  # an option's own line (its help may wrap, indented further)
            own = re.split(r"\s{2,}", line.strip(), maxsplit=1)
            following = options[number + 1] if number + 1 < len(options) else ""
            assert len(own) == 2 or following.startswith(" " * 10), f"no help for: {line}"


def test_the_command_list_is_not_cut_short(nowhere: Path) -> None:
    for lang, heading in (("fr", "Commandes :"), ("en", "Commands:")):
        listing = help_of("--langue", lang).split(heading)[1].split("\n\n")[0]
        rows = [row.split(None, 1) for row in listing.strip().splitlines()]
        assert sorted(row[0] for row in rows) == COMMANDS
        assert all(len(row) == 2 and not row[1].endswith(("...", "…")) for row in rows), listing


def test_click_errors_are_french_too(nowhere: Path) -> None:
    for args, expected in ((["check", "--format", "x"], "Valeur invalide pour '--format' : 'x' ne fait pas partie de"),
                           (["chec"], "Commande inconnue : 'chec'"),
                           (["check", "--nope"], "Option inconnue : '--nope'"),
                           (["dossier"], "Option manquante '--pdf'"),
                           (["audit"], "Argument manquant 'SITE'")):
        result = invoke(args)
        assert result.exit_code == 2 and expected in result.output, result.output
        assert "Erreur : " in result.output and "Pour l'aide : cheminement" in result.output
        assert english_in(result.output) == []
    english = invoke(["check", "--format", "x", "--langue", "en"])
    assert "Error: Invalid value for '--format': 'x' is not one of" in english.output


def test_the_language_comes_from_the_command_line_the_portfolio_then_the_locale(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert help_of("check").startswith("Utilisation")  # French by default (C.UTF-8)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert help_of("check").startswith("Usage")
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")  # LC_ALL wins over LANG
    assert help_of("check").startswith("Utilisation")
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    (nowhere / "docs").mkdir()
    (nowhere / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - cheminement: {langue: fr}\n", encoding="utf-8")
    assert help_of("check").startswith("Utilisation")  # the portfolio's language wins over the locale
    (nowhere / "mkdocs.yml").rename(nowhere / "properdocs.yml")
    (nowhere / "properdocs.yml").write_text("site_name: T\ntheme: {name: material, language: en}\n", encoding="utf-8")
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    assert help_of("check").startswith("Usage")
    monkeypatch.setenv("CHEMINEMENT_LANGUE", "fr")
    assert help_of("check").startswith("Utilisation")
    assert help_of("check", "--langue", "en").startswith("Usage")  # the command line wins over everything
    assert help_of("--langue=en", "check").startswith("Usage")
    (nowhere / "properdocs.yml").write_text("site_name: [", encoding="utf-8")  # broken: help still shows
    monkeypatch.delenv("CHEMINEMENT_LANGUE")
    assert help_of("check").startswith("Utilisation")


def test_the_help_does_not_keep_its_first_language(nowhere: Path) -> None:
    """One process, two runs (tests, or a program calling `main`): each in its own language."""
    assert "Show this help" in help_of("build", "--langue", "en")
    french = help_of("build")
    assert "Affiche cette aide" in french and "Show" not in french
    assert click.core._ is __import__("gettext").gettext  # click is given back as it was


# -- Colour ----------------------------------------------------------------------------------------


@pytest.fixture
def broken(portfolio: Portfolio) -> Portfolio:
    portfolio.write("recits/casse.md", "---\ntitre: Cassé\ndate: 2025-13\n---\n")
    return portfolio


def in_terminal(args: list[str], cwd: Path, **env: str) -> str:
    """What a terminal shows: the command runs with a pseudo-terminal as its output."""
    main_end, child_end = pty.openpty()
    script = Path(sys.executable).with_name("cheminement")
    process = subprocess.Popen([str(script), *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=child_end,
                               stderr=child_end, env={**ENV, **env}, close_fds=True)
    os.close(child_end)
    chunks = []
    while True:
        try:
            chunk = os.read(main_end, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=300)
    os.close(main_end)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colours_in_a_terminal_and_never_with_no_color(broken: Portfolio, tmp_path: Path) -> None:
    institution = tmp_path / "etablissement"
    shutil.copytree(broken.docs, institution / "alice" / "portfolio")  # a broken portfolio: a red row
    for args in (["check"], ["build", "-d", "public"], ["publication"], ["build", "--moteur", "zensical"],
                 ["build-all", str(institution), "--out", str(tmp_path / "out"), "--tout"]):
        assert ANSI.search(in_terminal(args, broken.root)), args  # the control: a terminal gets colours
        shown = in_terminal(args, broken.root, NO_COLOR="1")
        assert "erreur" in shown.lower() or "Publié" in shown or "Zensical" in shown or "ÉCHEC" in shown, shown
        assert not ANSI.search(shown), (args, shown)  # (the progress bar still hides the cursor: not a colour)
    assert ANSI.search(in_terminal(["check"], broken.root, NO_COLOR=""))  # set but empty: no effect


def test_no_colours_when_the_output_is_not_a_terminal(broken: Portfolio) -> None:
    result = cheminement("check", cwd=broken.root)
    assert result.returncode == 1 and "erreur" in result.stdout
    assert not ANSI.search(result.stdout + result.stderr)


def test_no_color_also_through_click_runner(broken: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(broken.root)
    coloured = invoke(["check"], color=True)
    assert ANSI.search(coloured.output)  # the control
    plain = invoke(["check"], color=True, env={"NO_COLOR": "1"})
    assert "erreur" in plain.output and not ANSI.search(plain.output)


# -- check --format lignes / github -------------------------------------------------------------------


@pytest.fixture
def awkward(portfolio: Portfolio) -> Portfolio:
    """Problems whose file name and message hold GitHub's separators: `,` `:` `%` and a line break."""
    portfolio.write("recits/a,b: c.md", '---\ntitre: T\ndate: "50%, 2:3"\n---\nTexte.\n')
    portfolio.write("recits/lien.md", "---\ntitre: Lien\ndate: 2025\n---\nVoir [[inexistant]].\n")
    return portfolio


def unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_github_annotations_are_escaped_and_relative_to_the_current_folder(awkward: Portfolio) -> None:
    result = cheminement("check", "--format", "github", cwd=awkward.root)
    assert result.returncode == 1
    commands = result.stdout.splitlines()
    assert commands and all(re.fullmatch(r"::(error|warning) [^:]+::.+", line) for line in commands), commands
    parsed = []
    for line in commands:
        level, properties, data = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line).groups()
        values = dict(item.split("=", 1) for item in properties.split(","))
        assert "\n" not in line and "%" not in data.replace("%25", "").replace("%0A", "").replace("%0D", "")
        parsed.append((level, unescape(values["file"]), values.get("line"), unescape(values["title"]), unescape(data)))
    date = next(p for p in parsed if p[2] == "3")
    assert date[:2] == ("error", "docs/recits/a,b: c.md")
    assert "« 50%, 2:3 »" in date[4] and "\n" in date[4] and date[3] == "Cheminement (bad-date)"
    assert ("warning", "docs/recits/lien.md", "5") in {p[:3] for p in parsed}


def test_github_exit_status_follows_errors_and_strict(portfolio: Portfolio) -> None:
    portfolio.write("recits/lien.md", "---\ntitre: Lien\ndate: 2025\n---\nVoir [[inexistant]].\n")
    warned = cheminement("check", "--format", "github", cwd=portfolio.root)
    assert warned.returncode == 0 and warned.stdout.startswith("::warning ")
    assert cheminement("check", "--format", "github", "--strict", cwd=portfolio.root).returncode == 1


def test_lignes_name_files_from_the_current_folder(awkward: Portfolio, tmp_path: Path) -> None:
    """Editors run `check` from the project's root; a problem matcher opens the path as given."""
    root = awkward.root
    elsewhere = tmp_path.parent / f"{tmp_path.name}-ailleurs"
    elsewhere.mkdir()
    expected = "recits/lien.md:5: avertissement: Lien [[inexistant]]"
    runs = {  # where the command runs, what it is given, how the file is named
        root: ([], f"docs/{expected}"),
        root.parent: ([root.name], f"{root.name}/docs/{expected}"),
        root / "docs": ([".."], expected),
        elsewhere: ([str(root / "mkdocs.yml")], f"{root / 'docs'}/{expected}"),  # outside: absolute
    }
    for cwd, (args, wanted) in runs.items():
        result = cheminement("check", *args, "--format", "lignes", cwd=cwd)
        assert result.returncode == 1
        lines = result.stdout.splitlines()
        assert any(line.startswith(wanted) for line in lines), (cwd, lines)
        for line in lines:  # every path opens from there
            assert (cwd / line.split(".md:")[0]).with_suffix(".md").is_file(), line


def test_json_gives_the_path_from_the_current_folder(awkward: Portfolio) -> None:
    import json

    problems = json.loads(cheminement("check", "docs/..", "--format", "json", cwd=awkward.root).stdout)
    link = next(p for p in problems if p["code"] == "unknown-wikilink")
    assert link["file"] == "recits/lien.md" and link["path"] == "docs/recits/lien.md"


# -- Finding the portfolio ------------------------------------------------------------------------------


def test_init_follows_the_language_of_the_run(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    result = invoke(["init", "mine"])
    assert result.exit_code == 0 and "Portfolio created in mine" in result.output
    assert "language: en" in (nowhere / "mine" / "mkdocs.yml").read_text(encoding="utf-8")
    assert invoke(["init", "mien", "--langue", "fr"]).exit_code == 0
    assert "language: fr" in (nowhere / "mien" / "mkdocs.yml").read_text(encoding="utf-8")


def test_no_configuration_here_says_what_was_looked_for(nowhere: Path) -> None:
    result = invoke(["check"])
    assert result.exit_code == 2
    assert "properdocs.yml, properdocs.yaml, mkdocs.yml, mkdocs.yaml" in result.output and "cheminement init" in result.output
    english = invoke(["publication", "--langue", "en"])
    assert english.exit_code == 2 and "No configuration file in" in english.output


def test_a_broken_properdocs_yml_is_named(portfolio: Portfolio) -> None:
    portfolio.configure(options="publication: toutes\n")
    (portfolio.root / "mkdocs.yml").rename(portfolio.root / "properdocs.yml")
    result = cheminement("check", cwd=portfolio.root)
    assert result.returncode == 2
    assert "properdocs.yml : plugins.cheminement.publication : une de ces valeurs est attendue : tout, explicite." in result.stderr


@pytest.mark.parametrize("output", ["text", "lignes"])
def test_a_line_break_from_the_portfolio_starts_no_line_of_its_own(portfolio: Portfolio, output: str) -> None:
    """A file name or a value holding a line break would print a line a CI runner reads as a
    command (`::error …`) and a problem matcher as another problem."""
    portfolio.write("recits/a\n::error file=x::FORGED1.md", "---\ntitre: T\ndate: 2025-13\n---\n")
    portfolio.write("recits/b.md", '---\ntitre: T\ndate: 2025\ncompetences: {"x\\n::notice::FORGED2\\u2028::warning::FORGED3": 1}\n---\n')
    result = cheminement("check", "--format", output, cwd=portfolio.root)
    assert result.returncode == 1, result.stderr
    printed = result.stdout + result.stderr
    assert "FORGED1" in printed and "FORGED2" in printed and "FORGED3" in printed
    assert not [line for line in printed.splitlines() if line.lstrip().startswith("::")]
    assert "\\x0a::error" in printed and "\\u2028::warning" in printed
