"""Orchestration and the user's entry points: the only layer that knows Prefect."""
