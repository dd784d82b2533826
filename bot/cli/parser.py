"""An argparse parser that speaks Dutch: help headings, usage and errors.

argparse builds its texts with ``gettext`` at the moment it needs them (headings when a
parser is made, errors while parsing, "usage:" while formatting). Python ships no Dutch
catalogue for them, so every user would see English. :class:`LoketParser` swaps
argparse's ``_``/``ngettext`` for a lookup in :data:`MESSAGES` only while one of its own
methods runs and puts them back afterwards, so other argparse users in the same
process (pytest, for one) are untouched.
"""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from typing import Iterator, NoReturn

# argparse's message ids (Python 3.10-3.13) and what the user sees instead.
MESSAGES = {
    "usage: ": "gebruik: ",
    "positional arguments": "argumenten",
    "options": "opties",
    "optional arguments": "opties",
    "show this help message and exit": "deze uitleg tonen en stoppen",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "onbekende optie of argument: %s",
    "the following arguments are required: %s": "dit ontbreekt nog: %s",
    "one of the arguments %s is required": "geef een van %s",
    "not allowed with argument %s": "gaat niet samen met %s",
    "ignored explicit argument %r": "deze optie neemt geen waarde: %r",
    "expected one argument": "hier hoort een waarde achter",
    "expected at most one argument": "hier hoort hooguit één waarde achter",
    "expected at least one argument": "hier hoort minstens één waarde achter",
    "ambiguous option: %(option)s could match %(matches)s": "optie %(option)s is niet eenduidig: bedoel je %(matches)s?",
    "unexpected option string: %s": "onverwachte optie: %s",
    "invalid %(type)s value: %(value)r": "ongeldige waarde %(value)r (verwacht: %(type)s; zie --help)",
    "invalid choice: %(value)r (choose from %(choices)s)": "onbekende keuze %(value)r (kies uit %(choices)s)",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "can't open '%(filename)s': %(error)s": "kan '%(filename)s' niet openen: %(error)s",
}
PLURALS = {"expected %s argument": "hier horen %s waarden achter"}


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular in PLURALS:
        return PLURALS[singular]
    return singular if n == 1 else plural


@contextmanager
def dutch() -> Iterator[None]:
    """argparse's texts in Dutch for the duration of the block (nesting is fine)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class LoketParser(argparse.ArgumentParser):
    """``ArgumentParser`` with Dutch texts; an error also says where to find help.

    Subparsers made with ``add_subparsers`` are of this class too (argparse uses the
    parent's class by default).
    """

    def __init__(self, *args, **kwargs) -> None:
        with dutch():
            super().__init__(*args, **kwargs)

    def parse_args(self, *args, **kwargs):
        with dutch():
            return super().parse_args(*args, **kwargs)

    def parse_known_args(self, *args, **kwargs):
        with dutch():
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with dutch():
            return super().format_usage()

    def format_help(self) -> str:
        with dutch():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        """Usage, the problem, and the command that explains this (sub)command; exit code 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fout: {message}\nUitleg en voorbeelden: {self.prog} --help\n")
