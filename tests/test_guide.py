"""The learner's guide, followed word by word: its commands, header and links work as written.

The commands are read from the guide itself (`cheminement init`/`new` lines of its ```bash
blocks), so that the guide and the tool cannot drift apart again: a newcomer once found that
`new recit` put the date in the identifier that the guide's `[[…]]` example then missed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

GUIDE = Path(__file__).parent.parent / "docs" / "guide.md"
BIN = Path(sys.executable).parent
PLACEHOLDER = re.compile(r"^(?P<key>\s*[^\s:#][^:#]*): À compléter  # (?P<comment>.*)$", re.MULTILINE)
BIB = """@book{paulAutourMotAccompagnement2009,
  title = {Autour du mot accompagnement},
  author = {Paul, Maela},
  date = {2009},
  publisher = {Chronique sociale},
  location = {Lyon},
}
"""


def fenced(text: str, language: str) -> list[str]:
    """The guide's code blocks in `language` ("": none given), in order."""
    blocks: list[tuple[str, list[str]]] = []
    open_block: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("```") and open_block is None:
            open_block = []
            blocks.append((line[3:].strip(), open_block))
        elif line.startswith("```"):
            open_block = None
        elif open_block is not None:
            open_block.append(line)
    return ["".join(f"{line}\n" for line in lines) for name, lines in blocks if name == language]


def commands(text: str) -> list[str]:
    """The `cheminement init`/`new` lines of the guide's bash blocks, comments dropped."""
    lines = [line.split("  #")[0].strip() for block in fenced(text, "bash") for line in block.splitlines()]
    return [line for line in lines if re.match(r"cheminement (init|new) ", line)]


def run(args: list[str], cwd: Path, home: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HOME": str(home)}
    result = subprocess.run([str(BIN / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=300, stdin=subprocess.DEVNULL)
    assert "Traceback" not in result.stdout + result.stderr
    if ok:
        assert result.returncode == 0, (args, result.stdout + result.stderr)
    return result


def fill(path: Path) -> list[str]:
    """Replace each « À compléter » as its comment says (the first value offered, or a date,
    or « en cours »); the keys filled."""
    text = path.read_text(encoding="utf-8")
    filled = []

    def value(match: re.Match[str]) -> str:
        key, comment = match["key"], match["comment"]
        filled.append(key.strip())
        if " | " in comment:
            return f"{key}: {comment.split(' | ')[0]}"
        return f"{key}: {'en cours' if 'en cours' in comment else '2024-09'}"

    path.write_text(PLACEHOLDER.sub(value, text), encoding="utf-8")
    return filled


def test_the_guide_followed_word_by_word_builds_strictly(tmp_path: Path) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "attestation.pdf").write_bytes(b"%PDF-1.4\n% attestation\n")
    found = commands(guide)
    assert found[0] == "cheminement init mon-portfolio"
    assert {line.split()[2] for line in found[1:]} == {"recit", "parcours", "trace", "competence", "journal", "retour"}
    for line in found:
        args = [str(home) + arg[1:] if arg.startswith("~/") else arg for arg in shlex.split(line)]
        run(args, cwd=tmp_path / "mon-portfolio" if args[1] == "new" else tmp_path, home=home)
    folio = tmp_path / "mon-portfolio"
    docs = folio / "portfolio"

    # What the guide says each command writes is where it is.
    for named in re.findall(r"`(?:portfolio/)?((?:recits|competences|parcours)/[a-z-]+\.md)`", guide):
        assert (docs / named).is_file(), named
    assert (docs / "recits" / "mon-premier-entretien.md").is_file()

    # Only the placeholders stop the site, each said with its line, until they are filled.
    result = run(["cheminement", "check", "--format", "json"], cwd=folio, home=home, ok=False)
    assert result.returncode == 1
    reported = {(p["file"], p["code"]) for p in json.loads(result.stdout)}
    assert {code for _, code in reported} == {"placeholder", "placeholder-level"}
    assert {file for file, _ in reported} == {
        "recits/mon-premier-entretien.md", "parcours/conseillere-en-insertion.md", "competences/cooperer.md"}
    # The output the guide shows is the one the learner gets.
    (shown,) = [block for block in fenced(guide, "") if block.startswith("parcours/")]
    said = run(["cheminement", "check"], cwd=folio, home=home, ok=False).stdout.splitlines()
    assert all(line in said for line in shown.splitlines()), (shown, said)
    built = run(["mkdocs", "build", "--strict"], cwd=folio, home=home, ok=False)
    assert built.returncode != 0 and "« type » reste à compléter" in built.stdout + built.stderr
    for note in docs.rglob("*.md"):
        fill(note)

    # The guide's header example, on the story it has just created.
    (header,) = [block for block in fenced(guide, "yaml") if block.startswith("---\ntitre:")]
    recit = docs / "recits" / "mon-premier-entretien.md"
    body = recit.read_text(encoding="utf-8").split("---\n", 2)[2]
    # Its links and citation, in the words of the guide.
    links = re.findall(r"`(\[\[[^`\]]+\]\])`", guide)
    assert {"[[communiquer]]", "[[mon-premier-entretien]]", "[[mon-premier-entretien|ce jour-là]]"} <= set(links)
    citations = re.findall(r"`(\[@[^`\]]+\])` donne « ([^»]+) »", guide)
    assert citations
    starter = docs / "recits" / "mon-premier-recit.md"
    starter.write_text(starter.read_text(encoding="utf-8") + "\n" + " ".join(links) + "\n", encoding="utf-8")
    recit.write_text(header + "---\n" + body + "\n" + " ".join(c for c, _ in citations) + "\n", encoding="utf-8")
    (bibliography,) = [block for block in fenced(guide, "yaml") if "bibliographie:" in block]
    option = yaml.safe_load(bibliography)["plugins"][1]["cheminement"]
    config = folio / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - cheminement:\n", f"  - cheminement:\n      bibliographie: {option['bibliographie']}\n"), encoding="utf-8")
    (folio / option["bibliographie"]).write_text(BIB, encoding="utf-8")

    assert "0 erreur(s), 0 avertissement(s)" in run(["cheminement", "check"], cwd=folio, home=home).stdout
    run(["mkdocs", "build", "--strict"], cwd=folio, home=home)
    site = folio / "site"
    page = BeautifulSoup((site / "recits" / "mon-premier-recit" / "index.html").read_text(encoding="utf-8"), "lxml")
    hrefs = {a.get_text(" ", strip=True): a["href"] for a in page.select("article a[href]")}
    assert hrefs["ce jour-là"].endswith("mon-premier-entretien/")
    assert any(h.endswith("competences/communiquer/") for h in hrefs.values())
    story = BeautifulSoup((site / "recits" / "mon-premier-entretien" / "index.html").read_text(encoding="utf-8"), "lxml")
    text = " ".join(story.select_one("article").get_text().split())  # no-break spaces as spaces
    for _, shown in citations:
        assert shown in text, (shown, text)
    assert "Hélène Garnier" not in "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert not (site / "journal").exists()
    assert not (site / "nouveautes").exists()

    # « Nouveautés » appears after a review ended by a published feedback, as section 7 says.
    assert "`cheminement new retour … --relecture --public`" in guide
    run(["cheminement", "new", "retour", "--sur", "mon-premier-entretien", "--auteur", "Paul Coach", "--relecture",
         "--public"], cwd=folio, home=home)
    run(["mkdocs", "build", "--strict"], cwd=folio, home=home)
    assert (site / "nouveautes" / "index.html").is_file()
    story = BeautifulSoup((site / "recits" / "mon-premier-entretien" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert "Paul Coach" in story.select_one("article").get_text()
