"""Publishing a loaded warehouse: every table as Parquet for other engines, and a read-only copy for dashboards."""
from __future__ import annotations

import shutil
from pathlib import Path

from schemas.tables import ALL_TABLES
from warehouse.store import DEFAULT_MEMORY_LIMIT, connect


def publish_parquet(warehouse: Path, parquet_dir: Path, memory_limit: str = DEFAULT_MEMORY_LIMIT) -> dict[str, Path]:
    """Export every table to `<parquet_dir>/<table>/<table>.parquet`, sorted by key (temp file, then rename)."""
    con = connect(warehouse, memory_limit, read_only=True)
    out = {}
    try:
        for table in ALL_TABLES:
            folder = parquet_dir / table.name
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / f"{table.name}.parquet"
            tmp = folder / f".{table.name}.parquet.tmp"
            order = ", ".join(f'"{k}"' for k in table.primary_key)
            con.execute(f"COPY (SELECT * FROM \"{table.name}\" ORDER BY {order}) TO '{tmp}' (FORMAT parquet)")
            tmp.replace(final)
            out[table.name] = final
    finally:
        con.close()
    return out


def snapshot_path(warehouse: Path) -> Path:
    """Where the dashboards' read-only copy of a warehouse lives: `<stem>.snapshot.duckdb` beside it."""
    return warehouse.with_name(f"{warehouse.stem}.snapshot.duckdb")


def checkpoint_warehouse(warehouse: Path) -> None:
    """Fold a left-over write-ahead log into the warehouse file, so that the file is complete on its own."""
    if not Path(f"{warehouse}.wal").exists():  # a closed connection has checkpointed already
        return
    con = connect(warehouse)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def snapshot_warehouse(warehouse: Path) -> Path:
    """Copy the (closed) warehouse file to its snapshot path atomically."""
    target = snapshot_path(warehouse)
    tmp = target.with_name(f".{target.name}.tmp")
    checkpoint_warehouse(warehouse)
    shutil.copyfile(warehouse, tmp)
    tmp.replace(target)
    return target
