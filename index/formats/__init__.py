"""Format-specific parsers behind :mod:`index.loaders`.

Each parser turns the raw content of one file format into sections; it knows nothing
about paths, so it reports problems as :class:`FormatError` with a Dutch reason and a
next step, and :mod:`index.loaders` adds the file name.
"""
from __future__ import annotations


class FormatError(Exception):
    """A file's content cannot be turned into text; ``str(e)`` says why and what to do."""
