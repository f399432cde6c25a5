"""What `cheminement check` prints: a report for people, editors, CI annotations or tools.

- `text`: grouped by file, with a summary (people);
- `lignes`: `file:line: error: message suggestion`, one line each, for editors' problem
  matchers (VS Code, Vim's quickfix, Emacs' compile mode);
- `github`: one GitHub Actions workflow command per problem (`::error file=…,line=…::…`),
  which GitHub shows as annotations on the lines of a pull request;
- `json`: every problem with its fields, for other tools.

A problem names its file relative to the docs folder (or the configuration file by its
name). `lignes`, `github` and `json` (`path`) name it relative to the current folder,
where editors and CI run, or absolute when it lies outside; `text`, read by a person,
keeps the shorter docs-relative name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from .check import Report
from .cli_text import style
from .configfile import CONFIG_NAMES
from .messages import message, plural, printable
from .model import Kind, Problem, Severity


def located(problem: Problem, docs_dir: Path, config_file: Path | None) -> str:
    """The problem's file as a path from the current folder (absolute when outside it)."""
    candidate = Path(os.path.normpath(docs_dir / problem.file))
    if config_file is not None and problem.file in CONFIG_NAMES and not candidate.exists():
        # The checker names the configuration file by its bare name (`depot`, `selection_dossier`).
        candidate = config_file
    cwd = Path(os.getcwd())
    for spelling in (Path(os.path.abspath(candidate)), Path(os.path.realpath(candidate))):
        if spelling.is_relative_to(cwd):
            return spelling.relative_to(cwd).as_posix()
    return os.path.abspath(candidate)


def _label(problem: Problem, lang: str) -> str:
    return message("cli.error" if problem.severity is Severity.ERROR else "cli.warning", lang)


def _sentence(problem: Problem, lang: str) -> str:
    suggestion = problem.suggestion(lang)
    return problem.message(lang) + (f" {suggestion}" if suggestion else "")


def lines(report: Report, lang: str, docs_dir: Path, config_file: Path | None) -> list[str]:
    """`path:line: label: message suggestion`, the form editors' problem matchers read."""
    return [printable(f"{located(p, docs_dir, config_file)}:{p.line or 1}: {_label(p, lang)}: {_sentence(p, lang)}")
            for p in report.problems]


def _escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message (actions/toolkit, command.ts)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """…and of a property's value, where `:` and `,` separate."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(report: Report, lang: str, docs_dir: Path, config_file: Path | None) -> list[str]:
    """One `::error …::` or `::warning …::` command per problem."""
    commands = []
    for problem in report.problems:
        properties = [f"file={_escape_property(located(problem, docs_dir, config_file))}"]
        if problem.line:
            properties.append(f"line={problem.line}")
        properties.append(f"title={_escape_property(message('cli.github.title', lang, code=problem.code))}")
        text = printable(problem.message(lang))
        suggestion = problem.suggestion(lang)
        if suggestion:
            text += "\n" + printable(suggestion)
        level = "error" if problem.severity is Severity.ERROR else "warning"
        commands.append(f"::{level} {','.join(properties)}::{_escape_data(text)}")
    return commands


def as_json(report: Report, lang: str, docs_dir: Path, config_file: Path | None) -> str:
    return json.dumps([{**p.as_dict(lang), "path": located(p, docs_dir, config_file)} for p in report.problems],
                      ensure_ascii=False, indent=2)


def describe(problem: Problem, lang: str) -> str:
    """One problem under its file's header: line, label, message, then the fix."""
    is_error = problem.severity is Severity.ERROR
    where = message("cli.line", lang, line=problem.line) if problem.line else ""
    head = style(_label(problem, lang), fg="red" if is_error else "yellow", bold=True)
    text = "  " + message("cli.problem", lang, where=where + " · " if where else "", label=head,
                          text=printable(problem.message(lang)))
    suggestion = problem.suggestion(lang)
    return text + (f"\n      → {printable(suggestion)}" if suggestion else "")


def print_problems(report: Report, lang: str, err: bool = False) -> None:
    """Problems grouped by file, as `check` prints them."""
    current: str | None = None
    for problem in report.problems:
        if problem.file != current:
            current = problem.file
            click.echo(style(printable(problem.file), bold=True), err=err)
        click.echo(describe(problem, lang), err=err)


def print_report(report: Report, lang: str) -> None:
    """The problems, then what the portfolio holds and how many problems it has."""
    print_problems(report, lang)
    counts = []
    for kind in (Kind.PARCOURS, Kind.RECIT, Kind.TRACE, Kind.COMPETENCE, Kind.RETOUR):
        count = len(report.portfolio.of_kind(kind))
        if count or kind is not Kind.RETOUR:
            counts.append(plural(f"ui.count.{kind.value}", count, lang))
    if report.problems:
        click.echo("")
    click.echo(message("cli.summary", lang, notes=", ".join(counts), competences=len(report.portfolio.competences),
                       errors=len(report.errors), warnings=len(report.warnings)))
