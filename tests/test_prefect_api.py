"""The temporary Prefect API a command-line run starts for itself when none is configured."""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.request

import pytest

from flows.prefect_api import ApiStartError, TemporaryApi, start_api_if_needed
from tests.conftest import ROOT


def test_a_configured_api_is_used_as_it_is():
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert start_api_if_needed() is None
    assert "PREFECT_API_URL" not in os.environ


def test_no_api_is_started_when_prefect_may_not_start_one():
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_ENABLED, temporary_settings

    with temporary_settings({PREFECT_SERVER_EPHEMERAL_ENABLED: False}):
        assert start_api_if_needed() is None


def test_the_temporary_api_answers_and_stops():
    api = TemporaryApi(startup_timeout_s=90)
    url = api.start()
    try:
        api.wait_ready()
        with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
            assert response.status == 200
    finally:
        api.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/health", timeout=2)
    api.stop()  # a second stop is harmless


def test_a_server_that_cannot_start_is_an_error_with_its_output():
    api = TemporaryApi(startup_timeout_s=60)
    api._app_dir = "/nonexistent"  # uvicorn cannot import the app from here: the child exits at once
    api._factory = "no_such_module:create_app"
    api.start()
    with pytest.raises(ApiStartError, match="exited with code .*no_such_module"):
        api.wait_ready()


def test_a_profile_naming_an_api_stops_the_server_started_before_prefect_was_imported(tmp_path):
    # A fresh interpreter, as the CLI starts: the server is launched before Prefect is imported, then stopped
    # when the active profile turns out to name an API.
    home = tmp_path / "prefect-home"
    home.mkdir()
    (home / "profiles.toml").write_text('active = "remote"\n\n[profiles.remote]\n'
                                        'PREFECT_API_URL = "http://127.0.0.1:9/api"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(home), PREFECT_PROFILES_PATH=str(home / "profiles.toml"))
    script = ("from flows.prefect_api import start_api_if_needed\n"
              "api = start_api_if_needed()\n"
              "from prefect.settings import get_current_settings\n"
              "print(api, get_current_settings().api.url)")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "http://127.0.0.1:9/api"]
