"""`cheminement`: the command line of learners (check, publish, write notes) and institutions.

Commands that read a portfolio (`check`, `publication`, `audit`, `schema`, `new`, `init`)
need no engine: the configuration file is read by configfile.py. Commands that build
(`build`, `dossier`, `build-all`) run MkDocs or ProperDocs through engine.py, imported only
then. The command's own words (language, help, click's strings, colour) are cli_text.py's;
what `check` prints is cli_report.py's.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from . import audit as audit_module
from . import cli_report, cli_text, configfile, editor, engine, export_formats, manifest, pdf, referentiel_import
from . import dossier as dossier_module
from .authoring import AuthoringError, NewNote, NewRetour, new_journal, new_note, new_retour
from .authoring import init as init_portfolio
from .check import analyse
from .cli_text import argument, option, style
from .load import load_portfolio
from .messages import message, printable
from .model import Kind
from .publish import publish
from .schema import REFLECTION_MODELS
from .settings import Settings
from .stage import Stage, StageError

# Material prints a banner about MkDocs 2, and ProperDocs one about MkDocs when a plugin asks
# for it: our commands are not the place for either (both documented switches).
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")

ENGINE_CHOICES = click.Choice(["mkdocs", "properdocs", "zensical"])
LANGUAGES = click.Choice(["fr", "en"])


@dataclass
class Run:
    """This run's language, and the one `--langue` asked for (None: the portfolio's)."""

    lang: str = "fr"
    asked: str | None = None

    def of(self, portfolio_lang: str | None) -> str:
        """The language of messages about a portfolio: `--langue`, else the portfolio's."""
        return self.asked or portfolio_lang or self.lang


RUN = Run()


class UsageProblem(click.UsageError):
    """A wrong path or configuration: exit code 2, one clear line, no traceback."""


class Refusal(click.ClickException):
    """The command refused to act (nothing was written): exit code 1, one clear line."""

    def show(self, file: object = None) -> None:
        click.echo(style(self.format_message(), fg="red"), err=True)


