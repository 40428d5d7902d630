"""One writer at a time: an advisory lock file beside the warehouse, refused at once when taken."""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WarehouseBusy(RuntimeError):
    """Another run is writing this warehouse."""


@contextmanager
def writer_lock(warehouse: Path) -> Iterator[Path]:
    """Hold `<warehouse>.lock` for the duration of a run; raise WarehouseBusy if another process holds it."""
    lock_path = warehouse.with_name(warehouse.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
            raise WarehouseBusy(
                f"warehouse {warehouse} is being written by {holder}; wait for that run to finish "
                f"(lock file {lock_path})") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}".encode())
        yield lock_path
    finally:
        os.close(fd)  # closing the descriptor releases the lock, also when the process is killed
