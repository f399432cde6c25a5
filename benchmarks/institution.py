"""Institution benchmark: `cheminement build-all` over many portfolios, time and bytes.

Generates M portfolios of about K notes each (benchmarks/generate.py, one seed per learner),
then runs `cheminement build-all` on them: everything with one process (optional), with all
cores, and the incremental rebuild after one learner's edit. For the run with all cores it
counts the bytes published: the portfolios' own pages and files, the theme's files they
carry (each its own copy with `--autonome`, or the shared `_assets/` store), the rest (the
index). The target: total ≤ 1.2 × the portfolios' own bytes. The table goes into
benchmarks/RESULTS.md, between the markers of its "Institutions" section.

    .venv/bin/python benchmarks/institution.py                         # 200 × 50
    .venv/bin/python benchmarks/institution.py --learners 40 --no-write
    .venv/bin/python benchmarks/institution.py --learners 40 --autonome --no-write

`measure_build_all(count, notes, workdir)` is what benchmarks/run.py calls: one build-all
of `count` portfolios of about `notes` notes in `workdir`, as a dict (see its docstring).
The interpreter running this file runs build-all (`python -m cheminement`), so another
virtual environment measures another version of the code. Standard library only.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
BEGIN = "<!-- institutions:begin -->"
END = "<!-- institutions:end -->"
FIXED_NOTES = 10  # generate.py: N récits + N/10 parcours + N/5 traces + 10 competence pages
STORE = "_assets"
TARGET_RATIO = 1.2


def recits_for(notes: int) -> int:
    """generate.py's N for about `notes` Markdown files per portfolio."""
    return max(1, round((notes - FIXED_NOTES) / 1.3))


def generate(root: Path, learners: int, notes: int) -> None:
    """`learners` portfolios in ROOT (kept when already there, for the same sizes)."""
    marker = root / f".generated-{learners}-{notes}"
    if marker.is_file():
        return
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for index in range(learners):
        folder = root / f"apprenant-{index:03d}"
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(recits_for(notes)), str(folder), "--seed", str(index)],
            check=True, capture_output=True,
        )
        for extra in ("mkdocs-bare.yml", "mkdocs-blog.yml"):
            (folder / extra).unlink(missing_ok=True)
        shutil.rmtree(folder / "docs-blog", ignore_errors=True)
    marker.touch()


def build_all(root: Path, out: Path, *args: str) -> tuple[float, str]:
    seconds, _, summary = timed_build_all(root, out, *args)
    return seconds, summary


def timed_build_all(root: Path, out: Path, *args: str) -> tuple[float, float, str]:
    """Wall and CPU seconds of one build-all (CPU: it and every child process it waited
    for, the builds included: less disturbed than wall time by other jobs), its last line."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "cheminement", "build-all", str(root), "--out", str(out), *args],
                            capture_output=True, text=True, env=env)
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode not in (0, 1):  # 1: some portfolio failed, the others are built
        raise SystemExit(f"build-all failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    summary = result.stdout.strip().splitlines()[-1]
    return elapsed, cpu, summary


def theme_paths() -> frozenset[str]:
    """Site paths of the theme's files (Material's, ours), as MkDocs copies them; the
    institution's logo and colours (`assets/institution/`) are recognised by their folder."""
    found: set[str] = set()
    for package, inner in (("material", "templates"), ("cheminement.theme", "")):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.origin:
            continue
        folder = Path(spec.origin).parent / inner
        found.update(p.relative_to(folder).as_posix() for p in (folder / "assets").rglob("*") if p.is_file())
    return frozenset(found)


def published_bytes(out: Path) -> dict[str, int]:
    """Bytes under SITE: own (the portfolios' pages and files), theme (their copies of the
    theme's files), store (`_assets/`), other (the index, its logo)."""
    theme = theme_paths()
    sizes = {"own": 0, "theme": 0, "store": 0, "other": 0, "maps": 0}
    for path in out.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        size = path.stat().st_size
        parts = path.relative_to(out).parts
        if path.suffix == ".map":
            sizes["maps"] += size
        if parts[0] == STORE:
            sizes["store"] += size
        elif len(parts) == 1:
            sizes["other"] += size
        else:
            inside = "/".join(parts[1:])
            sizes["theme" if inside in theme or inside.startswith("assets/institution/") else "own"] += size
    return sizes


