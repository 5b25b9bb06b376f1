"""The formats records are exported to (app/adapters/tabular_export.py writes them), apart from
the writer so that the command line's parser can offer them without importing it: the console
builds that parser at every start."""

from __future__ import annotations

FORMATS = ("csv", "json")
