"""The dashboard in a real browser: headless Chromium loads the running app, the charts render, screenshots are kept.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: no port, no extra library).
Screenshots land in tests/artifacts/ (git-ignored). Skipped, with the reason, where /usr/bin/chromium is missing
(Debian: `apt-get install chromium`).
"""
from __future__ import annotations

import base64
import io
import json
import os
import select
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from dashboard import launch
from tests.dashboard_warehouse import build_small_warehouse
from warehouse.publish import snapshot_warehouse

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--window-size=1440,1200", "--remote-debugging-pipe"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found: the browser test needs the "
                                "Debian `chromium` package (apt-get install chromium)")


class Browser:
    """Headless Chromium and one page, driven with DevTools protocol messages over fds 3/4."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="th-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_pipes() -> None:  # Chromium reads commands on fd 3 and writes replies on fd 4
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.proc = subprocess.Popen(
            [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            pass_fds=(3, 4, to_child_r, from_child_w), preexec_fn=wire_pipes,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.session: str | None = None

    def send(self, method: str, params: dict | None = None, timeout: float = 20) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if self.session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._next_id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply["result"]
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no reply to {method} within {timeout} s")
            if select.select([self._from_child], [], [], left)[0]:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium exited")
                self._buffer += chunk

    def open(self, url: str) -> None:
        if self.session is None:
            target = self.send("Target.createTarget", {"url": url})["targetId"]
            self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        else:
            self.send("Page.navigate", {"url": url})

    def evaluate(self, expression: str) -> Any:
        return self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.25)
        raise TimeoutError(f"still false after {timeout} s: {expression}")

    def screenshot(self, path: Path) -> bytes:
        png = base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        return png

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
            self.proc.wait(timeout=10)
        except (RuntimeError, TimeoutError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)
        shutil.rmtree(self.profile, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The dashboard served by `streamlit run` (dashboard.launch's command line) on a small warehouse's snapshot."""
    folder = tmp_path_factory.mktemp("browser")
    warehouse = build_small_warehouse(folder / "trials.duckdb")
    snapshot_warehouse(warehouse)
    port = _free_port()
    log = (folder / "streamlit.log").open("w")
    server = subprocess.Popen(launch.build_command(port, headless=True), env=launch.build_env(warehouse),
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail("streamlit did not start:\n" + (folder / "streamlit.log").read_text())
        time.sleep(0.2)
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


CHARTS_DRAWN = ("document.querySelectorAll('.js-plotly-plot').length >= {n} && "
                "document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= {n}")
NO_EXCEPTION = "document.querySelector('[data-testid=\"stException\"]') === null"
# Streamlit draws grey skeletons first and swaps in widgets as they arrive: wait for the real ones.
WIDGETS_DRAWN = ("document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= {metrics} && "
                 "document.querySelectorAll('[data-testid=\"stDataFrame\"] canvas').length >= {tables} && "
                 "document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0")


def _not_blank(png: bytes) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size[0] >= 1000 and image.size[1] >= 800
    colours = image.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 200, "the screenshot is (nearly) blank"


# The map's land comes from the topojson the app serves itself (dashboard/static/): an outline with real detail.
MAP_LAND_DRAWN = ("Array.from(document.querySelectorAll('.js-plotly-plot .geo .layer.land path'))"
                  ".some(p => (p.getAttribute('d') || '').length > 1000)")


def test_overview_renders_its_charts_and_the_site_map(app_url, browser):
    browser.open(app_url + "/")
    browser.wait_for(CHARTS_DRAWN.format(n=5))
    browser.wait_for(MAP_LAND_DRAWN)
    assert browser.evaluate("document.querySelectorAll('.js-plotly-plot .scattergeo path.point').length") == 4
    browser.wait_for("document.body.innerText.includes('Status × phase')")
    browser.wait_for(WIDGETS_DRAWN.format(metrics=6, tables=0))
    assert browser.evaluate(NO_EXCEPTION)
    # The heatmap drew its cells and the KPI cards show the small warehouse's numbers.
    assert browser.evaluate("document.querySelectorAll('.js-plotly-plot .heatmaplayer').length") >= 1
    text = browser.evaluate("document.body.innerText")
    assert "Trials" in text and "Recruiting" in text
    time.sleep(0.5)  # let the last chart finish its transition before the picture
    _not_blank(browser.screenshot(ARTIFACTS / "dashboard_overview.png"))


def test_trials_page_shows_a_trial_in_detail(app_url, browser):
    browser.open(app_url + "/trials")
    browser.wait_for("document.body.innerText.includes('Eligibility (')")
    browser.wait_for(WIDGETS_DRAWN.format(metrics=5, tables=1))
    time.sleep(0.5)
    assert browser.evaluate(NO_EXCEPTION)
    _not_blank(browser.screenshot(ARTIFACTS / "dashboard_trials.png"))


def test_breakdowns_page_renders_the_mart_charts(app_url, browser):
    browser.open(app_url + "/breakdowns")
    browser.wait_for(CHARTS_DRAWN.format(n=5))
    browser.wait_for("document.body.innerText.includes('Trials by lead-sponsor class')")
    browser.wait_for(WIDGETS_DRAWN.format(metrics=0, tables=2))
    time.sleep(0.5)
    assert browser.evaluate(NO_EXCEPTION)
    _not_blank(browser.screenshot(ARTIFACTS / "dashboard_breakdowns.png"))


def test_data_quality_page_shows_quarantined_files_and_ingest_issues(app_url, browser):
    browser.open(app_url + "/quality")
    browser.wait_for(CHARTS_DRAWN.format(n=4))
    browser.wait_for("document.body.innerText.includes('Quarantined files (3)')")
    browser.wait_for("document.body.innerText.includes('Ingest issues (2)')")
    browser.wait_for(WIDGETS_DRAWN.format(metrics=5, tables=5))
    time.sleep(0.5)
    assert browser.evaluate(NO_EXCEPTION)
    _not_blank(browser.screenshot(ARTIFACTS / "dashboard_quality.png"))
