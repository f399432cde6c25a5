"""`cheminement`: the learner's command line (check a portfolio; more commands to come)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from . import audit as audit_module
from . import dossier as dossier_module
from . import editor, engine, manifest, pdf
from .authoring import AuthoringError, NewNote, NewRetour, init as init_portfolio, new_journal, new_note, new_retour
from .check import Report, analyse
from .load import load_referentiel
from .messages import language, message, plural, printable
from .model import Kind, Problem, Severity
from .publish import publish
from .settings import Settings
from .stage import Stage, StageError

# Material prints a banner about MkDocs 2 when imported; our commands are not the place.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

# Help is shown before any portfolio is read: its language comes from the environment
# (CHEMINEMENT_LANGUE, else LANG such as en_GB.UTF-8), French by default.
HELP_LANGUAGE = language(os.environ.get("CHEMINEMENT_LANGUE") or os.environ.get("LANG", "fr"))


def _help(key: str) -> str:
    return message(key, HELP_LANGUAGE)


class UsageProblem(click.UsageError):
    """A wrong path or configuration: exit code 2, one clear line, no traceback."""


class Refusal(click.ClickException):
    """The command refused to act (nothing was written): exit code 1, one clear line."""

    def show(self, file: object = None) -> None:
        click.echo(click.style(self.format_message(), fg="red"), err=True)


def _shown(path: Path) -> str:
    """A path as the learner typed it: relative to the current folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def settings_from(path: Path) -> Settings:
    """Settings from a mkdocs.yml, or defaults for a bare portfolio folder."""
    config_file = path / "mkdocs.yml" if path.is_dir() else path
    if path.is_dir() and not config_file.is_file():
        return Settings(docs_dir=path)
    if not config_file.is_file():
        raise UsageProblem(message("cli.not-found", "fr", path=path))
    try:
        chosen = engine.find_engine()
        config = engine.load(chosen, config_file)
    except engine.EngineError as error:
        raise UsageProblem(message("cli.bad-config", "fr", path=config_file, detail=error)) from None
    # The privacy rules hold whether or not the learner listed the plugin.
    settings = engine.our_plugin(config).settings_for(config)
    settings.excluded = engine.excluded_files(chosen, config)
    return settings


@click.group(help=_help("help.main"))
@click.version_option(package_name="mkdocs-cheminement")
def main() -> None:
    """The command group; each command is below."""


@main.command(help=_help("help.check"))
@click.argument("path", default="mkdocs.yml", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help=_help("help.strict"))
@click.option("--format", "output", type=click.Choice(["text", "json", "lignes"]), default="text",
              help=_help("help.format-check"))
@click.option("--langue", type=click.Choice(["fr", "en"]), default=None, help=_help("help.langue"))
def check(path: Path, strict: bool, output: str, langue: str | None) -> None:
    settings = _settings(path, langue)
    report = analyse(settings)
    if output == "json":
        click.echo(json.dumps([p.as_dict(settings.lang) for p in report.problems], ensure_ascii=False, indent=2))
    elif output == "lignes":
        for problem in report.problems:
            label = message("cli.error" if problem.severity is Severity.ERROR else "cli.warning", settings.lang)
            suggestion = problem.suggestion(settings.lang)
            click.echo(f"{problem.file}:{problem.line or 1}: {label}: {problem.message(settings.lang)}"
                       + (f" {suggestion}" if suggestion else ""))
    else:
        _print_report(report, settings.lang)
    failed = report.errors or (strict and report.warnings)
    sys.exit(1 if failed else 0)


def _settings(path: Path, langue: str | None) -> Settings:
    if not path.exists():
        raise UsageProblem(message("cli.not-found", langue or "fr", path=path))
    settings = settings_from(path)
    if langue:
        settings.lang = langue
    return settings


