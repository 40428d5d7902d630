"""Shards: the Parquet files one batch writes for every staged table, and how the load finds them again.

A shard is `<staging>/<table>/batch-<n>.parquet`. A batch appends its rows chunk by chunk (so a worker holds one
chunk in memory, not the batch) to hidden temporary files, renamed into place only once the whole batch is written:
a killed worker leaves no half shard behind; the staging folder a killed run leaves is removed by the warehouse's
next run (`open_staging`).
"""
from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

OWNER_FILE = "_warehouse"  # in a run's staging folder: the warehouse file the run writes (see `open_staging`)


def open_staging(staging: Path, warehouse: Path) -> int:
    """Create a run's staging folder, marked as `warehouse`'s, after removing the other folders beside it so marked
    (how many, see `remove_abandoned_staging`)."""
    abandoned = remove_abandoned_staging(staging.parent, warehouse)
    staging.mkdir(parents=True, exist_ok=True)
    (staging / OWNER_FILE).write_text(str(warehouse.resolve()), encoding="utf-8")
    return abandoned


def remove_abandoned_staging(root: Path, warehouse: Path) -> int:
    """Remove the run folders under `root` marked as `warehouse`'s (how many): called with the warehouse's writer
    lock held, any such folder is the staging of a run that was killed (SIGKILL, out of memory) before it could
    remove its own. Folders of other warehouses are left alone."""
    owner = str(warehouse.resolve())
    abandoned = 0
    if root.is_dir():
        for folder in root.iterdir():
            try:
                if (folder / OWNER_FILE).read_text(encoding="utf-8") == owner:
                    shutil.rmtree(folder, ignore_errors=True)
                    abandoned += 1
            except OSError:
                continue
    return abandoned


def shard_path(staging: Path, table: str, batch_no: int) -> Path:
    """Where batch `batch_no` puts its rows of `table`."""
    return staging / table / f"batch-{batch_no:06d}.parquet"


class ShardWriter:
    """Append-only Parquet writers for one batch, one file per table; `close()` publishes them all."""

    def __init__(self, staging: Path, batch_no: int, schemas: Mapping[str, pa.Schema]):
        self._final = {name: shard_path(staging, name, batch_no) for name in schemas}
        self._temp = {name: p.with_name(f".{p.name}.tmp") for name, p in self._final.items()}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._schemas = dict(schemas)
        self.rows: dict[str, int] = dict.fromkeys(schemas, 0)

    def write(self, tables: Mapping[str, pa.Table]) -> None:
        """Append one chunk's rows of each table."""
        for name, table in tables.items():
            if table.num_rows == 0:
                continue
            writer = self._writers.get(name)
            if writer is None:
                self._temp[name].parent.mkdir(parents=True, exist_ok=True)
                writer = self._writers[name] = pq.ParquetWriter(self._temp[name], self._schemas[name])
            writer.write_table(table)
            self.rows[name] += table.num_rows

    def close(self) -> dict[str, str]:
        """Finish every file and move it into place; the paths of the shards written, by table."""
        for writer in self._writers.values():
            writer.close()
        written = {}
        for name in self._writers:
            self._temp[name].replace(self._final[name])
            written[name] = str(self._final[name])
        return written

    def abort(self) -> None:
        """Drop what was written (a failed batch leaves nothing behind)."""
        for writer in self._writers.values():
            writer.close()
        for temp in self._temp.values():
            temp.unlink(missing_ok=True)


def read_shard(path: str | Path, columns: list[str] | None = None) -> pa.Table:
    """One shard's rows, only `columns` when given (those the shard has)."""
    if columns is not None:
        have = set(pq.read_schema(path).names)
        columns = [c for c in columns if c in have]
    return pq.read_table(path, columns=columns)


class ShardTables(Mapping[str, pa.Table]):
    """One batch's staged tables, each read from its shard when asked for (only the given columns): a reader that
    takes one table at a time never holds the whole batch."""

    def __init__(self, paths: Mapping[str, str | Path], columns: Mapping[str, Iterable[str]]):
        self._paths = dict(paths)
        self._columns = {name: sorted(names) for name, names in columns.items()}

    def __getitem__(self, name: str) -> pa.Table:
        return read_shard(self._paths[name], self._columns.get(name))

    def __contains__(self, name: object) -> bool:  # Mapping's own would read the shard to answer
        return name in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def staged_files(staging: Path, table: str) -> list[Path]:
    """Every shard of one table (the batches', and the plan's for the tables the plan stages), in name order."""
    return sorted((staging / table).glob("*.parquet"))


def write_plan_table(staging: Path, table: str, rows: pa.Table) -> Path:
    """Stage a table the run's plan writes (one file, `plan.parquet`)."""
    path = staging / table / "plan.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(rows, path)
    return path
