"""Benchmark the Cheminement plugin against bare MkDocs + Material, and against Material's blog +
tags plugins, on generated portfolios; then what users feel: serve latency and build-all (felt.py).

    .venv/bin/python benchmarks/run.py                 # N = 100, 1000, 5000; 3 runs; writes RESULTS.md
    .venv/bin/python benchmarks/run.py --smoke         # every part at a tiny size, nothing written (CI)
    .venv/bin/python benchmarks/run.py --sizes 1000 --runs 5 --serve-size 0 --build-all 0 --no-write

First freeze the code under test (a copy of plugins/cheminement and themes/cheminement in
benchmarks/.cache/code-HASH, imported through PYTHONPATH; `--live` to skip). Then for each N:
generate the portfolio (cached in benchmarks/.cache), check that `cheminement check --strict`
reports no problem, build once with each config untimed (warm-up, page counts, `--strict`
validity, and with `--audit` the privacy audit of the plugin's site), then build the three
configs in turn (plugin, bare, blog), each build in a fresh `mkdocs build -q --strict` process wrapped by
measure.py (wall time, CPU time, peak RSS), and time `cheminement check` as many times.

Exit status: 0 when every check and build succeeded (targets missed are reported, not
failures), 1 when a generated portfolio was rejected (a product or generator bug).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import felt  # noqa: E402
import generate  # noqa: E402
import machine  # noqa: E402

DEFAULT_CACHE = HERE / ".cache"
RESULTS = HERE / "RESULTS.md"

# The targets of issues 7 and 18.
TARGET_RATIO = 1.25  # plugin build / bare build at N=1000
TARGET_BLOG = 3.0  # Material blog + tags build / plugin build at N=1000 (at least)
TARGET_SERVE = 0.25  # plugin incremental serve's save-to-visible / bare serve's (at most)
DOSSIER_CHOSEN = 20  # notes marked `dossier: true` in a generated portfolio (fewer when N < 1000)
CONFIGS = {"plugin": "mkdocs.yml", "bare": "mkdocs-bare.yml", "blog": "mkdocs-blog.yml"}
TARGET_SCALING = 5.5  # build time(5000) / time(1000)
TARGET_MEMORY_MB = 1024  # peak RSS at N=5000
TARGET_CHECK_SHARE = 0.10  # check time / plugin build time at N=1000


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def tool(name: str) -> str:
    """A console script of this interpreter's environment (the project's .venv)."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: run this script with the project's .venv/bin/python")
    return found


# The code under test. Others edit plugins/ while a long benchmark runs, so by default the
# package is copied once (plugins/cheminement + themes/cheminement, laid out as the installed
# `cheminement` and `cheminement.theme` packages) and every build imports that copy through
# PYTHONPATH, ahead of the editable install. `--live` uses the working tree as it changes.
CODE_SOURCES = {"cheminement": ROOT / "plugins" / "cheminement", "cheminement/theme": ROOT / "themes" / "cheminement"}
CODE_PATH: Path | None = None
CODE_ID = "live working tree"