@main.command(help=_help("help.publication"))
@click.argument("path", default="mkdocs.yml", type=click.Path(path_type=Path))
@click.option("--depuis", "since", type=click.Path(path_type=Path), default=None,
              help=_help("help.since"))
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", help=_help("help.format"))
@click.option("--langue", type=click.Choice(["fr", "en"]), default=None, help=_help("help.langue"))
def publication(path: Path, since: Path | None, output: str, langue: str | None) -> None:
    settings = _settings(path, langue)
    lang = settings.lang
    report = analyse(settings)
    published = publish(report.portfolio, settings)
    current = manifest.build_manifest(published.public, settings.docs_dir)
    changes = None
    if since is not None:
        try:
            changes = manifest.compare(manifest.read(since), current)
        except ValueError as error:
            raise UsageProblem(message("cli.bad-manifest", lang, path=since, detail=error.message(lang) if isinstance(error, manifest.ManifestError) else error)) from None
    if output == "json":
        click.echo(json.dumps({
            "public": current["files"],
            "private": {p: str(r) for p, r in sorted(published.private.items())},
            "changes": changes.__dict__ if changes else None,
            "errors": len(report.errors),
        }, ensure_ascii=False, indent=2))
        sys.exit(1 if report.errors else 0)
    click.echo(click.style(message("cli.publication.public", lang, count=len(current["files"])), bold=True))
    for item_path, entry in current["files"].items():
        click.echo(f"  {item_path}" + (f"  —  {entry['title']}" if entry.get("title") else ""))
    click.echo(click.style(message("cli.publication.private", lang, count=len(published.private)), bold=True))
    for item_path, reason in sorted(published.private.items()):
        click.echo(f"  {item_path}  —  {message(f'reason.{reason}', lang)}")
    if not published.private:
        click.echo(message("cli.publication.none", lang))
    if changes is not None:
        click.echo(click.style(message("cli.publication.changes", lang, new=len(changes.new),
                                       changed=len(changes.changed), removed=len(changes.removed)), bold=True))
        for sign, paths in (("+", changes.new), ("~", changes.changed), ("-", changes.removed)):
            for item_path in paths:
                click.echo(f"  {sign} {item_path}")
    if report.errors:
        click.echo(click.style(message("cli.publication.errors", lang, count=len(report.errors)), fg="red"))
    sys.exit(1 if report.errors else 0)


@main.command(help=_help("help.audit"))
@click.argument("site", type=click.Path(path_type=Path))
@click.option("--portfolio", "path", default="mkdocs.yml", type=click.Path(path_type=Path),
              help=_help("help.audit-portfolio"))
@click.option("--langue", type=click.Choice(["fr", "en"]), default=None, help=_help("help.langue"))
def audit(site: Path, path: Path, langue: str | None) -> None:
    settings = _settings(path, langue)
    lang = settings.lang
    if not site.is_dir():
        raise UsageProblem(message("cli.audit.no-site", lang, path=site))
    report = analyse(settings)
    published = publish(report.portfolio, settings)
    canaries = audit_module.canaries(report.portfolio, published, settings.docs_dir)
    leaks = audit_module.scan(site, canaries)
    for leak in leaks:
        value = leak.canary.value if leak.canary.what != "file" else leak.canary.source
        click.echo(message("cli.audit.leak", lang, site_file=leak.site_file, what=message(f"audit.{leak.canary.what}", lang),
                           source=leak.canary.source, value=value[:80]))
    if leaks:
        click.echo(click.style(message("cli.audit.summary", lang, count=len(leaks)), fg="red", bold=True))
        sys.exit(1)
    files = sum(1 for p in site.rglob("*") if p.is_file())
    click.echo(message("cli.audit.clean", lang, canaries=len(canaries), files=files))


@main.command(help=_help("help.init"))
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--langue", type=click.Choice(["fr", "en"]), default="fr", help=_help("help.init-langue"))
def init(directory: Path, langue: str) -> None:
    try:
        init_portfolio(directory, langue)
    except AuthoringError as error:
        raise Refusal(str(error)) from None
    click.echo(message("init.done", langue, path=directory))