def _show_help(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


def _help_option(ctx: click.Context) -> cli_text.KeyedOption:
    """`--help` in the run's language (click builds its own once, in the first language)."""
    made = cli_text.KeyedOption(ctx.help_option_names, is_flag=True, expose_value=False, is_eager=True,
                                callback=_show_help, help_key="help.help")
    made.localise(RUN.lang)
    return made


def _langue_option() -> cli_text.KeyedOption:
    """`--langue`: read before click parses anything (cli_text.explicit_language)."""
    return cli_text.KeyedOption(["--langue"], type=LANGUAGES, default=None, expose_value=False, help_key="help.langue")


class Command(click.Command):
    """A command whose `--help` speaks the run's language."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _help_option(ctx)


class Cheminement(click.Group):
    """The command group, which settles the language and colour before click reads anything."""

    command_class = Command

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _help_option(ctx)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        given = kwargs.get("args", args[0] if args else None)
        RUN.lang, RUN.asked = cli_text.command_language(sys.argv[1:] if given is None else list(given))
        if cli_text.no_colour():
            kwargs["color"] = False
        cli_text.localise(self, RUN.lang)
        with cli_text.click_speaking(RUN.lang):
            return super().main(*args, **kwargs)


@click.group(cls=Cheminement)
@click.version_option(package_name="mkdocs-cheminement", cls=cli_text.KeyedOption, help_key="help.version")
def main() -> None:
    """The command group; each command is below."""


main.params.append(_langue_option())


def command(name: str, langue: bool = True) -> Callable[[Callable[..., None]], click.Command]:
    """A sub-command with `--langue`; its texts come from the catalogue."""

    def decorate(function: Callable[..., None]) -> click.Command:
        made = main.command(name)(function)
        made.params += [_langue_option()] if langue else []
        return made

    return decorate


def _shown(path: Path) -> str:
    """A path as the learner typed it: relative to the current folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class Portfolio:
    """What a command knows of the portfolio it works on."""

    settings: Settings
    config_file: Path | None  # None: a bare folder of notes

    @property
    def lang(self) -> str:
        return RUN.of(self.settings.lang)


def _portfolio(path: Path | None) -> Portfolio:
    """The portfolio at `path` (a configuration file or a folder; None: the current folder)."""
    if path is not None and not path.exists():
        raise UsageProblem(message("cli.not-found", RUN.lang, path=path))
    config_file = configfile.locate(path)
    if config_file is None and path is None:
        raise UsageProblem(message("configfile.none", RUN.lang, folder=Path.cwd(), names=", ".join(configfile.CONFIG_NAMES)))
    if config_file is None:
        return Portfolio(Settings(docs_dir=path or Path.cwd(), lang=RUN.lang), None)
    try:
        settings = configfile.read_settings(config_file)
    except configfile.ConfigError as error:
        raise UsageProblem(error.describe(RUN.of(configfile.language_of(config_file)))) from None
    return Portfolio(settings, config_file)


PATH = argument("path", required=False, default=None, type=click.Path(path_type=Path))


@command("check")
@PATH
@option("--strict", key="help.strict", is_flag=True)
@option("--format", "output", key="help.format-check", type=click.Choice(["text", "lignes", "github", "json"]), default="text")
def check(path: Path | None, strict: bool, output: str) -> None:
    portfolio = _portfolio(path)
    lang, settings = portfolio.lang, portfolio.settings
    report = analyse(settings)
    where = (report, lang, settings.docs_dir, portfolio.config_file)
    if output == "json":
        click.echo(cli_report.as_json(*where))
    elif output in ("lignes", "github"):
        for line in (cli_report.lines if output == "lignes" else cli_report.github)(*where):
            click.echo(line)
    else:
        cli_report.print_report(report, lang)
    failed = report.errors or (strict and report.warnings)
    sys.exit(1 if failed else 0)


@command("publication")
@PATH
@option("--depuis", "since", key="help.since", type=click.Path(path_type=Path), default=None)
@option("--format", "output", key="help.format", type=click.Choice(["text", "json"]), default="text")
def publication(path: Path | None, since: Path | None, output: str) -> None:
    portfolio = _portfolio(path)
    settings, lang = portfolio.settings, portfolio.lang
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
    click.echo(style(message("cli.publication.public", lang, count=len(current["files"])), bold=True))
    for item_path, entry in current["files"].items():
        click.echo(f"  {item_path}" + (f"  —  {entry['title']}" if entry.get("title") else ""))
    click.echo(style(message("cli.publication.private", lang, count=len(published.private)), bold=True))
    for item_path, reason in sorted(published.private.items()):
        click.echo(f"  {item_path}  —  {message(f'reason.{reason}', lang)}")
    if not published.private:
        click.echo(message("cli.publication.none", lang))
    if changes is not None:
        click.echo(style(message("cli.publication.changes", lang, new=len(changes.new),
                                 changed=len(changes.changed), removed=len(changes.removed)), bold=True))
        for sign, paths in (("+", changes.new), ("~", changes.changed), ("-", changes.removed)):
            for item_path in paths:
                click.echo(f"  {sign} {item_path}")
    if report.errors:
        click.echo(style(message("cli.publication.errors", lang, count=len(report.errors)), fg="red"))
    sys.exit(1 if report.errors else 0)


@command("audit")
@argument("site", type=click.Path(path_type=Path))
@option("--portfolio", "path", key="help.audit-portfolio", default=None, type=click.Path(path_type=Path))
def audit(site: Path, path: Path | None) -> None:
    portfolio = _portfolio(path)
    settings, lang = portfolio.settings, portfolio.lang
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
        click.echo(style(message("cli.audit.summary", lang, count=len(leaks)), fg="red", bold=True))
        sys.exit(1)
    files = sum(1 for p in site.rglob("*") if p.is_file())
    click.echo(message("cli.audit.clean", lang, canaries=len(canaries), files=files))


@command("init", langue=False)
@argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@option("--langue", key="help.init-langue", type=LANGUAGES, default=None)
@option("--referentiel", "pack", key="help.init-referentiel", default=None, metavar="crcn|digcomp")
def init(directory: Path, langue: str | None, pack: str | None) -> None:
    lang = langue or RUN.lang
    try:
        done = init_portfolio(directory, lang, pack=pack)
    except AuthoringError as error:
        raise Refusal(str(error)) from None
    click.echo(message("init.done", lang, path=directory))
    for notice in done.notices:
        click.echo(f"  {notice}")


@command("new")
@argument("kind", type=click.Choice(["recit", "parcours", "trace", "competence", "retour", "journal"]))
@argument("title", required=False, default="")
@option("--competences", key="help.competences", default="")
@option("--modele", key="help.modele", type=click.Choice(list(REFLECTION_MODELS)), default=None)
@option("--fichier", key="help.fichier", type=click.Path(path_type=Path), default=None)
@option("--lien", key="help.lien", default=None)
@option("--domaine", key="help.domaine", default=None)
@option("--sur", "about", key="help.new-sur", default=None, metavar="ID")
@option("--auteur", "author", key="help.new-auteur", default=None)
@option("--competence", "statuses", key="help.new-competence", multiple=True, metavar="ID=relue|validee")
@option("--relecture", "review", key="help.new-relecture", is_flag=True)
@option("--public", "public", key="help.new-public", is_flag=True)
@option("--portfolio", "path", key="help.portfolio", default=None, type=click.Path(path_type=Path))
def new(kind: str, title: str, competences: str, modele: str | None, fichier: Path | None, lien: str | None,
        domaine: str | None, about: str | None, author: str | None, statuses: tuple[str, ...], review: bool,
        public: bool, path: Path | None) -> None:
    portfolio = _portfolio(path)
    settings, lang = portfolio.settings, portfolio.lang
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
    except OSError as error:  # a read-only folder, a full disk: the file system's own words
        raise Refusal(message("new.cannot-write", lang, path=printable(str(error.filename or "")),
                              detail=error.strerror or error)) from None
    click.echo(message("new.created", lang, path=_shown(created.path)))
    for notice in created.notices:
        click.echo(f"  {notice}")


@command("schema")
@option("--portfolio", "path", key="help.schema-portfolio", default=None, type=click.Path(path_type=Path))
@option("--dossier", "folder", key="help.schema-folder", default=".cheminement/schemas", type=click.Path(path_type=Path))
def schema(path: Path | None, folder: Path) -> None:
    portfolio = _portfolio(path)
    settings = portfolio.settings
    # Competences defined by a page of their own (not in referentiel.yml) are ids too.
    loaded, _ = load_portfolio(settings)
    written = editor.write_schemas(folder, loaded.referentiel, settings.lang, loaded.competences)
    click.echo(message("schema.written", portfolio.lang, path=folder))
    for item in written:
        click.echo(f"  {item}")


class _Referentiel(click.Group):
    """`cheminement referentiel`: its commands' help option is ours, like the main group's."""

    command_class = Command

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _help_option(ctx)


@main.group("referentiel", cls=_Referentiel)
def referentiel() -> None:
    """The référentiel's commands."""


@referentiel.command("importer")
@argument("source", type=click.Path(path_type=Path))
@option("--fiche", key="help.importer-fiche", default=None)
@option("--portfolio", "path", key="help.importer-portfolio", default=None, type=click.Path(path_type=Path))
@option("--essai", "dry_run", key="help.importer-essai", is_flag=True)
def importer(source: Path, fiche: str | None, path: Path | None, dry_run: bool) -> None:
    portfolio = _portfolio(path)
    target = portfolio.settings.referentiel_path
    try:
        text, report = referentiel_import.import_source(source, target, fiche, portfolio.lang)
    except referentiel_import.ImportFailure as failure:
        raise Refusal(message(failure.key, portfolio.lang, **failure.params)) from None
    if not dry_run:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    click.echo(message("referentiel-import.dry-run" if dry_run else "referentiel-import.written", portfolio.lang,
                       path=_shown(target)))
    if report.converted:
        click.echo(message("packs.converted", portfolio.lang, id=report.converted))
    if report.framework:
        click.echo(message("packs.into", portfolio.lang, id=report.framework))
    for key, ids in (("added", report.added), ("changed", report.changed), ("absent", report.absent)):
        if ids:
            click.echo(message(f"referentiel-import.{key}", portfolio.lang, count=len(ids), ids=", ".join(ids)))
    if not (report.added or report.changed or report.absent):
        click.echo(message("referentiel-import.unchanged", portfolio.lang))


referentiel.params.append(_langue_option())
importer.params.append(_langue_option())


MOTEUR = option("--moteur", "engine_name", key="help.moteur", type=ENGINE_CHOICES, default=None)


@command("build")
@argument("path", required=False, default=".", type=click.Path(path_type=Path))
@option("-d", "--site-dir", "site_dir", key="help.site-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@option("-s", "--strict", key="help.strict", is_flag=True)
@option("--stage", "stage_dir", key="help.stage", type=click.Path(file_okay=False, path_type=Path), default=None)
@MOTEUR
def build(path: Path, site_dir: Path | None, strict: bool, stage_dir: Path | None, engine_name: str | None) -> None:
    overrides: dict[str, object] = {"strict": strict} if strict else {}
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir.resolve())
    with _staged_build(path, stage_dir, engine_name, overrides) as (used, config, stage):
        lang = RUN.of(stage.settings.lang)
        cli_report.print_problems(stage.report, lang, err=True)
        if strict and stage.report.warnings:
            # The stage no longer holds what was wrong (a link to a missing note is text
            # there), so the engine cannot see these warnings: strictness is decided here.
            raise Refusal(message("build.strict", lang, count=len(stage.report.warnings)))
        _run_engine(used, config)
        site = Path(config.site_dir)
    click.echo(message("build.done", lang, site=_shown(site), public=len(stage.publication.public.notes)
                       + len(stage.publication.public.pages), private=len(stage.publication.private)))


def _run_engine(used: engine.Engine, config: Any) -> None:
    try:
        engine.build(used, config)
    except engine.EngineError as error:
        raise Refusal(message("build.engine-failed", RUN.lang, detail=error)) from None


@contextlib.contextmanager
def _staged_build(path: Path, stage_dir: Path | None, engine_name: str | None,
                  overrides: dict[str, object]) -> Iterator[tuple[engine.Engine, Any, Stage]]:
    """The learner's configuration pointed at a fresh stage; every failure a clear message."""
    if not path.exists():
        raise UsageProblem(message("cli.not-found", RUN.lang, path=path))
    config_file = configfile.locate(path)
    if config_file is None:
        raise UsageProblem(message("configfile.none", RUN.lang, folder=path.resolve(), names=", ".join(configfile.CONFIG_NAMES)))
    if stage_dir is not None and stage_dir.exists() and any(stage_dir.iterdir()):
        raise UsageProblem(message("build.stage-not-empty", RUN.lang, path=stage_dir))
    chosen = _engine(engine_name, config_file)
    try:
        engine.quiet_engine_logs(chosen)
        with engine.staged(config_file, stage_dir, chosen, **overrides) as staged:
            yield staged
    except StageError as error:
        cli_report.print_report(error.report, RUN.of(error.lang))
        raise Refusal(message("build.nothing", RUN.of(error.lang))) from None
    except engine.EngineError as error:
        raise Refusal(message("build.engine-failed", RUN.lang, detail=error)) from None


def _engine(name: str | None, config_file: Path | None) -> engine.Engine:
    """The engine to build with, or a refusal that says what to install."""
    try:
        return engine.find_engine(name, config_file)
    except engine.NoEngine as error:
        raise Refusal(error.describe(RUN.lang)) from None


@command("serve")
@argument("path", required=False, default=".", type=click.Path(path_type=Path))
@option("--complet", "full", key="help.serve.complet", is_flag=True)
@option("-a", "--adresse", "dev_addr", key="help.serve.adresse", metavar="IP:PORT", default=None)
@MOTEUR
def serve(path: Path, full: bool, dev_addr: str | None, engine_name: str | None) -> None:
    if not path.exists():
        raise UsageProblem(message("cli.not-found", RUN.lang, path=path))
    config_file = configfile.locate(path)
    if config_file is None:
        raise UsageProblem(message("configfile.none", RUN.lang, folder=path.resolve(), names=", ".join(configfile.CONFIG_NAMES)))
    try:
        engine.serve(_engine(engine_name, config_file), config_file, full=full, dev_addr=dev_addr, lang=RUN.lang)
    except engine.NotOurs as error:
        raise Refusal(str(error)) from None
    except engine.EngineError as error:
        raise Refusal(message("build.engine-failed", RUN.lang, detail=error)) from None


@command("dossier")
@argument("path", required=False, default=".", type=click.Path(path_type=Path))
@option("--pdf", "output", key="help.pdf", required=True, type=click.Path(dir_okay=False, path_type=Path))
@option("--competence", "competences", key="dossier.help.competence", multiple=True, metavar="ID")
@option("--depuis", "since", key="dossier.help.depuis", metavar="DATE", default=None)
@option("--jusqu-a", "until", key="dossier.help.jusqu-a", metavar="DATE", default=None)
@MOTEUR
def dossier(path: Path, output: Path, competences: tuple[str, ...], since: str | None, until: str | None,
            engine_name: str | None) -> None:
    # Set even when empty: the command asks for the dossier, whatever the portfolio's size.
    try:
        selection = dossier_module.command_line(competences, since, until)
    except dossier_module.SelectionError as error:
        raise UsageProblem(error.describe(RUN.lang)) from None
    with tempfile.TemporaryDirectory(prefix="cheminement-dossier-") as site, _environment(dossier_module.SELECTION_VARIABLE, selection):
        with _staged_build(path, None, engine_name, {"site_dir": site}) as (used, config, stage):
            lang = RUN.of(stage.settings.lang)
            _run_engine(used, config)
        page = Path(site) / "dossier" / "index.html"
        if not page.is_file():
            page = Path(site) / "dossier.html"
        if not page.is_file():
            raise Refusal(message("dossier.disabled", lang))
        try:
            printer = pdf.write_pdf(page, output)
        except pdf.NoEngine:
            raise Refusal(message("dossier.no-engine", lang)) from None
    click.echo(message("dossier.written", lang, path=_shown(output), engine=printer))


@command("export")
@argument("kind", type=click.Choice(list(export_formats.FORMATS)))
@PATH
@option("--sortie", "output", key="export.help.sortie", type=click.Path(dir_okay=False, path_type=Path), default=None)
@option("--separateur", "separator", key="export.help.separateur", type=click.Choice([";", ",", "tab"]), default=";")
def export(kind: str, path: Path | None, output: Path | None, separator: str) -> None:
    portfolio = _portfolio(path)
    settings, lang = portfolio.settings, portfolio.lang
    chosen = export_formats.FORMATS[kind]
    if chosen.suffix and output is None:
        raise UsageProblem(message("export.binary-needs-output", lang, format=kind, suffix=chosen.suffix))
    report = analyse(settings)
    if report.errors:
        cli_report.print_problems(report, lang, err=True)
        raise Refusal(message("export.errors", lang, count=len(report.errors)))

    written = chosen.write(report.portfolio, settings, export_formats.Options(lang, separator))
    if output is None:
        click.echo(written.content, nl=False)
        return
    try:
        if isinstance(written.content, bytes):
            output.write_bytes(written.content)
        else:
            output.write_text(written.content, encoding="utf-8", newline="")
    except OSError as error:
        raise Refusal(message("export.cannot-write", lang, path=_shown(output), detail=error.strerror or error)) from None
    click.echo(message("export.written", lang, format=kind.upper(), path=_shown(output)))
    for note in written.notes:
        click.echo(note)


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
        raise UsageProblem(message("all.bad-shard", RUN.lang))
    return index, count


@command("build-all")
@argument("root", type=click.Path(exists=True, file_okay=False, path_type=Path))
@option("--out", key="help.out", required=True, type=click.Path(file_okay=False, path_type=Path))
@option("--processus", "processes", key="help.processes", type=click.IntRange(min=1), default=None)
@option("--shard", key="help.shard", default=None)
@option("--tout", "force", key="help.force", is_flag=True)
@option("--index-seulement", "index_only", key="help.index-only", is_flag=True)
@option("--autonome", "alone", key="help.autonome", is_flag=True)
@option("--delai", "seconds", key="help.delai", type=click.FloatRange(min=0.1), default=300.0, show_default=True)
@option("--memoire", "memory", key="help.memoire", type=click.IntRange(min=64), default=2048, show_default=True)
@MOTEUR
def build_all(root: Path, out: Path, processes: int | None, shard: str | None, force: bool, index_only: bool,
              alone: bool, seconds: float, memory: int, engine_name: str | None) -> None:
    from . import institution as inst  # noqa: PLC0415 - POSIX-only pieces, for this command alone
    from .sandbox import MIB, Limits  # noqa: PLC0415

    try:
        institution = inst.Institution.load(root)
    except inst.InstitutionError as error:
        raise UsageProblem(str(error)) from None
    lang = RUN.of(institution.lang)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    outcomes: list[inst.Outcome] = []
    if not index_only:
        try:
            chosen = engine.choose(engine_name)
        except engine.NoEngine as error:
            raise Refusal(error.describe(lang)) from None
        jobs, others = inst.plan(root, out, institution, _shard(shard), force, chosen, shared=not alone)
        processes = processes or os.cpu_count() or 1
        unchanged = sum(1 for o in others if o.status == "unchanged")
        click.echo(message("all.header", lang, count=len(jobs), skipped=unchanged, processes=processes))
        limits = Limits(seconds=seconds, memory=memory * MIB)
        with click.progressbar(length=len(jobs), label=message("all.progress", lang), file=sys.stderr) as bar:
            outcomes = inst.run(jobs, processes, on_done=lambda _: bar.update(1), limits=limits, engine=chosen)
        outcomes = sorted(outcomes + others, key=lambda o: o.slug)
        _print_outcomes(outcomes, lang)
        inst.collect_assets(out)
    listed = inst.write_index(out, institution)
    count = {status: sum(1 for o in outcomes if o.status == status) for status in ("built", "unchanged", "failed")}
    click.echo(message("all.summary", lang, listed=listed, seconds=round(time.monotonic() - started, 1), **count))
    sys.exit(1 if count["failed"] else 0)


def _print_outcomes(outcomes: list, lang: str) -> None:
    columns = message("all.columns", lang).split("|")
    rows = [[o.slug, "–" if o.published is None else str(o.published), str(o.errors), str(o.warnings),
             f"{o.seconds:.1f} s", message(f"all.status.{o.status}", lang)] for o in outcomes]
    widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for outcome, row in zip(outcomes, rows, strict=True):
        line = printable("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        click.echo(style(line, fg="red") if outcome.status == "failed" else line)
        if outcome.detail:
            click.echo(f"    {printable(outcome.detail)}")
