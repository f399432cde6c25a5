"""build-all's pre-forked worker (zygote.py): one warm process forks each portfolio's build.

The guarantees of a fresh child per portfolio must hold for every fork: a build that hangs
or exhausts its memory costs its own portfolio only and the same worker builds the next
ones; no variable of the parent's environment reaches a build; nothing of one learner's
build shows in the next one's; no process outlives build-all, even interrupted; and when
the worker itself dies, the remaining portfolios are still built (by plain children).
Processes are found through /proc (Linux), as build-all itself is POSIX only.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_institution import portfolio

from cheminement import sandbox
from cheminement.institution import Institution, Outcome, plan
from cheminement.zygote import child_environment

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="processes are found through /proc")

CANARY_NAME, CANARY_VALUE = "CHEMINEMENT_TEST_ZYGOTE", "canari-zygote-51f0e2"
PLAIN = "site_name: {name}\ndocs_dir: portfolio\ntheme: {{name: material}}\n"
PARAGRAPH = "Une phrase *avec* de l'**emphase**, un [lien](https://example.org) et du `code`.\n\n"


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _processes() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def zygotes() -> list[int]:
    """This test process's build workers."""
    found = []
    for pid in _processes():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"cheminement.zygote" in command and _parent_of(pid) == os.getpid():
            found.append(pid)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped does not count: it runs nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Watch:
    """on_done for run_all: the workers and their builds seen as each portfolio ends."""

    def __init__(self, then: Callable[[Outcome], None] | None = None) -> None:
        self.workers: set[int] = set()
        self.builds: set[int] = set()
        self.then = then

    def __call__(self, outcome: Outcome) -> None:
        for worker in zygotes():
            self.workers.add(worker)
            self.builds.update(pid for pid in _processes() if _parent_of(pid) == worker)
        if self.then is not None:
            self.then(outcome)


def learner(root: Path, slug: str, name: str, note: str | None = None, paragraphs: int = 0) -> Path:
    folder = portfolio(root, slug, PLAIN.format(name=name))
    if note is not None:
        (folder / "portfolio" / "recits" / f"{slug}-note.md").write_text(
            f"---\ntitre: {note}\ndate: 2025-03\n---\n{PARAGRAPH * paragraphs}", encoding="utf-8")
    return folder


def run(root: Path, out: Path, limits: sandbox.Limits, on_done: Callable[[Outcome], None],
        processes: int = 1, engine: str = "mkdocs") -> dict[str, Outcome]:
    institution = Institution.load(root)
    jobs, _ = plan(root, out, institution, None, True, engine)
    return {o.slug: o for o in sandbox.run_all(jobs, processes, limits, on_done, engine)}


