"""Stage a folder as a run would and hold its load just before COMMIT, to be killed there (the crash test).

Usage: python -m tests.crash_load SOURCE_DIR WAREHOUSE STAGING MARKER — writes MARKER once the load's transaction is
fully written but not committed, then sleeps until killed.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from tests.conftest import load_folder


def main(source: Path, warehouse: Path, staging: Path, marker: Path) -> None:
    """Plan and run every batch in this process, then load with a hook that announces itself and waits."""
    def hold() -> None:
        marker.write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(120)

    load_folder(source, warehouse, staging, before_commit=hold)


if __name__ == "__main__":
    main(*map(Path, sys.argv[1:5]))
