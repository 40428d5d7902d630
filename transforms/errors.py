"""Typed errors that carry the input they failed on."""
from __future__ import annotations


class TrialhouseError(Exception):
    """Base of every error the transforms raise on purpose."""


class DecodeError(TrialhouseError):
    """The bytes are not text we can read (binary, empty, undecodable)."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class UnrecognizedLayout(TrialhouseError):
    """No registered layout accepted the text."""

    def __init__(self, source: str, head: str):
        super().__init__(
            f"{source}: no layout recognised this file (expected CT.gov JSON/XML/CSV, a CT.gov page copy, "
            f"a 'Trial Title:' text dump, an aggregator page or a summary with criteria bullets); "
            f"it starts with {head[:80]!r}"
        )
        self.source = source
        self.head = head


class ParseError(TrialhouseError):
    """A layout accepted the text but could not build a trial from it."""

    def __init__(self, source: str, layout: str, field: str, reason: str):
        super().__init__(f"{source}: {layout}: {field}: {reason}")
        self.source = source
        self.layout = layout
        self.field = field
        self.reason = reason