def measure_build_all(count: int, notes: int, workdir: Path, *options: str) -> dict[str, float | int | str]:
    """One `build-all --tout` of `count` generated portfolios of about `notes` notes.

    Portfolios are generated in workdir/root (kept for the next call with the same sizes);
    the site is workdir/site, emptied first. Keys: portfolios, notes_per_portfolio,
    built (portfolios published), seconds (wall), seconds_per_portfolio, cpu_seconds (the
    command and its child processes), total_bytes, own_bytes (the portfolios' pages and
    files), theme_bytes (copies of the theme's files in the portfolios), store_bytes (the
    shared `_assets/`), map_bytes (source maps published), ratio (total / own), target_met
    (ratio ≤ 1.2), summary (build-all's last line). `options` go to build-all
    (`--autonome`, `--processus 1`…).
    """
    root, out = workdir / "root", workdir / "site"
    generate(root, count, notes)
    shutil.rmtree(out, ignore_errors=True)
    seconds, cpu, summary = timed_build_all(root, out, "--tout", *options)
    sizes = published_bytes(out)
    total = sum(sizes[k] for k in ("own", "theme", "store", "other"))
    markdown = sum(1 for _ in root.rglob("*.md")) / count
    return {
        "portfolios": count,
        "built": sum(1 for p in out.glob("*/.cheminement-build.json")),
        "notes_per_portfolio": round(markdown),
        "seconds": round(seconds, 1),
        "seconds_per_portfolio": round(seconds / count, 2),
        "cpu_seconds": round(cpu, 1),
        "total_bytes": total,
        "own_bytes": sizes["own"],
        "theme_bytes": sizes["theme"],
        "store_bytes": sizes["store"],
        "map_bytes": sizes["maps"],
        "ratio": round(total / sizes["own"], 3) if sizes["own"] else 0.0,
        "target_met": bool(sizes["own"]) and total <= TARGET_RATIO * sizes["own"],
        "summary": summary,
    }


def _mb(value: float | int | str) -> str:
    return f"{float(value) / 1e6:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--notes", type=int, default=50, help="Markdown files per portfolio (about)")
    parser.add_argument("--one-process", action="store_true", help="also time build-all with one process")
    parser.add_argument("--autonome", action="store_true", help="each portfolio keeps its own theme files")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    extra = ("--autonome",) if args.autonome else ()
    rows = []
    with tempfile.TemporaryDirectory(prefix="cheminement-institution-") as scratch:
        work = Path(scratch)
        if args.one_process:
            one = measure_build_all(args.learners, args.notes, work, "--processus", "1", *extra)
            rows.append(f"| all, 1 process (`--processus 1 --tout`) | {one['seconds']} | {one['seconds_per_portfolio']} | {one['summary']} |")
        many = measure_build_all(args.learners, args.notes, work, "--processus", str(cores), *extra)
        rows.append(f"| all, {cores} processes (`--processus {cores} --tout`) | {many['seconds']} | "
                    f"{many['seconds_per_portfolio']} | {many['summary']} |")
        edited = work / "root" / f"apprenant-{min(7, args.learners - 1):03d}" / "docs" / "index.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
        incremental, incremental_summary = build_all(work / "root", work / "site", *extra)
        rows.append(f"| incremental, after one learner's edit | {incremental:.1f} | — | {incremental_summary} |")
    mode = "each portfolio with its own theme files (`--autonome`)" if args.autonome else "theme files shared (`_assets/`)"
    table = "\n".join([
        "## Institutions (`cheminement build-all`)",
        "",
        f"`benchmarks/institution.py`: {args.learners} portfolios of about {many['notes_per_portfolio']} Markdown files "
        f"each (generate.py with N={recits_for(args.notes)}, one seed per learner), {mode}, on the machine described "
        f"above ({cores} cores, Python {platform.python_version()}).",
        "",
        "| run | wall s | per portfolio s | summary printed by build-all |",
        "|---|---:|---:|---|",
        *rows,
        "",
        "| bytes published (MB) | own pages and files | theme copies in portfolios | shared store | total | total / own |",
        "|---|---:|---:|---:|---:|---:|",
        f"| {args.learners} portfolios | {_mb(many['own_bytes'])} | {_mb(many['theme_bytes'])} | {_mb(many['store_bytes'])} "
        f"| {_mb(many['total_bytes'])} | {many['ratio']} ({'≤' if many['target_met'] else '>'} {TARGET_RATIO}) |",
        "",
        "The incremental run hashes every portfolio's files and rebuilds only the edited one.",
    ])
    print(table)
    if not args.no_write and RESULTS.is_file():
        text = RESULTS.read_text(encoding="utf-8")
        section = f"{BEGIN}\n{table}\n{END}"
        if BEGIN in text:
            text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: section, text, flags=re.DOTALL)
        else:
            text = text.rstrip() + "\n\n" + section + "\n"
        RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
