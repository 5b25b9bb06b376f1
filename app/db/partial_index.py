"""An index over the rows a condition selects, declared once for SQLite and PostgreSQL alike
without importing either dialect.

`Index(..., sqlite_where=..., postgresql_where=...)` makes SQLAlchemy load each named dialect when
the index is declared, to check that it accepts the argument: a console on a SQLite file paid
for the whole PostgreSQL dialect (its drivers' modules included) before its first paint. Here the
condition goes into a dialect's options when that dialect first asks for them: when it compiles
CREATE INDEX, or when Alembic compares or renders the index for it. By then that dialect is
loaded anyway.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, TextClause, text
from sqlalchemy.util import PopulateDict, memoized_property

WHERE_DIALECTS = ("sqlite", "postgresql")  # both build partial indexes from the same WHERE


class PartialIndex(Index):
    def __init__(self, name: str, *columns: str, where: str) -> None:
        self.where: TextClause = text(where)
        super().__init__(name, *columns)

    @memoized_property
    def dialect_options(self) -> PopulateDict[str, Any]:
        return PopulateDict(self._options_for)

    def _options_for(self, dialect_name: str) -> Any:
        options = self._kw_reg_for_dialect_cls(dialect_name)
        if dialect_name in WHERE_DIALECTS:
            options["where"] = self.where
        return options
