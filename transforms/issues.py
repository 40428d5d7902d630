"""A record is never lost for one field: sub-parsers (criteria, outcomes, dates, ages, sites) that fail keep their
field empty (or a safe fallback) and note an `Issue` for the record being parsed, which loads with the rest."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from transforms.record import Issue

P = ParamSpec("P")
T = TypeVar("T")
_collected: ContextVar[list[Issue] | None] = ContextVar("record_issues", default=None)


@contextmanager
def collecting() -> Iterator[list[Issue]]:
    """Gather the issues sub-parsers note while one record (or one file's records) is parsed."""
    issues: list[Issue] = []
    token = _collected.set(issues)
    try:
        yield issues
    finally:
        _collected.reset(token)


def note(issue: Issue) -> None:
    """Record an issue for the record being parsed (dropped when nothing collects, e.g. a sub-parser called alone)."""
    issues = _collected.get()
    if issues is not None:
        issues.append(issue)


def field_parser(field: str, fallback: Callable[..., T]) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Make a sub-parser for `field` failure-safe: an unexpected exception becomes an ERROR issue naming the input,
    and the sub-parser returns `fallback(*args)` instead."""
    def wrap(parse: Callable[P, T]) -> Callable[P, T]:
        @wraps(parse)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return parse(*args, **kwargs)
            except Exception as exc:  # a bug in one sub-parser must cost its field, never the record
                shown = repr(args[0])[:200] if args else ""
                note(Issue(field, "ERROR", f"{parse.__name__} failed ({type(exc).__name__}: {exc}) on {shown}"))
                return fallback(*args, **kwargs)
        return guarded
    return wrap


def nothing(*_args: object, **_kwargs: object) -> Any:
    """Fallback of a scalar sub-parser: the field is left unstated."""
    return None


def no_items(*_args: object, **_kwargs: object) -> Any:
    """Fallback of a list sub-parser: the list is left empty."""
    return []
