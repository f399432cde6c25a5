"""A pre-forked build worker for `build-all`: the engine is imported once, each portfolio gets a fresh fork.

Starting a fresh `python -I` per portfolio (sandbox.py) costs an interpreter, the imports of
MkDocs, Material and our package, and the compilation of Material's templates: about half
a second of a one-second build. Here ONE child, `python -I -m cheminement.zygote ENGINE`,
started by the parent with the same emptied environment, does that work once, then forks a
grandchild per portfolio. Each grandchild:

- leaves the zygote's session (its own process group, which the parent kills as a whole on
  a time-out, as before);
- sets its own limits (memory, file size, no core) before it reads the job, let alone a
  byte of the learner's;
- gets its own scratch HOME, TMPDIR and working folder, its standard streams pointed at its
  own log, every other descriptor of the zygote closed;
- builds with isolated.py, exactly as the plain child does, and leaves with `os._exit`.

The zygote itself never reads or builds a portfolio: what it holds when it forks comes from
the installed packages only (modules, and the compiled templates of the installed themes,
`compile_themes`), so one learner's build cannot leave anything in it for the next one; a
grandchild's own changes die with it. It forks only while it runs a single thread.

The protocol is one line per message. Parent to zygote: a JSON order (`id`, `job`, `scratch`,
`memory`, `file_size`). Zygote to parent: `ready`, `started ID PID`, `refused ID`, and
`ended PID CODE` (CODE as subprocess reports it: negative for a signal). When its input
closes (the parent is done, interrupted or killed) the zygote kills the builds still
running and exits. `Worker` is the parent's side.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NoReturn, cast

SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
READY_SECONDS = 60.0  # the zygote's imports; past that it is taken for dead
REPLY_SECONDS = 30.0  # a fork
OUR_TEMPLATES = "cheminement/"  # rendered by our Renderer; the rest by the engine's theme
EXIT_BROKEN = 70  # the grandchild could not even prepare itself (EX_SOFTWARE)
# Modules every build imports: loaded once in the zygote (the engine's come with find_engine).
MODULES = ("cheminement.isolated", "cheminement.plugin", "cheminement.learner", "cheminement.stage_config",
           "cheminement.audit", "lxml.html", "material.plugins.search.plugin", "pygments.lexers",
           "pygments.formatters.html", "babel.dates")


def child_environment(scratch: Path) -> dict[str, str]:
    """A build's whole environment: nothing of the parent's but a safe PATH."""
    return {
        "PATH": SAFE_PATH,
        "HOME": str(scratch),
        "TMPDIR": str(scratch / "tmp"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONNOUSERSITE": "1",
    }


def kill_build(pid: int) -> None:
    """Kill a forked build: its process group, and the process itself in case it had not yet
    left the zygote's group (a kill right after the fork, before its `setsid`)."""
    for kill, target in ((os.killpg, pid), (os.kill, pid)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill(target, signal.SIGKILL)


# -- Compiled templates, shared by every build the zygote forks ---------------------------------


def compile_themes() -> None:
    """Compile the installed themes' templates into the process's caches.

    MkDocs makes a new Jinja environment for every build, and so does our renderer; our
    plugin (and isolated.py, for Material's search plugin) lends them the process's
    bytecode cache (render.COMPILED, keyed by file, checked against the source and the
    environment's options). Compiled here once, the templates
    of Material, MkDocs and ours are not compiled again by any build forked from this
    process. The environments are made by the same code as in a build (MkDocs' theme, our
    `Renderer` over nothing), searching the folders a build searches; a template that
    needs a plugin's filter is left to the build that has it. The installed themes' file
    list (mkdocs_files.reserved_paths) is cached the same way.
    """
    import jinja2  # noqa: PLC0415 - the zygote's only
    from mkdocs.theme import Theme  # noqa: PLC0415 - ProperDocs answers it too

    from .mkdocs_files import reserved_paths  # noqa: PLC0415
    from .model import Referentiel  # noqa: PLC0415
    from .render import COMPILED, Renderer  # noqa: PLC0415
    from .settings import Settings  # noqa: PLC0415
    from .views import Views  # noqa: PLC0415

    theme = Theme(name="material")
    theme.dirs.insert(0, str(Path(importlib.import_module("cheminement.theme").__file__ or "").resolve().parent))
    reserved_paths(cast("Any", SimpleNamespace(theme=theme)))  # only its theme is read
    engine_env = theme.get_env()
    engine_env.bytecode_cache = COMPILED
    ours = Renderer(theme.dirs, Settings(docs_dir=Path(os.devnull)), Referentiel(), Views([], {}, [], {}, {}, [])).env
    for env, mine in ((engine_env, False), (ours, True)):
        for name in env.list_templates(extensions=("html", "xml")):
            if name.startswith(OUR_TEMPLATES) == mine:
                with contextlib.suppress(jinja2.TemplateError):
                    env.get_template(name)


# -- The zygote: warm up once, then fork on demand ---------------------------------------------


def main(argv: list[str]) -> int:
    """`python -I -m cheminement.zygote ENGINE`: orders on stdin, replies on stdout."""
    replies = os.dup(1)
    os.dup2(2, 1)  # whatever an import prints goes to the log, never into the replies
    warm(argv[1] if len(argv) > 1 else "mkdocs")
    os.write(replies, b"ready\n")
    Server(replies).run()
    return 0


def warm(engine_name: str) -> None:
    """Import what every build imports and compile the installed themes' templates.

    An engine that cannot load is left to each build to report (isolated.py, its message).
    """
    from .engine import NoEngine, find_engine  # noqa: PLC0415

    try:
        find_engine(engine_name)
    except NoEngine:
        return
    for name in MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    try:
        compile_themes()
    except Exception:  # noqa: BLE001 - a warm-up: without it each build compiles its templates, as before
        traceback.print_exc()


class Server:
    """The zygote's loop: fork on each order, report each grandchild's end."""

    def __init__(self, replies: int) -> None:
        self.replies = replies
        self.children: set[int] = set()
        self.wake_read, self.wake_write = os.pipe()
        for fd in (self.wake_read, self.wake_write):
            os.set_blocking(fd, False)
        signal.set_wakeup_fd(self.wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes select through the pipe

    def run(self) -> None:
        pending = b""
        open_ = True
        try:
            while open_ or self.children:
                watched = [0, self.wake_read] if open_ else [self.wake_read]
                ready, _, _ = select.select(watched, [], [], 1.0)
                if self.wake_read in ready:
                    with contextlib.suppress(BlockingIOError):
                        os.read(self.wake_read, 4096)
                self.reap()
                if 0 in ready:
                    data = os.read(0, 65536)
                    if not data:
                        open_ = False
                        self.kill_all()  # the parent is gone or done: nothing outlives it
                    pending += data
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        self.order(json.loads(line))
        finally:
            self.kill_all()

    def order(self, order: dict[str, Any]) -> None:
        if threading.active_count() != 1:  # a fork would copy locks held by another thread
            os.write(self.replies, f"refused {order['id']}\n".encode())
            return
        sys.stdout.flush()  # nothing of the zygote's own log is written again by a build
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            self.grandchild(order)
        self.children.add(pid)
        os.write(self.replies, f"started {order['id']} {pid}\n".encode())

    def grandchild(self, order: dict[str, Any]) -> NoReturn:
        """Become one portfolio's build; never returns."""
        code = EXIT_BROKEN
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.setsid()
            from .isolated import apply_limits, run_job  # noqa: PLC0415 - loaded by the zygote

            apply_limits(order.get("memory"), order.get("file_size"))
            enter(Path(order["scratch"]))
            code = run_job(Path(order["job"]))
        except BaseException:  # noqa: BLE001 - whatever it is, this process ends here
            with contextlib.suppress(BaseException):
                traceback.print_exc()
        finally:
            with contextlib.suppress(BaseException):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)

    def reap(self) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ChildProcessError):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done == 0:
                    continue
                self.children.discard(pid)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)  # whatever the build left running
                os.write(self.replies, f"ended {pid} {os.waitstatus_to_exitcode(status)}\n".encode())

    def kill_all(self) -> None:
        for pid in list(self.children):
            kill_build(pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            self.children.discard(pid)


def enter(scratch: Path) -> None:
    """This process's files and environment become the build's own (as `Popen` sets them).

    Standard input from /dev/null, output and errors to scratch/log.txt, no other
    descriptor of the zygote (its order pipe, its reply pipe), scratch as working folder,
    HOME and TMPDIR, and nothing else in the environment.
    """
    null = os.open(os.devnull, os.O_RDONLY)
    log = os.open(scratch / "log.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    os.chdir(scratch)
    os.environ.clear()
    os.environ.update(child_environment(scratch))
    tempfile.tempdir = None  # computed again from TMPDIR


# -- The parent's side ---------------------------------------------------------------------------


class WorkerGone(Exception):
    """The zygote stopped answering or exited: what it ran is lost."""


class Forked:
    """A grandchild as the parent sees it: what `subprocess.Popen` offers the pool."""

    def __init__(self, worker: Worker, pid: int) -> None:
        self.worker = worker
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.worker.pump(0)
        return self.returncode

    def kill(self) -> None:
        """Kill the build's whole process group, then wait for the zygote to report its end."""
        self.worker.pump(0)  # an end already reported: its group number may be someone else's
        if self.returncode is not None:
            return
        kill_build(self.pid)
        try:
            self.worker.wait_for(lambda: self.returncode is not None, REPLY_SECONDS)
        except WorkerGone:
            self.returncode = -signal.SIGKILL


class Worker:
    """The zygote, started by the parent with the emptied environment in a session of its own."""

    def __init__(self, engine: str, scratch: Path) -> None:
        self.scratch = scratch
        with open(scratch / "log.txt", "wb") as log:
            self.process = subprocess.Popen(  # our own module, fixed arguments
                [sys.executable, "-I", "-m", "cheminement.zygote", engine],
                cwd=scratch, env=child_environment(scratch), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=log, start_new_session=True, close_fds=True,
            )
        self.forked: dict[int, Forked] = {}
        self.replies: list[list[str]] = []
        self._buffer = b""
        self.orders = 0
        try:
            self.wait_for(lambda: any(r == ["ready"] for r in self.replies), READY_SECONDS)
        except WorkerGone:
            self.close()  # a worker too slow to start is not left running
            raise

    def fork(self, job: Path, scratch: Path, memory: int, file_size: int) -> Forked:
        """Have the zygote fork a build of `job`; raises WorkerGone when it cannot."""
        self.orders += 1
        order = {"id": self.orders, "job": str(job), "scratch": str(scratch), "memory": memory, "file_size": file_size}
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(order).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            raise WorkerGone from None
        wanted = str(self.orders)
        self.wait_for(lambda: any(r[1:2] == [wanted] for r in self.replies if r[0] in ("started", "refused")),
                      REPLY_SECONDS)
        reply = next(r for r in self.replies if r[0] in ("started", "refused") and r[1] == wanted)
        self.replies.remove(reply)
        if reply[0] == "refused":
            raise WorkerGone
        forked = Forked(self, int(reply[2]))
        self.forked[forked.pid] = forked
        return forked

    def wait_for(self, condition: Callable[[], bool], seconds: float) -> None:
        while not condition():
            if not self.pump(seconds):
                raise WorkerGone

    def pump(self, seconds: float) -> bool:
        """Read the zygote's replies for up to `seconds`; False when none came."""
        stdout = self.process.stdout
        assert stdout is not None
        ready, _, _ = select.select([stdout], [], [], seconds)
        if not ready:
            return False
        data = os.read(stdout.fileno(), 65536)
        if not data:
            raise WorkerGone
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            reply = line.decode().split()
            if reply and reply[0] == "ended" and int(reply[1]) in self.forked:
                self.forked.pop(int(reply[1])).returncode = int(reply[2])
            elif reply:
                self.replies.append(reply)
        return True

    def close(self) -> None:
        """Stop the zygote (it kills what still runs) and wait for it; kill it if it lingers."""
        for forked in list(self.forked.values()):
            kill_build(forked.pid)
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=REPLY_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
