"""The command line's own words: its language, its help, click's strings, and colour.

The language of `cheminement …` is decided before click reads the command line, so that
`--help` and click's own messages ("Usage:", "Missing argument"…) speak it too:

1. `--langue fr|en` anywhere on the command line;
2. `CHEMINEMENT_LANGUE`;
3. the portfolio's configuration in the current folder (our plugin's `langue`, else the
   theme's language), read without any engine (configfile.py);
4. the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set): English when it
   starts with `en`;
5. French.

Help texts, short help and examples are catalogue keys (`help.*`), put in place each time
the command runs. Click's own strings come from `gettext.gettext`, bound in each click
module as `_` (and `ngettext`): for the run of a command, those two names are pointed at
our catalogue (`click.*` entries, whose English text is click's exact message id) and
restored afterwards. This needs no `.mo` file and no change to the process' gettext
domain, and a click release that stops using gettext only falls back to English.
"""

from __future__ import annotations

import contextlib
import gettext
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from . import configfile
from .messages import CATALOGUE, language, message

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
CLICK_PREFIX = "click."


def explicit_language(args: Sequence[str]) -> str | None:
    """`--langue X` or `--langue=X` on the command line (before a `--`), if valid."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        value = arg.partition("=")[2] if arg.startswith("--langue=") else (
            args[index + 1] if arg == "--langue" and index + 1 < len(args) else None)
        if value in ("fr", "en"):
            return value
    return None


def locale_language() -> str:
    """English when the locale says so (`en_GB.UTF-8`), else French."""
    for name in LOCALE_VARIABLES:
        value = os.environ.get(name)
        if value:
            return "en" if value.lower().startswith("en") else "fr"
    return "fr"


def command_language(args: Sequence[str], folder: Path | None = None) -> tuple[str, str | None]:
    """(the language of this run, the one the command line asked for, if any)."""
    asked = explicit_language(args)
    if asked:
        return asked, asked
    variable = os.environ.get("CHEMINEMENT_LANGUE")
    if variable:
        return language(variable), None
    own = configfile.language_of(configfile.find(folder or Path.cwd()))
    return own or locale_language(), None


# -- Click's own strings ----------------------------------------------------------------------


def _click_table(lang: str) -> dict[str, str]:
    return {entry["en"]: entry[lang] for key, entry in CATALOGUE.items() if key.startswith(CLICK_PREFIX)}


@contextlib.contextmanager
def click_speaking(lang: str) -> Iterator[None]:
    """Click's messages in `lang` while the block runs (see the module's docstring)."""
    table = _click_table(lang)

    def translated(text: str) -> str:
        return table.get(text, text)

    def translated_plural(singular: str, plural: str, count: int) -> str:
        one = count in (0, 1) if lang == "fr" else count == 1
        return translated(singular if one else plural)

    replacements: dict[Any, Any] = {gettext.gettext: translated, gettext.ngettext: translated_plural}
    patched: list[tuple[Any, str, Any]] = []
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "click" or name.startswith("click.")):
            continue
        for attribute in ("_", "ngettext"):
            current = getattr(module, attribute, None)
            if current in replacements:
                patched.append((module, attribute, current))
                setattr(module, attribute, replacements[current])
    try:
        yield
    finally:
        for module, attribute, original in patched:
            setattr(module, attribute, original)


# -- Help texts ---------------------------------------------------------------------------------


class KeyedOption(click.Option):
    """An option whose help is a catalogue key, shown in the language of the run."""

    def __init__(self, *args: Any, help_key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help_key = help_key
        self.given_metavar = self.metavar

    def localise(self, lang: str) -> None:
        self.help = message(self.help_key, lang)
        kind = f"help.metavar.{self.type.name.replace(' ', '-')}"
        if self.given_metavar is None and not self.is_flag and kind in CATALOGUE:
            # Click names a value by its type, in English (TEXT, PATH, INTEGER RANGE).
            self.metavar = message(kind, lang)


class KeyedArgument(click.Argument):
    """An argument named in the language of the run (`[CHEMIN]`, `[PATH]`) in the usage line."""

    def localise(self, lang: str) -> None:
        if isinstance(self.type, click.Choice):
            return  # `{recit|parcours|…}` says more than a name
        name = message(f"help.metavar.{self.name}", lang)
        self.metavar = name if self.required else f"[{name}]"


def option(*declarations: str, key: str, **kwargs: Any) -> Any:
    """`click.option` with its help from the catalogue."""
    return click.option(*declarations, cls=KeyedOption, help_key=key, **kwargs)


def argument(name: str, **kwargs: Any) -> Any:
    """`click.argument`, shown under a name from the catalogue (`help.metavar.<name>`)."""
    return click.argument(name, cls=KeyedArgument, **kwargs)


def examples(name: str, lang: str) -> str:
    """The epilog: a heading, then the command's examples, kept as written (`\\b`)."""
    lines = message(f"help.examples.{name}", lang).strip().splitlines()
    return message("help.examples", lang) + "\n\n\b\n" + "\n".join(f"  {line}" for line in lines)


def localise(command: click.Command, lang: str) -> None:
    """Put the help of `command` (and of its sub-commands and options) in `lang`."""
    name = command.name or "cheminement"
    key = "main" if name in ("main", "cheminement") else name  # the top group, whatever it is called
    command.help = message(f"help.{key}", lang)
    command.short_help = message(f"help.short.{key}", lang)
    command.epilog = examples(key, lang)
    for param in command.params:
        if isinstance(param, (KeyedOption, KeyedArgument)):
            param.localise(lang)
    if isinstance(command, click.Group):
        command.subcommand_metavar = message("help.metavar.command", lang)
        for sub in command.commands.values():
            localise(sub, lang)


# -- Colour --------------------------------------------------------------------------------------


def no_colour() -> bool:
    """https://no-color.org: `NO_COLOR` set and not empty turns every colour off."""
    return bool(os.environ.get("NO_COLOR"))


def style(text: str, **styles: Any) -> str:
    """`click.style`, or the plain text under NO_COLOR (click already drops colour when
    the output is not a terminal)."""
    return text if no_colour() else click.style(text, **styles)
