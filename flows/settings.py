"""Configuration: `Settings` reads local defaults and `TRIALHOUSE_*` environment variables; `IngestConfig` is the
ingest flow's one parameter, built from them plus what the command line says."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Runner = Literal["auto", "sequential", "threads", "processes", "dask"]
DEFAULT_PART_BYTES = 16 * 1024 * 1024


class Settings(BaseSettings):
    """Where the warehouse lives and how runs are shaped; every field can be set as TRIALHOUSE_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="TRIALHOUSE_", extra="ignore")

    warehouse: Path = Field(Path("warehouse/trials.duckdb"), description="DuckDB file to load")
    parquet_dir: Path = Field(Path("warehouse/parquet"), description="Parquet root: one folder per table")
    batch_size: int | None = Field(None, ge=1, le=100_000, description="files (or parts of large files) per worker "
                                   "task (unset: sized by the run)")
    max_file_bytes: int = Field(50 * 1024 * 1024, ge=1, description="larger files are quarantined unread, except "
                                "those read in parts")
    part_bytes: int = Field(DEFAULT_PART_BYTES, ge=1, description="a larger file of many records (a registry's "
                            "export) is read in parts of at most about this size, on several workers at once")
    duckdb_memory: str = Field("1GB", description="DuckDB's memory cap for the load (it spills beyond it)")
    runner: Runner = Field("auto", description="where batches run: auto, sequential, threads, processes or dask")
    workers: int | None = Field(None, ge=1, description="parallel workers (unset: the CPU count)")
    staging_dir: Path | None = Field(None, description="where workers write their shards (unset: under the Parquet "
                                                       "root); on Dask, a folder every worker and the flow share")
    cache_dir: Path = Field(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "trialhouse",
                            description="derived data kept between runs (the prebuilt city gazetteer)")
    sample_dir: Path = Field(Path(__file__).resolve().parents[1] / "data" / "samples",
                             description="bundled sample files used by the demo")


class IngestConfig(BaseModel):
    """Everything one ingest run needs to know (the flow's one parameter; Prefect validates and shows it)."""

    sources: list[Path] = Field(min_length=1, description="a folder (searched recursively) or raw files")
    warehouse: Path = Path("warehouse/trials.duckdb")
    parquet_dir: Path = Path("warehouse/parquet")
    staging_dir: Path | None = None
    cache_dir: Path | None = None
    batch_size: int | None = Field(None, ge=1, le=100_000)
    full_refresh: bool = False
    max_file_bytes: int = Field(50 * 1024 * 1024, ge=1)
    part_bytes: int = Field(DEFAULT_PART_BYTES, ge=1)
    duckdb_memory: str = "1GB"
    runner: Runner = "auto"
    workers: int | None = Field(None, ge=1)
    dask_address: str | None = None
    show_progress: bool = False

    @field_validator("sources")
    @classmethod
    def _one_folder_or_files(cls, value: list[Path]) -> list[Path]:
        missing = [str(p) for p in value if not p.exists()]
        if missing:
            raise ValueError(f"not a file or folder: {', '.join(missing[:5])}")
        if len(value) > 1 and any(p.is_dir() for p in value):
            raise ValueError("give one folder, or one or more files, not both")
        return value

    @classmethod
    def from_settings(cls, settings: Settings, sources: list[Path], **overrides: Any) -> IngestConfig:
        """The settings' values, overridden by the non-None keyword arguments."""
        values: dict[str, Any] = {"warehouse": settings.warehouse, "parquet_dir": settings.parquet_dir,
                  "staging_dir": settings.staging_dir, "cache_dir": settings.cache_dir,
                  "batch_size": settings.batch_size,
                  "max_file_bytes": settings.max_file_bytes, "part_bytes": settings.part_bytes,
                  "duckdb_memory": settings.duckdb_memory,
                  "runner": settings.runner, "workers": settings.workers}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(sources=sources, **values)

    @property
    def staging_root(self) -> Path:
        """Where this configuration's runs stage their shards (one folder per run inside)."""
        return self.staging_dir or self.parquet_dir / "_staging"


def load_settings() -> Settings:
    """Settings from the environment, with local defaults."""
    return Settings()
