"""Pure transforms: raw bytes → text → ParsedTrial → Arrow tables (no I/O, no Prefect, no DuckDB)."""
