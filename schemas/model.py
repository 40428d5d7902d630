"""What a table declaration is: a table of columns, with its grain, keys and each column's constraints."""
from __future__ import annotations

from dataclasses import dataclass, field

RECORD_COLUMN = "_record"  # staging-only: which source record a row came from (file path # record index)


@dataclass(frozen=True, slots=True)
class Column:
    """One column: name, logical type, nullability, meaning and optional constraints."""

    name: str
    type: str  # VARCHAR | INTEGER | BIGINT | DOUBLE | BOOLEAN | DATE | TIMESTAMP
    description: str
    nullable: bool = True
    allowed: tuple[str, ...] | None = None  # closed vocabulary
    pattern: str | None = None  # regex every non-null value matches
    min_value: float | None = None
    max_value: float | None = None
    scoped: bool = False  # the value starts with its row's trial_id (`NCT01234567:arm:1`): it follows a renamed trial


@dataclass(frozen=True, slots=True)
class Table:
    """One table: its grain in one sentence, columns, primary key and foreign keys to `trial`."""

    name: str
    grain: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: dict[str, str] = field(default_factory=dict)  # column -> "table.column"
    kind: str = "star"  # star | dimension | lineage | history

    def column(self, name: str) -> Column:
        """The column called `name`."""
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list[str]:
        """Column names in declaration order."""
        return [c.name for c in self.columns]