@main.command(help=_help("help.new"))
@click.argument("kind", type=click.Choice(["recit", "parcours", "trace", "competence", "retour", "journal"]))
@click.argument("title", required=False, default="")
@click.option("--competences", default="", help=_help("help.competences"))
@click.option("--modele", type=click.Choice(["gibbs", "kolb", "star", "schon", "quoi-et-alors"]), default=None,
              help=_help("help.modele"))
@click.option("--fichier", type=click.Path(path_type=Path), default=None, help=_help("help.fichier"))
@click.option("--lien", default=None, help=_help("help.lien"))
@click.option("--domaine", default=None, help=_help("help.domaine"))
@click.option("--sur", "about", default=None, metavar="ID", help=_help("help.new-sur"))
@click.option("--auteur", "author", default=None, help=_help("help.new-auteur"))
@click.option("--competence", "statuses", multiple=True, metavar="ID=relue|validee", help=_help("help.new-competence"))
@click.option("--relecture", "review", is_flag=True, help=_help("help.new-relecture"))
@click.option("--public", "public", is_flag=True, help=_help("help.new-public"))
@click.option("--portfolio", "path", default="mkdocs.yml", type=click.Path(path_type=Path),
              help=_help("help.portfolio"))
def new(kind: str, title: str, competences: str, modele: str | None, fichier: Path | None, lien: str | None,
        domaine: str | None, about: str | None, author: str | None, statuses: tuple[str, ...], review: bool,
        public: bool, path: Path) -> None:
    settings = _settings(path, None)
    lang = settings.lang
    listed = tuple(c.strip() for c in competences.split(",") if c.strip())
    if kind != "retour" and not title.strip():
        raise UsageProblem(message("new.needs-title", lang, kind=kind))
    try:
        if kind == "journal":
            created = new_journal(settings, title)
        elif kind == "retour":
            if not about:
                raise UsageProblem(message("new.retour-needs-about", lang))
            if author is None and sys.stdin.isatty():
                author = click.prompt(message("new.retour-ask-author", lang), default="", show_default=False)
            created = new_retour(settings, NewRetour(about=about, author=author or "", statuses=listed + statuses,
                                                     title=title, review=review, public=public))
        else:
            note = NewNote(kind=Kind(kind), title=title, competences=listed + statuses, model=modele,
                           file=fichier, link=lien, domain=domaine)
            created = new_note(settings, note)
    except AuthoringError as error:
        raise Refusal(str(error)) from None
    click.echo(message("new.created", lang, path=_shown(created.path)))
    for notice in created.notices:
        click.echo(f"  {notice}")


@main.command(help=_help("help.schema"))
@click.option("--portfolio", "path", default="mkdocs.yml", type=click.Path(path_type=Path),
              help=_help("help.schema-portfolio"))
@click.option("--dossier", "folder", default=".cheminement/schemas", type=click.Path(path_type=Path),
              help=_help("help.schema-folder"))
def schema(path: Path, folder: Path) -> None:
    settings = _settings(path, None)
    referentiel, _ = load_referentiel(settings)
    written = editor.write_schemas(folder, referentiel, settings.lang)
    click.echo(message("schema.written", settings.lang, path=folder))
    for item in written:
        click.echo(f"  {item}")


@main.command(help=_help("help.build"))
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option("-d", "--site-dir", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_help("help.site-dir"))
@click.option("-s", "--strict", is_flag=True, help=_help("help.strict"))
@click.option("--stage", "stage_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_help("help.stage"))
@click.option("--moteur", "engine_name", type=click.Choice(["mkdocs", "properdocs"]), default=None,
              help=_help("help.moteur"))
def build(path: Path, site_dir: Path | None, strict: bool, stage_dir: Path | None, engine_name: str | None) -> None:
    overrides: dict[str, object] = {"strict": strict} if strict else {}
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir.resolve())
    with _staged_build(path, stage_dir, engine_name, overrides) as (used, config, stage):
        lang = stage.settings.lang
        _print_problems(stage.report, lang)
        if strict and stage.report.warnings:
            # The stage no longer holds what was wrong (a link to a missing note is text
            # there), so the engine cannot see these warnings: strictness is decided here.
            raise Refusal(message("build.strict", lang, count=len(stage.report.warnings)))
        engine.build(used, config)
        site = Path(config.site_dir)
    click.echo(message("build.done", lang, site=_shown(site), public=len(stage.publication.public.notes)
                       + len(stage.publication.public.pages), private=len(stage.publication.private)))


