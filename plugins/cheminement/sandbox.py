"""Processes for `build-all`: one per portfolio, each with an emptied environment and limits.

The parent never reads a learner's file beyond hashing its bytes. Each portfolio is built
by a process of its own, forked by the build worker (zygote.py: one `python -I` child that
imports the engine once), or, when that worker cannot start or stops, by a plain
`python -I -m cheminement.isolated` child (isolated.py). Either way the build has:

- an environment holding only PATH, HOME and TMPDIR (a scratch folder), the locale and
  two switches: no CI token or secret of the build machine is there to be copied;
- `-I`: Python's isolated mode (no user site, no PYTHON* variables, no current folder on
  the import path);
- a wall-clock limit enforced here (the whole process group is killed), and a memory and
  file-size limit the process sets on itself before it reads anything (setrlimit), which
  unlike `preexec_fn` is safe whatever threads the parent runs.

The pool is a plain loop over processes: no thread, no executor, so a build that hangs
or is killed costs its own slot only. When the worker stops, the builds it ran are killed
and started again as plain children, as is everything after them (fail safe, slower).
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
from .zygote import Forked, Worker, WorkerGone, child_environment, kill_build

MIB = 1024 * 1024
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Limits:
    seconds: float = 300.0  # wall clock, per portfolio
    memory: int = 2048 * MIB  # address space of the child
    file_size: int = 1024 * MIB  # the largest file the child may write


@dataclass
class _Running:
    job: Job
    process: subprocess.Popen[bytes] | Forked
    scratch: Path
    started: float


def start(job: Job, limits: Limits, engine: str = "mkdocs", worker: Worker | None = None) -> _Running:
    """Start the build of one portfolio, forked by `worker` or else as a plain child; its
    files live in a scratch folder of its own. Raises WorkerGone when the worker failed."""
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
    if worker is not None:
        try:
            forked = worker.fork(scratch / "job.json", scratch, limits.memory, limits.file_size)
        except WorkerGone:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        return _Running(job, forked, scratch, time.monotonic())
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


def _kill(process: subprocess.Popen[bytes] | Forked) -> None:
    if isinstance(process, Forked):
        process.kill()
        return
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
    """Build every job with `engine`, at most `processes` at a time, each within its time limit."""
    pending = list(reversed(jobs))
    running: list[_Running] = []
    outcomes: list[Outcome] = []
    lang = jobs[0].institution.lang if jobs else "fr"
    # The worker's start (about a second) pays for itself only when a slot builds several portfolios.
    worker = _worker(engine, lang) if len(jobs) > max(processes, 1) else None
    try:
        while pending or running:
            try:
                while pending and len(running) < max(processes, 1):
                    job = pending.pop()
                    try:
                        running.append(start(job, limits, engine, worker))
                    except WorkerGone:
                        pending.append(job)
                        raise
                _wait(worker)
                for item in list(running):
                    timed_out = item.process.poll() is None and time.monotonic() - item.started > limits.seconds
                    if timed_out:
                        _kill(item.process)
                    if item.process.returncode is None:
                        continue
                    running.remove(item)
                    outcomes.append(finish(item, limits, timed_out))
                    if on_done:
                        on_done(outcomes[-1])
            except WorkerGone:
                pending.extend(_restart(running))
                _lost(worker, lang)
                worker = None
    finally:
        for item in running:  # interrupted (Ctrl-C): no build outlives the command
            _kill(item.process)
            shutil.rmtree(item.scratch, ignore_errors=True)
            shutil.rmtree(item.job.staging, ignore_errors=True)
        if worker is not None:
            _close(worker)
    return outcomes


def _wait(worker: Worker | None) -> None:
    """Until the worker reports something (a build ended), or one polling period."""
    if worker is None:
        time.sleep(POLL_SECONDS)
    else:
        worker.pump(POLL_SECONDS)


def _worker(engine: str, lang: str) -> Worker | None:
    """The build worker, or None (plain children) when it cannot start, which is said."""
    scratch = Path(tempfile.mkdtemp(prefix="cheminement-zygote-"))
    (scratch / "tmp").mkdir()
    try:
        return Worker(engine, scratch)
    except (WorkerGone, OSError):
        shutil.rmtree(scratch, ignore_errors=True)
        sys.stderr.write(message("zygote.unavailable", lang) + "\n")
        return None


def _restart(running: list[_Running]) -> list[Job]:
    """The builds a stopped worker had forked, killed and cleaned up: to start again.

    Those it reported ended stay in `running` and finish as usual.
    """
    again = [item for item in running if item.process.returncode is None]
    for item in again:
        kill_build(item.process.pid)  # now a child of init: killed by its number
        running.remove(item)
        shutil.rmtree(item.scratch, ignore_errors=True)
        shutil.rmtree(item.job.staging, ignore_errors=True)
    return [item.job for item in reversed(again)]


def _lost(worker: Worker | None, lang: str) -> None:
    """The worker stopped: the rest is built by plain children, and the command says so."""
    code = None
    if worker is not None:
        code = worker.process.poll()
        _close(worker)
    sys.stderr.write(message("zygote.lost", lang, code="?" if code is None else code) + "\n")


def _close(worker: Worker) -> None:
    worker.close()
    shutil.rmtree(worker.scratch, ignore_errors=True)
