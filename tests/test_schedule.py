"""Scheduling: validated parameters, and the deployment the `serve` command registers."""
from __future__ import annotations

import asyncio

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from flows.cli import app
from flows.schedule import ScheduledIngest, build_deployment
from tests.conftest import SAMPLES


def test_bad_cron_and_missing_folder_are_refused_with_a_reason(tmp_path):
    with pytest.raises(ValidationError, match="not a valid cron"):
        ScheduledIngest(source_dir=SAMPLES, warehouse=tmp_path / "w.duckdb", parquet_dir=tmp_path, cron="every night")
    result = CliRunner().invoke(app, ["serve", str(tmp_path / "nope"), "--cron", "0 2 * * *"])
    assert result.exit_code == 2 and "does not exist" in " ".join(result.output.split())


def test_deployment_carries_schedule_and_absolute_parameters(prefect_harness, tmp_path):
    job = ScheduledIngest(source_dir=SAMPLES, warehouse=tmp_path / "w.duckdb", parquet_dir=tmp_path / "p",
                          cron="30 1 * * *")
    deployment_id = build_deployment(job, "nightly-test").apply()

    async def read():
        from prefect.client.orchestration import get_client

        async with get_client() as client:
            return await client.read_deployment(deployment_id)

    stored = asyncio.run(read())
    assert stored.name == "nightly-test"
    assert stored.schedules[0].schedule.cron == "30 1 * * *"
    assert stored.parameters["config"]["sources"] == [str(SAMPLES.resolve())]
    assert stored.parameters["config"]["warehouse"] == str((tmp_path / "w.duckdb").resolve())
