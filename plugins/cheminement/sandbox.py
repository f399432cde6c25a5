"""Child processes for `build-all`: one per portfolio, each with an emptied environment and limits.

The parent never reads a learner's file beyond hashing its bytes. Each portfolio is built
by `python -I -m cheminement.isolated` (isolated.py) with:

- an environment holding only PATH, HOME and TMPDIR (a scratch folder), the locale and
  two switches: no CI token or secret of the build machine is there to be copied;
- `-I`: Python's isolated mode (no user site, no PYTHON* variables, no current folder on
  the import path);
- a wall-clock limit enforced here (the whole process group is killed), and a memory and
  file-size limit the child sets on itself before it reads anything (setrlimit), which
  unlike `preexec_fn` is safe whatever threads the parent runs.

The pool is a plain loop over `subprocess.Popen` objects: no thread, no executor, so a
child that hangs or is killed costs its own slot only.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .institution import Job, Outcome, complete
from .isolated import EXIT_MEMORY
from .messages import message

MIB = 1024 * 1024
POLL_SECONDS = 0.05
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass(frozen=True)
class Limits:
    seconds: float = 300.0  # wall clock, per portfolio
    memory: int = 2048 * MIB  # address space of the child
    file_size: int = 1024 * MIB  # the largest file the child may write


@dataclass
class _Running:
    job: Job
    process: subprocess.Popen[bytes]
    scratch: Path
    started: float


def child_environment(scratch: Path) -> dict[str, str]:
    """The child's whole environment: nothing of the parent's but a safe PATH."""
    return {
        "PATH": SAFE_PATH,
        "HOME": str(scratch),
        "TMPDIR": str(scratch / "tmp"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONNOUSERSITE": "1",
    }


def start(job: Job, limits: Limits, engine: str = "mkdocs") -> _Running:
    """Start the child for one portfolio; its files live in a scratch folder of its own."""
    scratch = Path(tempfile.mkdtemp(prefix=f"cheminement-{job.slug}-"))
    (scratch / "tmp").mkdir()
    shutil.rmtree(job.staging, ignore_errors=True)
    order = {
        "slug": job.slug,
        "folder": str(job.folder.resolve()),
        "staging": str(job.staging),
        "scratch": str(scratch),
        "result": str(scratch / "result.json"),
        "institution": job.institution.to_dict(),
        "memory": limits.memory,
        "file_size": limits.file_size,
        "engine": engine,
        "shared": job.store.key if job.store else None,  # the store's key: the child shares its theme files
    }
    (scratch / "job.json").write_text(json.dumps(order, ensure_ascii=False), encoding="utf-8")
    with open(scratch / "log.txt", "wb") as log:
        process = subprocess.Popen(  # our own module, fixed arguments
            [sys.executable, "-I", "-m", "cheminement.isolated", str(scratch / "job.json")],
            cwd=scratch,
            env=child_environment(scratch),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as a whole
            close_fds=True,
        )
    return _Running(job, process, scratch, time.monotonic())


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def finish(running: _Running, limits: Limits, timed_out: bool) -> Outcome:
    """The outcome of a child that ended (or was stopped), its scratch folder removed."""
    job, code = running.job, running.process.returncode
    lang = job.institution.lang
    try:
        result = _result(running.scratch / "result.json")
        if timed_out:
            result = {"status": "failed", "detail": message("institution.timeout", lang, seconds=_seconds(limits.seconds))}
        elif result is None:
            result = {"status": "failed", "detail": _failure(code, running.scratch / "log.txt", limits, lang)}
        outcome = complete(job, result)
    finally:
        shutil.rmtree(running.scratch, ignore_errors=True)
        shutil.rmtree(job.staging, ignore_errors=True)
    outcome.seconds = round(time.monotonic() - running.started, 2)
    return outcome


def _result(path: Path) -> dict[str, Any] | None:
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return result if isinstance(result, dict) else None


def _failure(code: int | None, log: Path, limits: Limits, lang: str) -> str:
    """Why a child stopped without a result: memory, file size, or what it printed last."""
    if code == EXIT_MEMORY:
        return message("institution.memory", lang, mib=limits.memory // MIB)
    if code == -signal.SIGXFSZ:
        return message("institution.file-size", lang, mib=limits.file_size // MIB)
    try:
        with open(log, "rb") as handle:
            handle.seek(max(0, log.stat().st_size - 4000))
            tail = handle.read().decode("utf-8", "replace").strip().splitlines()
    except OSError:
        tail = []
    if any("MemoryError" in line for line in tail):
        return message("institution.memory", lang, mib=limits.memory // MIB)
    return message("institution.crashed", lang, code=code, detail=tail[-1] if tail else "")


def _seconds(value: float) -> str:
    return f"{value:g}"


def run_all(jobs: list[Job], processes: int, limits: Limits,
            on_done: Callable[[Outcome], None] | None = None, engine: str = "mkdocs") -> list[Outcome]:
    """Build every job with `engine`, at most `processes` children at a time, each within its time limit."""
    pending = list(reversed(jobs))
    running: list[_Running] = []
    outcomes: list[Outcome] = []
    try:
        while pending or running:
            while pending and len(running) < max(processes, 1):
                running.append(start(pending.pop(), limits, engine))
            time.sleep(POLL_SECONDS)
            now = time.monotonic()
            for item in list(running):
                timed_out = item.process.poll() is None and now - item.started > limits.seconds
                if timed_out:
                    _kill(item.process)
                if item.process.returncode is None:
                    continue
                running.remove(item)
                outcomes.append(finish(item, limits, timed_out))
                if on_done:
                    on_done(outcomes[-1])
    finally:
        for item in running:  # interrupted (Ctrl-C): no child outlives the command
            _kill(item.process)
            shutil.rmtree(item.scratch, ignore_errors=True)
            shutil.rmtree(item.job.staging, ignore_errors=True)
    return outcomes