@contextlib.contextmanager
def _staged_build(path: Path, stage_dir: Path | None, engine_name: str | None,
                  overrides: dict[str, object]) -> Iterator[tuple[engine.Engine, Any, Stage]]:
    """The learner's configuration pointed at a fresh stage; every failure a clear message."""
    config_file = engine.config_file_in(path) if path.exists() else None
    if config_file is None:
        raise UsageProblem(message("cli.not-found", HELP_LANGUAGE, path=path))
    if stage_dir is not None and stage_dir.exists() and any(stage_dir.iterdir()):
        raise UsageProblem(message("build.stage-not-empty", HELP_LANGUAGE, path=stage_dir))
    try:
        chosen = engine.find_engine(engine_name)
        engine.quiet_engine_logs()
        with engine.staged(config_file, stage_dir, chosen, **overrides) as staged:
            yield staged
    except StageError as error:
        _print_report(error.report, error.lang)
        raise Refusal(message("build.nothing", error.lang)) from None
    except engine.EngineError as error:
        raise Refusal(message("build.engine-failed", HELP_LANGUAGE, detail=error)) from None


def _print_problems(report: Report, lang: str) -> None:
    """Warnings of a portfolio that builds, grouped by file as `check` prints them."""
    current: str | None = None
    for problem in report.problems:
        if problem.file != current:
            current = problem.file
            click.echo(click.style(problem.file, bold=True), err=True)
        click.echo(_describe(problem, lang), err=True)


@main.command(help=_help("help.dossier"))
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option("--pdf", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help=_help("help.pdf"))
@click.option("--competence", "competences", multiple=True, metavar="ID", help=_help("dossier.help.competence"))
@click.option("--depuis", "since", metavar="DATE", default=None, help=_help("dossier.help.depuis"))
@click.option("--jusqu-a", "until", metavar="DATE", default=None, help=_help("dossier.help.jusqu-a"))
def dossier(path: Path, output: Path, competences: tuple[str, ...], since: str | None, until: str | None) -> None:
    selection = None
    if competences or since or until:
        try:
            selection = dossier_module.command_line(competences, since, until)
        except dossier_module.SelectionError as error:
            raise UsageProblem(error.describe(HELP_LANGUAGE)) from None
    with tempfile.TemporaryDirectory(prefix="cheminement-dossier-") as site, _environment(dossier_module.SELECTION_VARIABLE, selection):
        with _staged_build(path, None, None, {"site_dir": site}) as (used, config, stage):
            lang = stage.settings.lang
            engine.build(used, config)
        page = Path(site) / "dossier" / "index.html"
        if not page.is_file():
            page = Path(site) / "dossier.html"
        if not page.is_file():
            raise Refusal(message("dossier.disabled", lang))
        try:
            used = pdf.write_pdf(page, output)
        except pdf.NoEngine:
            raise Refusal(message("dossier.no-engine", lang)) from None
    click.echo(message("dossier.written", lang, path=_shown(output), engine=used))


@contextlib.contextmanager
def _environment(name: str, value: str | None) -> Iterator[None]:
    """`name` set to `value` for the build only (None: as it was); the plugin reads it there."""
    before = os.environ.get(name)
    if value is not None:
        os.environ[name] = value
    try:
        yield
    finally:
        if value is not None:
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        index, count = (int(part) for part in value.split("/"))
    except ValueError:
        index = count = 0
    if not 1 <= index <= count:
        raise UsageProblem(message("all.bad-shard", "fr"))
    return index, count


@main.command("build-all", help=_help("help.build-all"))
@click.argument("root", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help=_help("help.out"))
@click.option("--processus", "processes", type=click.IntRange(min=1), default=None,
              help=_help("help.processes"))
