"""Table declarations (schemas.tables) and what derives from them: Arrow schemas, DuckDB DDL, docs."""
