"""Start the dashboard: `streamlit run dashboard/app.py` in a child process, on one warehouse, on localhost."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from dashboard.data import WAREHOUSE_ENV

APP = Path(__file__).with_name("app.py")
ROOT = Path(__file__).resolve().parents[1]
# The house theme (see dashboard/charts.py for the chart palette). Passed as flags so no config file is needed.
THEME = {"theme.base": "light", "theme.primaryColor": "#0f766e", "theme.backgroundColor": "#ffffff",
         "theme.secondaryBackgroundColor": "#f1f5f9", "theme.textColor": "#0f172a"}


def build_command(port: int = 8501, headless: bool = True) -> list[str]:
    """The `streamlit run` command line (localhost only, no usage statistics, no file watching; dashboard/static/
    served, for the map's topojson)."""
    options = {"server.port": str(port), "server.address": "localhost", "server.headless": str(headless).lower(),
               "server.fileWatcherType": "none", "server.runOnSave": "false", "browser.gatherUsageStats": "false",
               "server.enableStaticServing": "true", "client.toolbarMode": "minimal", **THEME}
    return [sys.executable, "-m", "streamlit", "run", str(APP), *[f"--{k}={v}" for k, v in options.items()]]


def build_env(warehouse: Path) -> dict[str, str]:
    """The child's environment: the warehouse path (absolute) and the project on PYTHONPATH."""
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, WAREHOUSE_ENV: str(warehouse.expanduser().resolve()), "PYTHONPATH": os.pathsep.join(paths)}


def launch(warehouse: Path, port: int = 8501, headless: bool = True) -> int:
    """Serve the dashboard on http://localhost:<port> until interrupted; return Streamlit's exit code (0 on Ctrl-C)."""
    child = subprocess.Popen(build_command(port, headless), env=build_env(warehouse))
    forwarding = threading.current_thread() is threading.main_thread()
    if forwarding:  # `kill <pid>` (a service manager stopping us) stops the server too
        previous = signal.signal(signal.SIGTERM, lambda signum, _frame: child.send_signal(signum))
    try:
        return child.wait()
    except KeyboardInterrupt:
        # Ctrl-C in a terminal reaches the child too; a SIGINT sent to this process alone must be passed on.
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.terminate()
            child.wait()
        return 0
    finally:
        if forwarding:
            signal.signal(signal.SIGTERM, previous)


def main() -> int:
    """`python -m dashboard.launch [WAREHOUSE] [PORT]`."""
    warehouse = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(os.environ.get(WAREHOUSE_ENV, "warehouse/trials.duckdb"))
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8501
    return launch(warehouse, port)


if __name__ == "__main__":
    sys.exit(main())
