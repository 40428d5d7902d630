"""The DuckDB side: schema, transactional loads, lineage, marts, the writer lock."""