@click.option("--shard", default=None, help=_help("help.shard"))
@click.option("--tout", "force", is_flag=True, help=_help("help.force"))
@click.option("--index-seulement", "index_only", is_flag=True, help=_help("help.index-only"))
@click.option("--delai", "seconds", type=click.FloatRange(min=0.1), default=300.0, show_default=True,
              help=_help("help.delai"))
@click.option("--memoire", "memory", type=click.IntRange(min=64), default=2048, show_default=True,
              help=_help("help.memoire"))
def build_all(root: Path, out: Path, processes: int | None, shard: str | None, force: bool, index_only: bool,
              seconds: float, memory: int) -> None:
    from . import institution as inst  # noqa: PLC0415
    from .sandbox import MIB, Limits  # noqa: PLC0415

    try:
        institution = inst.Institution.load(root)
    except inst.InstitutionError as error:
        raise UsageProblem(str(error)) from None
    lang = institution.lang
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    outcomes: list[inst.Outcome] = []
    if not index_only:
        jobs, others = inst.plan(root, out, institution, _shard(shard), force)
        processes = processes or os.cpu_count() or 1
        unchanged = sum(1 for o in others if o.status == "unchanged")
        click.echo(message("all.header", lang, count=len(jobs), skipped=unchanged, processes=processes))
        limits = Limits(seconds=seconds, memory=memory * MIB)
        with click.progressbar(length=len(jobs), label=message("all.progress", lang), file=sys.stderr) as bar:
            outcomes = inst.run(jobs, processes, on_done=lambda _: bar.update(1), limits=limits)
        outcomes = sorted(outcomes + others, key=lambda o: o.slug)
        _print_outcomes(outcomes, lang)
    listed = inst.write_index(out, institution)
    count = {status: sum(1 for o in outcomes if o.status == status) for status in ("built", "unchanged", "failed")}
    click.echo(message("all.summary", lang, listed=listed, seconds=round(time.monotonic() - started, 1), **count))
    sys.exit(1 if count["failed"] else 0)


def _print_outcomes(outcomes: list, lang: str) -> None:
    columns = message("all.columns", lang).split("|")
    rows = [[o.slug, "–" if o.published is None else str(o.published), str(o.errors), str(o.warnings),
             f"{o.seconds:.1f} s", message(f"all.status.{o.status}", lang)] for o in outcomes]
    widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for outcome, row in zip(outcomes, rows):
        line = printable("  ".join(c.ljust(w) for c, w in zip(row, widths)))
        click.echo(click.style(line, fg="red") if outcome.status == "failed" else line)
        if outcome.detail:
            click.echo(f"    {printable(outcome.detail)}")


def _print_report(report: Report, lang: str) -> None:
    current: str | None = None
    for problem in report.problems:
        if problem.file != current:
            current = problem.file
            click.echo(click.style(printable(problem.file), bold=True))
        click.echo(_describe(problem, lang))
    counts = []
    for kind in (Kind.PARCOURS, Kind.RECIT, Kind.TRACE, Kind.COMPETENCE, Kind.RETOUR):
        count = len(report.portfolio.of_kind(kind))
        if count or kind is not Kind.RETOUR:
            counts.append(plural(f"ui.count.{kind.value}", count, lang))
    if report.problems:
        click.echo("")
    click.echo(
        message(
            "cli.summary", lang,
            notes=", ".join(counts),
            competences=len(report.portfolio.competences),
            errors=len(report.errors),
            warnings=len(report.warnings),
        )
    )


def _describe(problem: Problem, lang: str) -> str:
    is_error = problem.severity is Severity.ERROR
    label = message("cli.error" if is_error else "cli.warning", lang)
    where = message("cli.line", lang, line=problem.line) if problem.line else ""
    head = click.style(label, fg="red" if is_error else "yellow", bold=True)
    text = f"  {where + ' · ' if where else ''}{head} : {printable(problem.message(lang))}"
    suggestion = problem.suggestion(lang)
    return text + (f"\n      → {printable(suggestion)}" if suggestion else "")
