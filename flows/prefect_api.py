"""The Prefect API a command-line run reports to: the configured one, or a temporary local server of its own.

Prefect starts the same temporary server by itself when no API is configured, but only when the flow starts, after
importing its whole server stack into the run's process (≈ 2.5 s of CPU) and then waiting ≈ 3 s for the server to
boot. Starting it here, before the run imports its own modules, overlaps the boot with that work.
"""
from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import IO


class ApiStartError(RuntimeError):
    """The temporary Prefect API did not come up; carries what the server printed."""


def free_port() -> int:
    """A TCP port on localhost that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_api(server: subprocess.Popen, api_url: str, timeout_s: float) -> None:
    """Return once the Prefect API at `api_url` answers its health check; ApiStartError when `server` exits first
    or the API does not answer within `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ApiStartError(f"exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise ApiStartError(f"did not answer on {api_url} within {timeout_s:.0f} s")


class TemporaryApi:
    """Prefect's API server on a free localhost port, in a child process stopped when this process exits."""

    def __init__(self, startup_timeout_s: float = 90) -> None:
        spec = importlib.util.find_spec("prefect")  # where Prefect is installed, without importing it
        assert spec is not None and spec.submodule_search_locations, "prefect is not installed"
        self.url = ""
        self.startup_timeout_s = startup_timeout_s
        self._log: IO[bytes] | None = None
        self._process: subprocess.Popen | None = None
        self._app_dir = str(Path(spec.submodule_search_locations[0]).resolve().parent)
        self._factory = "prefect.server.api.server:create_app"

    def start(self) -> str:
        """Launch the server (does not wait for it) and return its API URL."""
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/api"
        # The same command and switches Prefect uses for its own temporary server (no UI, ephemeral services).
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        env.pop("PREFECT_API_URL", None)
        self._log = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", self._app_dir, "--factory",
             self._factory, "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "error", "--lifespan", "on"],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        # Registered before Prefect registers its own exit handlers, so it runs after them: the run's last logs and
        # events are sent before the server goes away.
        atexit.register(self.stop)
        return self.url

    def wait_ready(self) -> None:
        """Block until the server answers its health check; raise ApiStartError when it exits or times out."""
        assert self._process is not None, "start() first"
        try:
            wait_for_api(self._process, self.url, self.startup_timeout_s)
        except ApiStartError as exc:
            self.stop()
            raise ApiStartError(f"the temporary Prefect API {exc}: {self._output()}") from None

    def stop(self) -> None:
        """Terminate the server if it runs (idempotent)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read()[-2000:].decode("utf-8", "replace").strip() or "(no output)"


def start_api_if_needed() -> TemporaryApi | None:
    """Start a temporary API when none is configured and point this process (and its workers) at it; None when
    Prefect already has an API to talk to, or may not start one (PREFECT_SERVER_EPHEMERAL_ENABLED=false)."""
    speculative = None
    if "prefect" not in sys.modules and not os.environ.get("PREFECT_API_URL"):
        # A fresh process with no API in its environment: start the server before importing Prefect (≈ 1 s), which
        # it takes to learn whether a profile names an API; the server is stopped again if one does.
        speculative = TemporaryApi()
        speculative.start()
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        if speculative is not None:
            speculative.stop()
        return None
    api = speculative or TemporaryApi()
    api.startup_timeout_s = settings.server.ephemeral.startup_timeout_seconds
    os.environ["PREFECT_API_URL"] = api.url or api.start()
    from prefect.context import refresh_global_settings_context

    refresh_global_settings_context()  # Prefect read its settings at import; make it see the new URL
    return api