@pytest.fixture(scope="module")
def heavy_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`a-lourd` (built first) has a note that takes minutes and gigabytes; then two others."""
    root = tmp_path_factory.mktemp("zygote-heavy") / "root"
    root.mkdir()
    learner(root, "a-lourd", "Lourd", "Très longue note", paragraphs=120_000)
    learner(root, "b-alice", "Alice")
    learner(root, "c-bob", "Bob")
    return root


def test_a_build_over_the_time_limit_is_killed_and_the_same_worker_builds_the_next(
        heavy_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    watch = Watch()
    outcomes = run(heavy_root, tmp_path / "site", sandbox.Limits(seconds=4), watch)
    assert outcomes["a-lourd"].status == "failed" and "temps dépassé" in outcomes["a-lourd"].detail
    assert outcomes["b-alice"].status == outcomes["c-bob"].status == "built"
    assert len(watch.workers) == 1  # not a new worker, nor plain children, after the kill
    assert "processus de construction partagé" not in capsys.readouterr().err
    assert not [pid for pid in watch.workers | watch.builds if alive(pid)]


def test_a_build_over_the_memory_limit_fails_alone(heavy_root: Path, tmp_path: Path) -> None:
    watch = Watch()
    outcomes = run(heavy_root, tmp_path / "site", sandbox.Limits(memory=120 * sandbox.MIB), watch)
    assert outcomes["a-lourd"].status == "failed"
    assert "mémoire dépassée" in outcomes["a-lourd"].detail and "120 Mio" in outcomes["a-lourd"].detail
    assert outcomes["b-alice"].status == outcomes["c-bob"].status == "built"
    assert len(watch.workers) == 1


def test_no_build_sees_the_parents_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    learner(root, "alice", "Alice", "Une note", paragraphs=20_000)  # still running when bob ends
    learner(root, "bob", "Bob")
    learner(root, "carol", "Carol")  # more portfolios than processes: the worker is used
    monkeypatch.setenv(CANARY_NAME, CANARY_VALUE)
    seen: list[bytes] = []

    def environments(_: Outcome) -> None:
        for worker in zygotes():
            pids = [worker, *(pid for pid in _processes() if _parent_of(pid) == worker)]
            seen.extend(Path(f"/proc/{pid}/environ").read_bytes() for pid in pids if alive(pid))

    outcomes = run(root, tmp_path / "site", sandbox.Limits(), environments, processes=2)
    assert {o.status for o in outcomes.values()} == {"built"}
    assert seen  # the worker (and the build still running) were read
    for environ in seen:
        names = {entry.split(b"=", 1)[0].decode() for entry in environ.split(b"\0") if entry}
        assert CANARY_VALUE.encode() not in environ and names == set(child_environment(tmp_path))


def test_a_fork_takes_its_own_environment_folders_and_streams(tmp_path: Path) -> None:
    """What a grandchild does before reading its job (`enter`), in a process of its own."""
    scratch = tmp_path / "scratch"
    (scratch / "tmp").mkdir(parents=True)
    script = (
        "import json, os, sys, tempfile\n"
        "from pathlib import Path\n"
        "from cheminement import zygote\n"
        f"os.environ[{CANARY_NAME!r}] = {CANARY_VALUE!r}\n"
        "tempfile.gettempdir()\n"
        "extra = os.open(os.devnull, os.O_RDONLY)\n"
        "zygote.enter(Path(sys.argv[1]))\n"
        "print(json.dumps({'env': dict(os.environ), 'cwd': os.getcwd(), 'tmp': tempfile.gettempdir(),\n"
        "                  'fds': sorted(int(fd) for fd in os.listdir('/proc/self/fd'))}))\n"
    )
    result = subprocess.run([sys.executable, "-I", "-c", script, str(scratch)], capture_output=True, text=True,
                            stdin=subprocess.PIPE, timeout=60, check=False)
    assert result.returncode == 0 and result.stdout == "", result.stderr  # its output goes to its log
    seen = json.loads((scratch / "log.txt").read_text(encoding="utf-8"))
    assert seen["env"] == child_environment(scratch)
    assert seen["cwd"] == str(scratch) and seen["tmp"] == str(scratch / "tmp")
    assert seen["fds"][:3] == [0, 1, 2] and len(seen["fds"]) == 4  # and the one listing them


def test_two_learners_built_by_one_worker_share_nothing(tmp_path: Path) -> None:
    root = tmp_path / "root"
    learner(root, "alice", "Alice Martin-Quatrefages", "Atelier des Quatrefages")
    learner(root, "bob", "Bob Lemoine-Zébulon", "Chantier du Zébulon")
    watch = Watch()
    out = tmp_path / "site"
    outcomes = run(root, out, sandbox.Limits(), watch)
    assert {o.status for o in outcomes.values()} == {"built"} and len(watch.workers) == 1
    marks = {"alice": ("Quatrefages", "alice-note"), "bob": ("Zébulon", "bob-note")}
    for slug, other in (("alice", "bob"), ("bob", "alice")):
        text = b"\n".join(p.read_bytes() for p in (out / slug).rglob("*") if p.is_file())
        assert marks[slug][0].encode() in text and marks[slug][1].encode() in text
        for mark in marks[other]:
            assert mark.encode() not in text, (slug, mark)


def test_an_interrupted_build_all_leaves_no_process(tmp_path: Path) -> None:
    root = tmp_path / "root"
    learner(root, "a", "A")
    learner(root, "b", "B", "Longue", paragraphs=60_000)  # still running when `a` ends
    learner(root, "c", "C")

    def interrupt(_: Outcome) -> None:
        raise KeyboardInterrupt

    watch = Watch(interrupt)
    with pytest.raises(KeyboardInterrupt):
        run(root, tmp_path / "site", sandbox.Limits(), watch, processes=2)
    assert watch.workers and watch.builds
    assert not [pid for pid in watch.workers | watch.builds if alive(pid)]
    assert not [p for p in (tmp_path / "site").iterdir() if p.name.startswith(".")]  # no staging left


def test_when_the_worker_dies_the_rest_is_built_by_plain_children(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "root"
    for slug in ("a", "b", "c"):
        learner(root, slug, slug.upper())

    def kill_worker(_: Outcome) -> None:
        for worker in zygotes():
            os.kill(worker, signal.SIGKILL)

    watch = Watch(kill_worker)
    outcomes = run(root, tmp_path / "site", sandbox.Limits(), watch)
    assert {slug: o.status for slug, o in outcomes.items()} == {"a": "built", "b": "built", "c": "built"}
    assert "le processus de construction partagé s'est arrêté" in capsys.readouterr().err
    assert len(watch.workers) == 1 and not [pid for pid in watch.workers if alive(pid)]


def test_the_worker_runs_properdocs_when_asked(tmp_path: Path) -> None:
    pytest.importorskip("properdocs")
    root = tmp_path / "root"
    learner(root, "alice", "Alice")
    learner(root, "bob", "Bob")
    watch = Watch()
    outcomes = run(root, tmp_path / "site", sandbox.Limits(), watch, engine="properdocs")
    assert {o.status for o in outcomes.values()} == {"built"}, outcomes
    assert (tmp_path / "site" / "bob" / "index.html").is_file() and len(watch.workers) == 1


def test_no_more_portfolios_than_processes_are_built_by_plain_children(tmp_path: Path) -> None:
    """The worker's start costs about a second: not worth it when every build has a slot."""
    root = tmp_path / "root"
    learner(root, "alice", "Alice")
    learner(root, "bob", "Bob")
    watch = Watch()
    outcomes = run(root, tmp_path / "site", sandbox.Limits(), watch, processes=2)
    assert {o.status for o in outcomes.values()} == {"built"} and not watch.workers


def test_a_worker_that_does_not_start_in_time_is_stopped_and_plain_children_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from cheminement import zygote

    monkeypatch.setattr(zygote, "READY_SECONDS", 0.001)  # far less than its imports take
    root = tmp_path / "root"
    for slug in ("a", "b"):
        learner(root, slug, slug.upper())
    watch = Watch()
    outcomes = run(root, tmp_path / "site", sandbox.Limits(), watch)
    assert {o.status for o in outcomes.values()} == {"built"} and not watch.workers
    assert "le processus de construction partagé n'a pas démarré" in capsys.readouterr().err
    assert not zygotes()
