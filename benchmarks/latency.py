"""Save-to-visible latency under serve: how long after saving a note the served site shows it.

Used by run.py (`--serve-edits`, on by default). For each server (bare `mkdocs serve`, the
plugin under `mkdocs serve` with full rebuilds, and `cheminement serve`, the incremental one,
when that command exists), on a private copy of a generated portfolio:

1. start the server on a free loopback port and wait until the home page answers;
2. for each edit, write the file and poll over HTTP until the site shows it:
   - `recit`: a sentence added to a public récit, until its page holds the sentence;
   - `level`: a competence level raised in a récit's front matter, until its page shows the
     new level (bare MkDocs shows no front matter: until the rebuild has finished, which
     MkDocs's livereload endpoint `/livereload/EPOCH/0` tells);
   - `private`: a récit made `visibilite: prive`, until its page answers 404 *and* the search
     index no longer names it (bare MkDocs has no private notes: the file is removed);
3. wait until the server is idle again (no rebuild follows), then the next edit.

Each edit is made `repeats` times on different récits; the report gives the median. A page
request made while MkDocs rebuilds waits for the build to finish (livereload serves only whole
sites), so polling cannot see a half-built site.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

EDITS = ("recit", "level", "private")
SCALE = ("Découverte", "Application", "Maîtrise", "Expertise")
_PLAIN_WORDS = re.compile(r"[A-Za-zÀ-ÿ ,]+")  # no quote, apostrophe or entity the index may encode
_LEVEL_LINE = re.compile(r"^(  [\w-]+: )\"?(Découverte|Application|Maîtrise)\"?$", re.MULTILINE)


@dataclass
class ServeResult:
    """Latencies (seconds) of one server, by edit; `note` says why it was not measured."""

    name: str
    latencies: dict[str, list[float]] = field(default_factory=dict)
    startup_s: float = float("nan")
    note: str = ""

    def median(self, edit: str) -> float:
        values = self.latencies.get(edit) or []
        return statistics.median(values) if values else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, timeout: float = 120) -> tuple[int, bytes]:
    """Status and body; a connection refused is status 0."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, TimeoutError):
        return 0, b""


def incremental_command(cheminement: str, env: dict[str, str]) -> tuple[list[str] | None, str]:
    """`cheminement serve CONFIG <address option>` if the command exists, else (None, why)."""
    try:
        proc = subprocess.run([cheminement, "serve", "--help"], capture_output=True, text=True, env=env, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"`cheminement serve --help` failed: {error}"
    if proc.returncode != 0:
        return None, "`cheminement serve` does not exist in the code under test"
    for option in ("--dev-addr", "--adresse", "--address"):
        if option in proc.stdout:
            return [cheminement, "serve", "{config}", option, "{address}"], ""
    if re.search(r"(^|\s)-a[,\s]", proc.stdout):
        return [cheminement, "serve", "{config}", "-a", "{address}"], ""
    return None, "`cheminement serve --help` names no address option (--dev-addr or -a)"


class Server:
    """One serve process over a portfolio folder, stopped on exit."""

    def __init__(self, command: list[str], config: Path, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        args = [part.format(address=f"127.0.0.1:{self.port}", config=config) for part in command]
        cwd = config.parent
        self.log = log.open("wb")
        # A session of its own: stopping it stops whatever the command started, and only that.
        self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_: object) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=20)
                break
            except subprocess.TimeoutExpired:
                continue
        self.log.close()

    def ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if fetch(self.base, timeout=10)[0] == 200:
                return True
            time.sleep(0.2)
        return False

    def epoch(self, after: int = 0, timeout: float = 120) -> int | None:
        """The livereload epoch once it is greater than `after` (None on timeout)."""
        status, body = fetch(f"{self.base}livereload/{after}/0", timeout=timeout)
        return int(body) if status == 200 and body.strip().isdigit() else None

    def settle(self, quiet: float = 1.0) -> None:
        """Wait until no rebuild follows for `quiet` seconds."""
        current = self.epoch() or 0
        while (newer := self.epoch(current, timeout=quiet)) is not None and newer > current:
            current = newer


