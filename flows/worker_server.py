"""Imported last by the server worker processes are forked from (`flows.runners.WORKER_MODULES`): freezes what the
imports before it made (`flows.runtime.freeze_imports`), so that every worker shares those objects untouched."""
from flows.runtime import freeze_imports

freeze_imports()