def _code_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def code_hash(sources: dict[str, Path]) -> str:
    digest = hashlib.sha256()
    for name, root in sorted(sources.items()):
        for path in _code_files(root):
            if name == "cheminement" and path.relative_to(root).parts[0] == "theme":
                continue  # the theme package is hashed under its own name
            digest.update(f"{name}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def snapshot(cache: Path) -> tuple[Path, str]:
    """A frozen copy of the code under test, taken while no file changes under it."""
    for _attempt in range(10):
        before = code_hash(CODE_SOURCES)
        dest = cache / f"code-{before[:12]}"
        if (dest / ".complete").is_file():
            return dest, before
        tmp = Path(tempfile.mkdtemp(prefix="code-", dir=cache))
        for name, root in CODE_SOURCES.items():
            shutil.copytree(root, tmp / name, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        copied = code_hash({name: tmp / name for name in CODE_SOURCES})
        if copied == before == code_hash(CODE_SOURCES):
            if dest.exists():
                shutil.rmtree(dest)
            tmp.rename(dest)
            (dest / ".complete").write_text(dt.datetime.now(dt.UTC).isoformat())
            return dest, before
        shutil.rmtree(tmp, ignore_errors=True)
        log("  code changed while copying it; retrying")
        time.sleep(3)
    sys.exit("the code under plugins/ keeps changing; try again later or use --live")


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("CHEMINEMENT_APERCU_PRIVE", None)
    env.pop("CHEMINEMENT_DEPUIS", None)
    if CODE_PATH is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(CODE_PATH), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def use_code(cache: Path, live: bool, frozen: Path | None = None) -> None:
    """Select the code under test (a new or given snapshot, or the live tree); check it is imported."""
    global CODE_PATH, CODE_ID
    if live:
        CODE_PATH, CODE_ID = None, "live working tree (plugins/, themes/)"
        return
    if frozen is not None:
        if not (frozen / ".complete").is_file():
            sys.exit(f"{frozen} is not a code snapshot made by run.py")
        CODE_PATH, digest = frozen.resolve(), frozen.name.removeprefix("code-")
    else:
        CODE_PATH, digest = snapshot(cache)
    stamp = (CODE_PATH / ".complete").read_text().strip()[:16].replace("T", " ")
    CODE_ID = f"snapshot `{digest[:12]}` of plugins/cheminement + themes/cheminement, taken {stamp} UTC"
    probe = subprocess.run(
        [sys.executable, "-c", "import cheminement.plugin, cheminement.theme; print(cheminement.__file__)"],
        env=environment(), capture_output=True, text=True,
    )
    if probe.returncode != 0 or not probe.stdout.strip().startswith(str(CODE_PATH)):
        sys.exit(f"the snapshot in {CODE_PATH} is not the imported package:\n{probe.stdout}{probe.stderr}")
    log(f"code under test: {CODE_ID}")


# -- Portfolios --------------------------------------------------------------------------------


def generator_hash() -> str:
    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:10]


def chosen(n: int) -> int:
    """Notes marked for the dossier: 2 % of the récits, at most DOSSIER_CHOSEN."""
    return max(1, min(DOSSIER_CHOSEN, n // 50))


def portfolio(n: int, seed: int, cache: Path) -> tuple[Path, dict[str, int]]:
    """The generated portfolio for N (regenerated when generate.py changes)."""
    out = cache / f"portfolio-n{n}-s{seed}-d{chosen(n)}-{generator_hash()}"
    marker = out / ".complete.json"
    if marker.is_file():
        return out, json.loads(marker.read_text())
    if out.exists():
        shutil.rmtree(out)
    log(f"  generating N={n} in {out}")
    start = time.perf_counter()
    stats = generate.generate(n, out, seed, chosen(n))
    log(f"  generated {stats['files']} files ({stats['bytes'] / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
    marker.write_text(json.dumps(stats))
    return out, stats


# -- Measurements ------------------------------------------------------------------------------


@dataclass
class Measure:
    wall_s: float
    maxrss_mb: float
    cpu_s: float  # user + system time of the measured process: less sensitive to other load
    load1: float = float("nan")  # 1-minute load average when it started


@dataclass
class SizeResult:
    n: int
    stats: dict[str, int]
    pages: dict[str, int] = field(default_factory=dict)
    site_mb: dict[str, float] = field(default_factory=dict)
    builds: dict[str, list[Measure]] = field(default_factory=lambda: {name: [] for name in CONFIGS})
    checks: list[Measure] = field(default_factory=list)
    exclude_cost_s: float | None = None
    failures: list[str] = field(default_factory=list)

    def median(self, what: str, metric: str = "wall_s") -> float:
        runs = self.checks if what == "check" else self.builds.get(what, [])
        return statistics.median(getattr(m, metric) for m in runs) if runs else float("nan")

    def cpu(self, what: str) -> float:
        return self.median(what, "cpu_s")

    def to_json(self) -> dict:
        return {"n": self.n, "stats": self.stats, "pages": self.pages, "site_mb": self.site_mb,
                "builds": {k: [m.__dict__ for m in v] for k, v in self.builds.items()},
                "checks": [m.__dict__ for m in self.checks], "exclude_cost_s": self.exclude_cost_s,
                "failures": self.failures}

    @classmethod
    def from_json(cls, data: dict) -> SizeResult:
        result = cls(data["n"], data["stats"], data["pages"], data["site_mb"])
        result.builds.update({k: [Measure(**m) for m in v] for k, v in data["builds"].items()})
        result.checks = [Measure(**m) for m in data["checks"]]
        result.exclude_cost_s, result.failures = data["exclude_cost_s"], data["failures"]
        return result

    def peak_mb(self, what: str) -> float:
        runs = self.checks if what == "check" else self.builds.get(what, [])
        return max(m.maxrss_mb for m in runs) if runs else float("nan")


def measured(command: list[str], timeout: float) -> tuple[Measure, int, str]:
    """Run `command` under measure.py in a fresh process; (measure, exit code, stderr)."""
    load1 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="chm-measure-") as tmp:
        result_file = Path(tmp) / "result.json"
        proc = subprocess.run(
            [sys.executable, str(HERE / "measure.py"), str(result_file), "--", *command],
            env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=timeout,
        )
        if proc.returncode != 0 or not result_file.is_file():
            return Measure(float("nan"), float("nan"), float("nan")), proc.returncode or 1, proc.stderr
        data = json.loads(result_file.read_text())
    return (Measure(data["wall_s"], data["maxrss_kb"] / 1024, data["user_s"] + data["sys_s"], load1),
            data["returncode"], proc.stderr)


def build(out: Path, config: str, timeout: float, inspect: bool = False,
          audit: bool = False) -> tuple[Measure, int, str, dict]:
    site = Path(tempfile.mkdtemp(prefix=f"chm-site-{config}-"))
    try:
        command = [tool("mkdocs"), "build", "-q", "--strict", "-f", str(out / config), "-d", str(site)]
        measure, code, err = measured(command, timeout)
        info: dict = {}
        if inspect and code == 0:
            files = [p for p in site.rglob("*") if p.is_file()]
            info = {"pages": sum(1 for p in files if p.name == "index.html"),
                    "site_mb": sum(p.stat().st_size for p in files) / 1e6}
        if audit and code == 0:
            # The privacy audit: no private title, text or file may appear in the site.
            proc = subprocess.run([tool("cheminement"), "audit", str(site), "--portfolio", str(out / "mkdocs.yml")],
                                  env=environment(), capture_output=True, text=True, timeout=timeout)
            info["audit"] = (proc.returncode, (proc.stdout + proc.stderr)[-3000:])
        return measure, code, err, info
    finally:
        shutil.rmtree(site, ignore_errors=True)


def check_command(out: Path, json_output: bool = False) -> list[str]:
    command = [tool("cheminement"), "check", "--strict", str(out / "mkdocs.yml")]
    return command + (["--format", "json"] if json_output else [])


def validate(out: Path, result: SizeResult) -> None:
    """The generated portfolio must check clean; any problem is reported verbatim."""
    proc = subprocess.run(check_command(out, json_output=True), env=environment(), capture_output=True, text=True)
    try:
        problems = json.loads(proc.stdout)
    except json.JSONDecodeError:
        result.failures.append(f"N={result.n}: cheminement check crashed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        return
    for problem in problems:
        result.failures.append(
            f"N={result.n}: cheminement check {problem['severity']}: {problem['file']}:{problem.get('line') or ''} "
            f"{problem['message']} {problem.get('suggestion') or ''}".rstrip()
        )
    if proc.returncode != 0 and not problems:
        result.failures.append(f"N={result.n}: cheminement check exited {proc.returncode}:\n{proc.stderr[-3000:]}")


def exclusion_cost(out: Path) -> float:
    """Time bare MkDocs spends matching every file against the bare config's exclude_docs."""
    try:
        import pathspec  # noqa: PLC0415 - optional here
        import yaml  # noqa: PLC0415 - optional here
    except ImportError:
        return float("nan")
    config = yaml.safe_load((out / "mkdocs-bare.yml").read_text(encoding="utf-8"))
    spec = pathspec.GitIgnoreSpec.from_lines(config["exclude_docs"].splitlines())
    docs = out / "docs"
    paths = [p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()]
    start = time.perf_counter()
    for path in paths:
        spec.match_file(path)
    return time.perf_counter() - start


def bench_size(n: int, runs: int, seed: int, cache: Path, warmup: bool, timeout: float,
               audit: bool = False) -> SizeResult:
    log(f"N={n}")
    out, stats = portfolio(n, seed, cache)
    result = SizeResult(n, stats)
    validate(out, result)
    result.exclude_cost_s = exclusion_cost(out)
    configs = CONFIGS
    # Untimed first builds: warm the file cache, count pages, and prove --strict passes.
    for name, config in configs.items():
        measure, code, err, info = build(out, config, timeout, inspect=True, audit=audit and name == "plugin")
        if code != 0:
            result.failures.append(f"N={n}: mkdocs build --strict -f {config} failed (exit {code}):\n{err[-4000:]}")
            continue
        if "audit" in info:
            audit_code, audit_out = info["audit"]
            log(f"  privacy audit of the plugin site: exit {audit_code}")
            if audit_code != 0:
                result.failures.append(f"N={n}: cheminement audit found private content in the site:\n{audit_out}")
        result.pages[name], result.site_mb[name] = info["pages"], info["site_mb"]
        log(f"  first {name} build: {measure.wall_s:.1f} s, {info['pages']} pages")
        if not warmup:
            result.builds[name].append(measure)
    if result.failures:
        return result
    for run in range(runs):
        names = list(configs)
        order = names[run % len(names):] + names[:run % len(names)]  # each config leads in turn
        for name in order if warmup or run > 0 else ():  # without warm-up, the first builds counted
            measure, code, err, _ = build(out, configs[name], timeout)
            if code != 0:
                result.failures.append(f"N={n}: build {name} failed on run {run + 1} (exit {code}):\n{err[-4000:]}")
                return result
            result.builds[name].append(measure)
            log(f"  run {run + 1} {name}: {measure.wall_s:.2f} s (CPU {measure.cpu_s:.2f} s), "
                f"{measure.maxrss_mb:.0f} MB, load {measure.load1:.1f}")
        measure, code, err = measured(check_command(out), timeout)
        if code != 0:
            result.failures.append(f"N={n}: cheminement check failed (exit {code}):\n{err[-4000:]}")
            return result
        result.checks.append(measure)
        log(f"  run {run + 1} check: {measure.wall_s:.2f} s (CPU {measure.cpu_s:.2f} s), {measure.maxrss_mb:.0f} MB")
    return result


# -- Report ----------------------------------------------------------------------------------


def fmt(value: float, digits: int = 2) -> str:
    return "—" if value != value else f"{value:.{digits}f}"  # NaN -> dash


def targets(results: dict[int, SizeResult]) -> list[tuple[str, str, str, str]]:
    """(target, measured on wall time, measured on CPU time, verdict)."""
    rows = []

    def verdict(wall_ok: bool, cpu_ok: bool) -> str:
        if wall_ok and cpu_ok:
            return "**met**"
        if not wall_ok and not cpu_ok:
            return "**not met**"
        return "**met on CPU time only**" if cpu_ok else "**met on wall time only**"

    r1000, r5000 = results.get(1000), results.get(5000)
    name = f"Plugin build at N=1000 ≤ {TARGET_RATIO} × bare"
    if r1000 and r1000.builds["plugin"] and r1000.builds["bare"]:
        wall = r1000.median("plugin") / r1000.median("bare")
        cpu = r1000.cpu("plugin") / r1000.cpu("bare")
        rows.append((name, f"{wall:.2f} ×", f"{cpu:.2f} ×", verdict(wall <= TARGET_RATIO, cpu <= TARGET_RATIO)))
    else:
        rows.append((name, "not measured", "not measured", "—"))
    name = "Material blog + tags at N=1000 ≥ 3 × the plugin build"
    if r1000 and r1000.builds.get("blog") and r1000.builds["plugin"]:
        wall = r1000.median("blog") / r1000.median("plugin")
        cpu = r1000.cpu("blog") / r1000.cpu("plugin")
        rows.append((name, f"{wall:.2f} ×", f"{cpu:.2f} ×", verdict(wall >= TARGET_BLOG, cpu >= TARGET_BLOG)))
    else:
        rows.append((name, "not measured", "not measured", "—"))
    name = "Plugin build time(5000) ≤ 5.5 × time(1000)"
    if r1000 and r5000 and r1000.builds["plugin"] and r5000.builds["plugin"]:
        wall = r5000.median("plugin") / r1000.median("plugin")
        cpu = r5000.cpu("plugin") / r1000.cpu("plugin")
        bare_wall = r5000.median("bare") / r1000.median("bare")
        bare_cpu = r5000.cpu("bare") / r1000.cpu("bare")
        rows.append((name, f"{wall:.2f} × (bare: {bare_wall:.2f} ×)", f"{cpu:.2f} × (bare: {bare_cpu:.2f} ×)",
                     verdict(wall <= TARGET_SCALING, cpu <= TARGET_SCALING)))
    else:
        rows.append((name, "not measured", "not measured", "—"))
    name = "Peak memory at N=5000 < 1 GB (plugin build, check)"
    if r5000 and r5000.builds["plugin"]:
        peak = max(r5000.peak_mb("plugin"), r5000.peak_mb("check"))
        rows.append((name, f"{peak:.0f} MB (bare: {r5000.peak_mb('bare'):.0f} MB)", "—", verdict(peak < TARGET_MEMORY_MB,
                                                                                                  peak < TARGET_MEMORY_MB)))
    else:
        rows.append((name, "not measured", "—", "—"))
    name = "`cheminement check` at N=1000 < 1/10 of the plugin build"
    if r1000 and r1000.checks and r1000.builds["plugin"]:
        wall = r1000.median("check") / r1000.median("plugin")
        cpu = r1000.cpu("check") / r1000.cpu("plugin")
        rows.append((name, f"{wall:.3f} (1/{1 / wall:.0f})", f"{cpu:.3f} (1/{1 / cpu:.0f})",
                     verdict(wall < TARGET_CHECK_SHARE, cpu < TARGET_CHECK_SHARE)))
    else:
        rows.append((name, "not measured", "not measured", "—"))
    return rows


def report(results: dict[int, SizeResult], runs: int, seed: int, machine_info: dict[str, str]) -> str:
    lines = ["# Benchmark results", "",
             "Generated by `benchmarks/run.py` (see `benchmarks/README.md`). Each build is a fresh "
             "`mkdocs build -q --strict` process; times are medians of "
             f"{runs} run(s) after one untimed warm-up build of each config; peak memory is the "
             "largest peak RSS over those runs. The three configs take turns. *Wall* is elapsed time; "
             "*CPU* is the user + system time of the build process, which other load on the machine "
             "disturbs much less (the `load` column is the 1-minute load average when the runs started).", "",
             "## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine_info.items()]
    lines += ["", "## Portfolios", "",
              f"`benchmarks/generate.py N OUT --seed {seed}`: N récits (~400 words), N/10 parcours, N/5 traces with a "
              "small PNG/PDF/TXT file each, 40 competences in 6 domains, 10 competence pages, a private journal; "
              f"about 10 % of notes private; 2 % of the récits (at most {DOSSIER_CHOSEN}) marked `dossier: true` "
              "(the dossier's selection).", "",
              "| N | files | MB | private notes | pages (plugin / bare / blog) | site MB (plugin / bare / blog) |",
              "|---:|---:|---:|---:|---:|---:|"]
    for n, r in sorted(results.items()):
        lines.append(f"| {n} | {r.stats['files']} | {r.stats['bytes'] / 1e6:.1f} | {r.stats['private_notes']} "
                     f"| {' / '.join(str(r.pages.get(c, '—')) for c in CONFIGS)} "
                     f"| {' / '.join(fmt(r.site_mb.get(c, float('nan')), 0) for c in CONFIGS)} |")
    lines += ["", "## Results", "",
              "| N | plugin build s (CPU) | bare build s (CPU) | plugin / bare (CPU) | blog + tags build s (CPU) "
              "| blog / plugin (CPU) | plugin peak RSS MB "
              "| bare peak RSS MB | check s (CPU) | check peak RSS MB | check / plugin build (CPU) | load |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, r in sorted(results.items()):
        p, b, c = r.median("plugin"), r.median("bare"), r.median("check")
        pc, bc, cc = r.cpu("plugin"), r.cpu("bare"), r.cpu("check")
        loads = [m.load1 for m in [*(m for runs in r.builds.values() for m in runs), *r.checks]]
        load = statistics.mean(loads) if loads else float("nan")
        g, gc = r.median("blog"), r.cpu("blog")
        lines.append(f"| {n} | {fmt(p)} ({fmt(pc)}) | {fmt(b)} ({fmt(bc)}) | {fmt(p / b)} ({fmt(pc / bc)}) "
                     f"| {fmt(g)} ({fmt(gc)}) | {fmt(g / p)} ({fmt(gc / pc)}) "
                     f"| {fmt(r.peak_mb('plugin'), 0)} | {fmt(r.peak_mb('bare'), 0)} | {fmt(c)} ({fmt(cc)}) "
                     f"| {fmt(r.peak_mb('check'), 0)} | {fmt(c / p, 3)} ({fmt(cc / pc, 3)}) | {fmt(load, 1)} |")
    sizes = sorted(results)
    scaling = []
    for small, large in itertools.pairwise(sizes):
        rs, rl = results[small], results[large]
        scaling.append(f"| {large} / {small} ({large / small:.0f} × the notes) "
                       f"| {fmt(rl.median('plugin') / rs.median('plugin'))} ({fmt(rl.cpu('plugin') / rs.cpu('plugin'))}) "
                       f"| {fmt(rl.median('bare') / rs.median('bare'))} ({fmt(rl.cpu('bare') / rs.cpu('bare'))}) "
                       f"| {fmt(rl.median('check') / rs.median('check'))} ({fmt(rl.cpu('check') / rs.cpu('check'))}) |")
    if scaling:
        lines += ["", "Scaling (ratio of median wall times, CPU times in brackets):", "",
                  "| sizes | plugin build | bare build | check |", "|---|---:|---:|---:|", *scaling]
    lines += ["", "All runs (wall s / CPU s / load):", ""]
    for n, r in sorted(results.items()):
        for what in CONFIGS:
            lines.append(f"- N={n} {what}: " + ", ".join(f"{fmt(m.wall_s)}/{fmt(m.cpu_s)}/{fmt(m.load1, 1)}"
                                                        for m in r.builds[what]))
        lines.append(f"- N={n} check: " + ", ".join(f"{fmt(m.wall_s)}/{fmt(m.cpu_s)}/{fmt(m.load1, 1)}" for m in r.checks))
    lines += ["", "## Targets", "", "| target | measured (wall) | measured (CPU) | verdict |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets(results)]
    costs = [f"N={n}: {fmt(r.exclude_cost_s, 3)} s" for n, r in sorted(results.items()) if r.exclude_cost_s is not None]
    lines += ["", "## Notes", "",
              "- *Bare* is the same `docs/` on MkDocs + Material + search without the plugin: a one-page nav, "
              "every note folder in `not_in_nav`, `journal/` and each private note (and the files only private notes "
              "use) listed in `exclude_docs`. It does not render wikilinks, panels or backlinks, nor the pages the plugin "
              "generates (competence index and pages, timeline, listings, printable dossier…), so the plugin site "
              "has more pages. *Blog* is what Material alone offers on the same public notes: the récits as "
              "posts of its blog plugin (archive, pagination, excerpts), tagged with their competences (tags plugin, "
              "one tag index page), the other notes as in the bare config.",
              "- Matching every file against the bare config's long `exclude_docs` list costs bare MkDocs "
              f"({', '.join(costs)}); this is included in the bare times.",
              ]
    loads = [m.load1 for r in results.values() for m in [*(m for runs in r.builds.values() for m in runs), *r.checks]]
    cores = int(machine_info.get("Cores") or 1) if str(machine_info.get("Cores", "")).isdigit() else 1
    if loads and statistics.mean(loads) > cores:
        lines.append(f"- The 1-minute load average during the runs was {statistics.mean(loads):.1f} on {cores} cores "
                     "(other jobs were running): wall times include time spent waiting for a CPU and vary from run "
                     "to run, so ratios of wall times are unreliable here; the CPU-time ratios are the better basis.")
    failures = [f for r in results.values() for f in r.failures]
    if failures:
        lines += ["", "## Rejected by check or build (product or generator bugs)", "", "```", *failures, "```"]
    return "\n".join(lines) + "\n"


_MARKED = re.compile(r"<!-- ([\w-]+):begin -->.*?<!-- \1:end -->", re.DOTALL)


def kept_sections(path: Path) -> str:
    """Sections that other tools keep in the results file between `<!-- name:begin/end -->`
    markers (e.g. benchmarks/institution.py): carried over when this report is rewritten."""
    if not path.is_file():
        return ""
    blocks = [m.group(0) for m in _MARKED.finditer(path.read_text(encoding="utf-8"))]
    return "".join(f"\n{block}\n" for block in blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="comma-separated N values (default: 100,1000,5000)")
    parser.add_argument("--runs", type=int, default=3, help="timed builds per config and size (default: 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true", help="N=100, 1 run, no RESULTS.md unless --write")
    parser.add_argument("--write", dest="write", action="store_true", default=None, help="write the results file")
    parser.add_argument("--no-write", dest="write", action="store_false", help="do not write the results file")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"results file (default: {RESULTS})")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where generated portfolios are kept")
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="count the first build of each config as a timed run")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per build")
    parser.add_argument("--audit", action="store_true",
                        help="run `cheminement audit` on the first plugin site of each size (always on with --smoke)")
    parser.add_argument("--from-json", type=Path, default=None,
                        help="re-render the report from a raw results file instead of measuring")
    parser.add_argument("--live", action="store_true",
                        help="import the working tree as it is at each build instead of a frozen copy")
    parser.add_argument("--code", type=Path, default=None,
                        help="reuse a code snapshot (benchmarks/.cache/code-HASH) instead of taking a new one")
    parser.add_argument("--serve-size", type=int, default=1000, help="N of the serve latency portfolio (0: skip)")
    parser.add_argument("--serve-repeats", type=int, default=3, help="times each edit is made under serve")
    parser.add_argument("--build-all", default="200x50", metavar="MxK",
                        help="build-all of M portfolios of about K notes (default 200x50; 0: skip)")
    args = parser.parse_args(argv)
    if args.smoke:
        # Every part, at tiny sizes, once: the first build of each config is the timed one.
        args.sizes, args.runs, args.audit, args.warmup = "100", 1, True, False
        args.serve_size, args.serve_repeats, args.build_all = 20, 1, "1x10"
    write = args.write if args.write is not None else not args.smoke
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    args.cache.mkdir(parents=True, exist_ok=True)

    if args.from_json:
        raw = json.loads(args.from_json.read_text(encoding="utf-8"))
        results = {r["n"]: SizeResult.from_json(r) for r in raw["results"]}
        args.runs, args.seed, machine_info = raw["runs"], raw["seed"], raw["machine"]
        extra, failed = raw.get("felt", []), raw.get("felt_failures", [])
    else:
        use_code(args.cache, args.live, args.code)
        machine_info = machine.describe(CODE_ID)
        results = {}
        for n in sizes:
            results[n] = bench_size(n, args.runs, args.seed, args.cache, args.warmup, args.timeout, args.audit)
        raw_file = args.cache / f"results-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S')}.json"
        extra, failed = felt_sections(args)
        raw_file.write_text(json.dumps({"runs": args.runs, "seed": args.seed, "machine": machine_info,
                                        "results": [r.to_json() for r in results.values()],
                                        "felt": extra, "felt_failures": failed}, indent=1))
        log(f"raw results: {raw_file}")
    text = report(results, args.runs, args.seed, machine_info)
    text += "".join(f"\n{section}\n" for section in extra)
    print(text)
    if write:
        args.output.write_text(text + kept_sections(args.output), encoding="utf-8")
        log(f"written {args.output}")
    failures = [f for r in results.values() for f in r.failures] + failed
    for failure in failures:
        log(f"FAILED: {failure}")
    return 1 if failures else 0


def felt_sections(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """Serve latency and build-all (felt.py): the report's sections, and the failures."""
    serve = None
    if args.serve_size > 0:
        log(f"serve latency at N={args.serve_size}")
        serve = (portfolio(args.serve_size, args.seed, args.cache)[0], args.serve_size, args.serve_repeats)
    tools = {"mkdocs": tool("mkdocs"), "cheminement": tool("cheminement")}
    return felt.sections(serve, args.build_all, tools, environment(), args.cache, min(args.timeout, 300), TARGET_SERVE)


if __name__ == "__main__":
    sys.exit(main())