def page_url(base: str, src: str) -> str:
    return base + src.removesuffix(".md") + "/"


def public_recits(docs: Path) -> list[Path]:
    """Public récits with a raisable level, in path order (deterministic)."""
    found = []
    for path in sorted((docs / "recits").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        # Not a note the level edit would find already showing "Expertise".
        if "visibilite: prive" not in text and "Expertise" not in text and _LEVEL_LINE.search(text):
            found.append(path)
    return found


def _visible(server: Server, check: list[tuple[str, str, bytes]], deadline: float, since: int) -> bool:
    """Poll until every check holds: (url, "has" | "unindexed" | "404" | "rebuilt", bytes)."""
    while time.monotonic() < deadline:
        ok = True
        for url, kind, marker in check:
            if kind == "rebuilt":
                epoch = server.epoch(since, timeout=max(1.0, deadline - time.monotonic()))
                ok = epoch is not None and epoch > since
            else:
                status, body = fetch(url, timeout=max(1.0, deadline - time.monotonic()))
                ok = ((kind == "has" and status == 200 and marker in body)
                      or (kind == "unindexed" and status == 200 and not _indexed(body, marker))
                      or (kind == "404" and status == 404))
            if not ok:
                break
        if ok:
            return True
        time.sleep(0.05)
    return False


def _documents(index: bytes) -> list[dict[str, str]]:
    try:
        docs = json.loads(index).get("docs", [])
    except (ValueError, AttributeError):
        return []
    return [d for d in docs if isinstance(d, dict)]


def _indexed(index: bytes, marker: bytes) -> bool:
    """Whether the search index still has the page (`location` NUL `sentence`): an entry at
    its address, or its sentence in any entry's text."""
    location, _, sentence = marker.decode().partition("\0")
    for doc in _documents(index):
        if str(doc.get("location", "")).split("#")[0] == location:
            return True
        if sentence and sentence in str(doc.get("text", "")):
            return True
    return False


def own_sentence(path: Path, index: bytes) -> str:
    """Words of the note found in exactly one entry of the search index (its own), so that
    "no longer indexed" means its text is gone; "" when none is that unique."""
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
    texts = [str(d.get("text", "")) for d in _documents(index)]
    for words in sorted(set(_PLAIN_WORDS.findall(body)), key=len, reverse=True):
        words = words.strip(" ,")
        if len(words) >= 30 and sum(words in text for text in texts) == 1:
            return words
    return ""


def edit(kind: str, path: Path, docs: Path, base: str, bare: bool, serial: int,
         sentence: str = "") -> list[tuple[str, str, bytes]]:
    """Make one edit to `path`; what the site must show once it is visible (`sentence`: see
    own_sentence)."""
    src = path.relative_to(docs).as_posix()
    url, text = page_url(base, src), path.read_text(encoding="utf-8")
    if kind == "recit":
        added = f"Phrase ajoutée pour la mesure numéro {serial}."
        path.write_text(text.rstrip("\n") + f"\n\n{added}\n", encoding="utf-8")
        return [(url, "has", added.encode())]
    if kind == "level":
        path.write_text(_LEVEL_LINE.sub(lambda m: f"{m.group(1)}Expertise", text, count=1), encoding="utf-8")
        return [(url, "rebuilt", b"")] if bare else [(url, "has", b"Expertise")]
    if bare:
        path.unlink()
    else:
        path.write_text(text.replace("---\n", "---\nvisibilite: prive\n", 1), encoding="utf-8")
    marker = f"{url.removeprefix(base)}\0{sentence}".encode()
    return [(url, "404", b""), (base + "search/search_index.json", "unindexed", marker)]


def measure(name: str, command: list[str], portfolio: Path, config: str, env: dict[str, str], repeats: int,
            timeout: float, log_dir: Path) -> ServeResult:
    """Start one server on a copy of `portfolio`, make every edit `repeats` times."""
    result = ServeResult(name)
    with tempfile.TemporaryDirectory(prefix="chm-serve-") as tmp:
        work = Path(tmp)
        shutil.copytree(portfolio / "docs", work / "docs")
        shutil.copy(portfolio / config, work / config)
        started = time.monotonic()
        with Server(command, work / config, env, log_dir / f"serve-{name.replace(' ', '-')}.log") as server:
            if not server.ready(timeout):
                result.note = f"the server did not answer (log: {server.log.name})"
                return result
            result.startup_s = time.monotonic() - started
            server.settle()
            docs, bare = work / "docs", "plugin" not in name
            targets = public_recits(docs)
            if len(targets) < len(EDITS) * repeats:
                result.note = "not enough public récits to edit"
                return result
            serial = 0
            for kind in EDITS:
                for _ in range(repeats):
                    path = targets.pop(serial * 7 % len(targets))
                    serial += 1
                    sentence = ""
                    if kind == "private":
                        sentence = own_sentence(path, fetch(server.base + "search/search_index.json")[1])
                    before = server.epoch() or 0
                    start = time.monotonic()
                    checks = edit(kind, path, docs, server.base, bare, serial, sentence)
                    if not _visible(server, checks, start + timeout, before):
                        result.note = f"{kind}: not visible after {timeout:.0f} s (log: {server.log.name})"
                        return result
                    result.latencies.setdefault(kind, []).append(time.monotonic() - start)
                    server.settle()
    return result


def run_all(portfolio: Path, tools: dict[str, str], env: dict[str, str], repeats: int, timeout: float,
            log_dir: Path) -> list[ServeResult]:
    """bare, plugin full (`mkdocs serve`), plugin incremental (`cheminement serve`, if present)."""
    mkdocs = [tools["mkdocs"], "serve", "-f", "{config}", "-a", "{address}"]  # livereload on: its epoch is read
    results = [measure("bare", mkdocs, portfolio, "mkdocs-bare.yml", env, repeats, timeout, log_dir),
               measure("plugin full", mkdocs, portfolio, "mkdocs.yml", env, repeats, timeout, log_dir)]
    incremental, why = incremental_command(tools["cheminement"], env)
    if incremental is None:
        results.append(ServeResult("plugin incremental", note=why))
    else:
        results.append(measure("plugin incremental", incremental, portfolio, "mkdocs.yml", env, repeats, timeout,
                               log_dir))
    return results


def report(results: list[ServeResult], n: int, repeats: int) -> list[str]:
    """The report's section: medians by edit and server, ratios to bare."""
    bare = next((r for r in results if r.name == "bare"), None)
    lines = ["## Save to visible under serve", "",
             f"A generated portfolio of N={n} récits, copied; each edit made {repeats} time(s) on different "
             "récits, median seconds from writing the file to the served site showing it (see "
             "`benchmarks/latency.py`; bare MkDocs shows no front matter, so its level edit is timed to the end "
             "of its rebuild, and its \"made private\" edit removes the file).", "",
             "| server | start s | " + " | ".join(f"{e} s (× bare)" for e in EDITS) + " |",
             "|---|---:|" + "---:|" * len(EDITS)]
    for result in results:
        cells = []
        for kind in EDITS:
            value, base = result.median(kind), bare.median(kind) if bare else float("nan")
            cells.append("—" if value != value else f"{value:.2f}" + (f" ({value / base:.2f})" if base == base else ""))
        start = "—" if result.startup_s != result.startup_s else f"{result.startup_s:.1f}"
        lines.append(f"| {result.name} | {start} | " + " | ".join(cells) + " |")
    lines += [f"- {r.name}: {r.note}" for r in results if r.note]
    return lines
