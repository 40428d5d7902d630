"""Imported last by the server worker processes are forked from (`flows.runners.WORKER_MODULES`): builds what every
worker would otherwise build on its first batch — the unit conversions and the validation gate — then freezes all
that the server holds (`flows.runtime.freeze_imports`), so that every worker shares it untouched; and ends with the
command that started it (`flows.runners.end_with_parent`)."""
from flows.batch import process_gate
from flows.runners import end_with_parent
from flows.runtime import freeze_imports
from transforms.measures.convert import prepare_conversions

end_with_parent()
prepare_conversions()
process_gate()
freeze_imports()
