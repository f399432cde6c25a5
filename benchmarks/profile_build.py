"""Where does the plugin build spend its time? Event timers and cProfile, at one or more N.

    .venv/bin/python benchmarks/profile_build.py                  # N = 1000 and 5000
    .venv/bin/python benchmarks/profile_build.py --sizes 1000 --top 40

For each N (portfolios shared with run.py's cache), two fresh processes build the plugin
config in-process (`load_config` + `build`, as `mkdocs build` does):

1. *timers*: every plugin event and the main core functions are wrapped with wall-clock
   timers (no profiler overhead), to give the plugin's share of the build and a per-note
   cost that can be compared across N (a per-note cost that grows with N is super-linear);
2. *cProfile*: the same build under cProfile; the statistics are saved next to the
   portfolio (`profile-plugin.prof`, readable with `python -m pstats`) and our functions
   (plugins/cheminement, themes/cheminement templates) are listed by cumulative time.

Nothing in the product is modified: the timers are installed on the classes and modules in
the measuring process only.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

EVENTS = ("on_config", "on_files", "on_nav", "on_page_markdown", "on_page_content", "on_page_context", "on_env",
          "on_post_page", "on_post_template", "on_post_build")


# -- Child: one build, measured ------------------------------------------------------------------


def _install_timers(totals: dict[str, list[float]]) -> list[str]:
    """Wrap plugin events and core functions with timers; return what could not be found."""
    import importlib  # noqa: PLC0415

    from mkdocs.plugins import CombinedEvent  # noqa: PLC0415

    missing: list[str] = []

    def timed(name: str, func):
        @functools.wraps(func)  # keeps `mkdocs_priority` from @event_priority
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                entry = totals[name]
                entry[0] += time.perf_counter() - start
                entry[1] += 1
        return wrapper

    def wrap(module: str, attr: str, label: str) -> None:
        try:
            owner = importlib.import_module(f"cheminement.{module}")
        except ImportError:
            missing.append(f"{module}.{attr}")
            return
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is None or not hasattr(owner, name):
            missing.append(f"{module}.{attr}")
            return
        current = getattr(owner, name) if not isinstance(vars(owner).get(name), CombinedEvent) else vars(owner)[name]
        if isinstance(current, CombinedEvent):
            # Several handlers under one event (priorities of their own): time each, except
            # the privacy filter, which checks that it is the very first handler (a wrapper
            # around it would rightly stop the build).
            current.methods = tuple(m if m.__name__ == "_keep_private_out" else timed(f"{label} {m.__name__}", m)
                                    for m in current.methods)
            return
        setattr(owner, name, timed(label, current))

    for event in EVENTS:
        wrap("plugin", f"CheminementPlugin.{event}", f"event {event}")
    wrap("plugin", "CheminementPlugin._redact_html", "plugin _redact_html")
    for name in ("body", "wikilink", "feedback", "references"):
        wrap("pagetext", f"PageText.{name}", f"core pagetext.PageText.{name}")
    # Names as the plugin module sees them (imported with `from … import …`).
    for name, label in (("analyse", "core check.analyse"), ("publish", "core publish.publish"),
                        ("redact_links", "core publish.redact_links"), ("_add_toc", "plugin _add_toc"),
                        ("_after_h1", "plugin _after_h1"), ("_embed", "plugin _embed"),
                        ("_is_referentiel", "plugin _is_referentiel"), ("_remove_stale_output", "plugin _remove_stale_output")):
        wrap("plugin", name, label)
    for module, name in (("check", "load_portfolio"), ("check", "check"), ("load", "read_page"),
                         ("load", "load_referentiel"), ("views", "build"), ("views", "_backlinks"),
                         ("views", "_timeline"), ("wikilinks", "replace"),
                         ("wikilinks", "LinkIndex.__init__"), ("manifest", "build_manifest"),
                         ("publish", "_split"), ("dates", "PartialDate.display")):
        wrap(module, name, f"core {module}.{name}")
    from cheminement.render import Renderer  # noqa: PLC0415
    for name in sorted(vars(Renderer)):
        if not name.startswith("_") and callable(vars(Renderer)[name]) and name not in ("date", "level", "chart"):
            wrap("render", f"Renderer.{name}", f"render Renderer.{name}")
    return missing


def _install_gc_timer(totals: dict[str, list[float]]) -> None:
    """Time spent in the cyclic garbage collector, per generation (it grows with the heap)."""
    import gc  # noqa: PLC0415

    started: list[float] = [0.0]

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            entry = totals[f"gc generation {info['generation']}"]
            entry[0] += time.perf_counter() - started[0]
            entry[1] += 1

    gc.callbacks.append(callback)


def _build(config_file: str, site_dir: str) -> None:
    from mkdocs.commands.build import build  # noqa: PLC0415
    from mkdocs.config import load_config  # noqa: PLC0415

    config = load_config(config_file=config_file, site_dir=site_dir, strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def child(mode: str, config_file: str, result_file: str, prof_file: str | None) -> None:
    import logging  # noqa: PLC0415
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    site = tempfile.mkdtemp(prefix="chm-profile-site-")
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    missing: list[str] = []
    try:
        if mode == "timers":
            missing = _install_timers(totals)
            _install_gc_timer(totals)
            start = time.perf_counter()
            _build(config_file, site)
            total = time.perf_counter() - start
        else:
            profiler = cProfile.Profile()
            start = time.perf_counter()
            profiler.enable()
            _build(config_file, site)
            profiler.disable()
            total = time.perf_counter() - start
            profiler.dump_stats(prof_file)
    finally:
        shutil.rmtree(site, ignore_errors=True)
    Path(result_file).write_text(json.dumps({"total": total, "missing": missing,
                                                "timers": {k: v for k, v in totals.items() if v[1]}}))


# -- Parent: run the children, print the report --------------------------------------------------


def run_child(mode: str, out: Path, prof: Path | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        import run  # noqa: PLC0415
        env = run.environment()
        command = [sys.executable, __file__, "--child", mode, str(out / "mkdocs.yml"), str(result)]
        if prof:
            command.append(str(prof))
        subprocess.run(command, env=env, check=True)
        return json.loads(result.read_text())


def ours(filename: str) -> bool:
    normalised = filename.replace("\\", "/")
    return "plugins/cheminement/" in normalised or "themes/cheminement/" in normalised or "/cheminement/" in normalised


def short(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    normalised = filename.replace("\\", "/")
    for marker in ("plugins/cheminement/", "themes/cheminement/", "site-packages/"):
        if marker in normalised:
            normalised = normalised.split(marker, 1)[1]
            break
    return f"{normalised}:{line} {name}"


def profile_table(prof: Path, top: int) -> tuple[list[str], list[str]]:
    stats = pstats.Stats(str(prof))
    entries = stats.stats  # type: ignore[attr-defined]
    rows = []
    for func, (_cc, nc, tt, ct, _callers) in entries.items():
        if ours(func[0]):
            rows.append((ct, tt, nc, func))
    rows.sort(reverse=True)
    mine = [f"| {short(f)} | {nc} | {tt:.3f} | {ct:.3f} |" for ct, tt, nc, f in rows[:top]]
    overall = sorted(((tt, ct, nc, f) for f, (cc, nc, tt, ct, _c) in entries.items()), reverse=True)[:top]
    rest = [f"| {short(f)} | {nc} | {tt:.3f} | {ct:.3f} |" for tt, ct, nc, f in overall]
    return mine, rest


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child(argv[1], argv[2], argv[3], argv[4] if len(argv) > 4 else None)
        return 0
    import run  # noqa: PLC0415 - shares the portfolio cache

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--cache", type=Path, default=run.DEFAULT_CACHE)
    parser.add_argument("--no-cprofile", dest="cprofile", action="store_false")
    parser.add_argument("--live", action="store_true", help="profile the working tree, not a frozen copy")
    parser.add_argument("--code", type=Path, default=None, help="reuse a snapshot (benchmarks/.cache/code-HASH)")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    run.use_code(args.cache, args.live, args.code)
    print(f"Code under test: {run.CODE_ID}")
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})

    timers: dict[int, dict] = {}
    notes: dict[int, int] = {}
    for n in sizes:
        out, stats = run.portfolio(n, args.seed, args.cache)
        notes[n] = stats["recits"] + stats["parcours"] + stats["traces"]
        run.log(f"N={n}: timers")
        timers[n] = run_child("timers", out, None)
        if args.cprofile:
            prof = out / "profile-plugin.prof"
            run.log(f"N={n}: cProfile -> {prof}")
            profiled = run_child("cprofile", out, prof)
            mine, overall = profile_table(prof, args.top)
            print(f"\n## cProfile at N={n} (build under the profiler: {profiled['total']:.1f} s)\n")
            print(f"Our functions by cumulative time (top {args.top}):\n")
            print("| function | calls | own s | cumulative s |\n|---|---:|---:|---:|")
            print("\n".join(mine))
            print(f"\nEverything by own time (top {args.top}):\n")
            print("| function | calls | own s | cumulative s |\n|---|---:|---:|---:|")
            print("\n".join(overall))

    print("\n## Timers (no profiler)\n")
    head = "| timer | " + " | ".join(f"N={n}: s (calls)" for n in sizes) + " | " + \
        " | ".join(f"ms/note N={n}" for n in sizes) + " |"
    print(head)
    print("|---|" + "---:|" * (2 * len(sizes)))
    names = sorted({k for t in timers.values() for k in t["timers"]},
                   key=lambda k: -max(t["timers"].get(k, [0, 0])[0] for t in timers.values()))
    for name in ["total build", *names]:
        cells, per_note = [], []
        for n in sizes:
            if name == "total build":
                seconds, calls = timers[n]["total"], 1
            else:
                seconds, calls = timers[n]["timers"].get(name, [0.0, 0])
            cells.append(f"{seconds:.3f} ({calls})")
            per_note.append(f"{1000 * seconds / notes[n]:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " | " + " | ".join(per_note) + " |")
    for n in sizes:
        events = sum(v[0] for k, v in timers[n]["timers"].items() if k.startswith("event "))
        print(f"\nN={n}: plugin events {events:.2f} s of a {timers[n]['total']:.2f} s build "
              f"({100 * events / timers[n]['total']:.0f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
