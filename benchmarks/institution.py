"""Institution benchmark: `cheminement build-all` over many portfolios.

Generates L portfolios of about 50 notes each (benchmarks/generate.py, one seed per learner),
then times three runs of `cheminement build-all`: everything with one process, everything
with all cores, and the incremental rebuild after one learner's edit. The table goes into
benchmarks/RESULTS.md, between the markers of its "Institutions" section.

    .venv/bin/python benchmarks/institution.py                 # 200 learners
    .venv/bin/python benchmarks/institution.py --learners 20 --no-write
"""

from __future__ import annotations

import argparse
import os
import platform
import re
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
RECITS_PER_LEARNER = 30  # + N/10 parcours + N/5 traces + 10 competence pages ≈ 50 notes


def generate(root: Path, learners: int) -> None:
    for index in range(learners):
        folder = root / f"apprenant-{index:03d}"
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(RECITS_PER_LEARNER), str(folder), "--seed", str(index)],
            check=True, capture_output=True,
        )
        (folder / "mkdocs-bare.yml").unlink(missing_ok=True)


def build_all(root: Path, out: Path, *args: str) -> tuple[float, str]:
    cheminement = Path(sys.executable).parent / "cheminement"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.monotonic()
    result = subprocess.run([str(cheminement), "build-all", str(root), "--out", str(out), *args],
                            capture_output=True, text=True, env=env)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"build-all failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    summary = result.stdout.strip().splitlines()[-1]
    return elapsed, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="cheminement-institution-") as scratch:
        root, out = Path(scratch) / "root", Path(scratch) / "site"
        root.mkdir()
        started = time.monotonic()
        generate(root, args.learners)
        generation = time.monotonic() - started
        notes = sum(1 for _ in root.rglob("*.md")) / args.learners
        one, one_summary = build_all(root, out, "--processus", "1", "--tout")
        shutil.rmtree(out)
        many, many_summary = build_all(root, out, "--processus", str(cores), "--tout")
        edited = root / f"apprenant-{min(7, args.learners - 1):03d}" / "docs" / "index.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
        incremental, incremental_summary = build_all(root, out)
    table = "\n".join([
        "## Institutions (`cheminement build-all`)",
        "",
        f"`benchmarks/institution.py`: {args.learners} portfolios of about {notes:.0f} Markdown files each "
        f"(generate.py with N={RECITS_PER_LEARNER}, one seed per learner; generated in {generation:.0f} s), "
        f"on the machine described above ({cores} cores, Python {platform.python_version()}).",
        "",
        "| run | wall s | per portfolio s | summary printed by build-all |",
        "|---|---:|---:|---|",
        f"| all, 1 process (`--processus 1 --tout`) | {one:.1f} | {one / args.learners:.2f} | {one_summary} |",
        f"| all, {cores} processes (`--processus {cores} --tout`) | {many:.1f} | {many / args.learners:.2f} | {many_summary} |",
        f"| incremental, after one learner's edit | {incremental:.1f} | — | {incremental_summary} |",
        "",
        f"Speed-up with {cores} processes: {one / many:.2f} ×. The incremental run hashes every "
        "portfolio's files and rebuilds only the edited one.",
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
