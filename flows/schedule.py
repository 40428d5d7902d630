"""Nightly scheduling: the ingest flow as a Prefect deployment with a cron schedule, served from this process."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from flows.runtime import api_answers, launch_prefect_server
from flows.settings import IngestConfig

DEPLOYMENT_NAME = "trialhouse-nightly"


class ScheduledIngest(BaseModel):
    """Validated parameters of a scheduled ingest: what to read, where to load, when."""

    source_dir: Path
    warehouse: Path
    parquet_dir: Path
    cron: str = Field("0 2 * * *", description="standard 5-field cron expression, in the server's timezone")
    batch_size: int | None = Field(None, ge=1, description="files per parse task (unset: sized by the run)")

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from prefect.client.schemas.schedules import CronSchedule  # Prefect's own rules decide what it can run

        try:
            CronSchedule(cron=value)
        except ValueError:
            raise ValueError(f"not a valid cron expression: {value!r} (expected 5 fields, e.g. '0 2 * * *')") from None
        return value

    @field_validator("source_dir")
    @classmethod
    def _existing_folder(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(f"source folder {value} does not exist")
        return value.resolve()

    def flow_parameters(self) -> dict:
        """The ingest flow's one parameter, with absolute paths (the served process may run elsewhere)."""
        config = IngestConfig(sources=[self.source_dir], warehouse=self.warehouse.resolve(),
                              parquet_dir=self.parquet_dir.resolve(), batch_size=self.batch_size)
        return {"config": config.model_dump(mode="json")}


def build_deployment(job: ScheduledIngest, name: str = DEPLOYMENT_NAME):
    """A RunnerDeployment of the ingest flow with the job's cron schedule and parameters."""
    from flows.ingest import ingest

    return ingest.to_deployment(name=name, cron=job.cron, parameters=job.flow_parameters(),
                                description=f"ingest {job.source_dir} into {job.warehouse} on '{job.cron}'",
                                tags=["trialhouse"])


def start_local_server(port: int = 4200, timeout_s: float = 90) -> subprocess.Popen:
    """Start `prefect server start` on localhost and wait until its API answers; scheduled runs need a real
    server (the temporary one Prefect starts for plain flow runs does not schedule)."""
    api = f"http://127.0.0.1:{port}/api"
    server = launch_prefect_server(port)
    if not api_answers(api, server, timeout_s):
        if server.poll() is not None:
            raise RuntimeError(f"prefect server exited with code {server.returncode} (is port {port} free?)")
        server.terminate()
        raise RuntimeError(f"prefect server did not answer on {api} within {timeout_s:.0f} s")
    os.environ["PREFECT_API_URL"] = api
    return server
