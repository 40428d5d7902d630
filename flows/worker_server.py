"""Imported last by the server worker processes are forked from (`flows.runners.WORKER_MODULES`): builds what every
worker would otherwise build on its first batch — the unit conversions and the validation gate — then freezes all
that the server holds (`flows.runtime.freeze_imports`), so that every worker shares it untouched."""
from flows.batch import process_gate
from flows.runtime import freeze_imports
from transforms.measures.convert import prepare_conversions

prepare_conversions()
process_gate()
freeze_imports()
