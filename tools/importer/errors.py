"""Errors that abort an import. Every one leaves the warehouse exactly as it was."""

from __future__ import annotations


class ImportFailed(Exception):  # noqa: N818 - reads better at call sites than ImportFailedError
    """A fatal import problem; the message says what is wrong and how to fix it."""


class MappingError(ImportFailed):
    """The mapping file is invalid or does not fit the warehouse schema."""


class SourceError(ImportFailed):
    """An export file is missing, empty, unreadable or lacks a required column."""
