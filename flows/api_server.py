"""`python -m flows.api_server [options of prefect server start]`: Prefect's server for one trialhouse command, which
ends when the command ends, however it ends — killed too (the command holds this process's stdin open; its end,
even by SIGKILL, closes it)."""
from __future__ import annotations

import os
import signal
import sys
import threading


def _stop_when_stdin_closes() -> None:
    while os.read(0, 1024):  # b"" at end of file: the command that started this server has ended
        pass
    os.kill(os.getpid(), signal.SIGTERM)  # the server's own graceful shutdown


def main(options: list[str]) -> None:
    """Run `prefect server start <options>` in this process until stdin closes or the server is stopped."""
    threading.Thread(target=_stop_when_stdin_closes, name="stop-with-the-command", daemon=True).start()
    from prefect.cli import app  # the `prefect` command's entry point, which reads its arguments from sys.argv

    sys.argv = ["prefect", "server", "start", *options]
    app()


if __name__ == "__main__":
    main(sys.argv[1:])
