"""One settings object with local defaults, overridable by `TRIALHOUSE_*` environment variables."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the warehouse lives and how a run is batched; every field can be set as TRIALHOUSE_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="TRIALHOUSE_", extra="ignore")

    warehouse: Path = Field(Path("warehouse/trials.duckdb"), description="DuckDB file to load")
    parquet_dir: Path = Field(Path("warehouse/parquet"), description="Parquet root: one folder per table")
    batch_size: int | None = Field(None, ge=1, le=100_000,
                                   description="files parsed per task (unset: sized by the run, 500–1,500)")
    max_file_bytes: int = Field(50 * 1024 * 1024, ge=1, description="larger files are quarantined unread")
    sample_dir: Path = Field(Path(__file__).resolve().parents[1] / "data" / "samples",
                             description="bundled sample files used by the demo")


def load_settings() -> Settings:
    """Settings from the environment, with local defaults."""
    return Settings()
