"""Arrow schemas and DuckDB DDL derived from the table declarations."""
from __future__ import annotations

import pyarrow as pa

from schemas.model import RECORD_COLUMN
from schemas.tables import UNINDEXED_KEY_TABLES, Table

_ARROW = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
}


def arrow_schema(table: Table, staging: bool = False) -> pa.Schema:
    """The Arrow schema of a table; the staging variant carries the `_record` lineage column."""
    fields = [pa.field(c.name, _ARROW[c.type], nullable=c.nullable) for c in table.columns]
    if staging:
        fields.append(pa.field(RECORD_COLUMN, pa.string(), nullable=False))
    return pa.schema(fields)


def _quote(name: str) -> str:
    return f'"{name}"'


def create_table_sql(table: Table) -> str:
    """`CREATE TABLE IF NOT EXISTS` for a table, with NOT NULL, CHECK (allowed values) and — unless the load replaces
    its rows wholesale (`UNINDEXED_KEY_TABLES`) — PRIMARY KEY."""
    lines = []
    for c in table.columns:
        line = f"    {_quote(c.name)} {c.type}"
        if not c.nullable:
            line += " NOT NULL"
        if c.allowed:
            values = ", ".join("'" + v.replace("'", "''") + "'" for v in c.allowed)
            line += f" CHECK ({_quote(c.name)} IN ({values}))"
        lines.append(line)
    if table.name not in UNINDEXED_KEY_TABLES:
        lines.append(f"    PRIMARY KEY ({', '.join(_quote(k) for k in table.primary_key)})")
    body = ",\n".join(lines)
    return f"CREATE TABLE IF NOT EXISTS {_quote(table.name)} (\n{body}\n);"


def select_list(table: Table) -> str:
    """Comma-separated quoted column list in declaration order."""
    return ", ".join(_quote(c) for c in table.column_names)
