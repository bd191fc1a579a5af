"""Errors meant for users: each names what is at fault and how to fix it."""

from __future__ import annotations


class HoinghiError(Exception):
    """Base of every error a user should see as a clean message (not a traceback)."""

    def __init__(self, message: str, *, remedy: str | None = None, path: str | None = None) -> None:
        self.message = message
        self.remedy = remedy
        self.path = path
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        return f"{text} ({self.remedy})" if self.remedy else text


class ModelError(HoinghiError):
    """The embedding model cannot be loaded or does not match the index."""


class IndexStoreError(HoinghiError):
    """The index directory is missing, corrupt, locked or built by another model."""


class NoIndexError(IndexStoreError):
    """No index exists yet at the configured location."""


class UnknownDocumentError(IndexStoreError):
    """A document id that the index does not hold."""


class IngestError(HoinghiError):
    """A file could not be read or cleaned; the batch goes on without it."""


class UnsupportedFormatError(IngestError):
    """A file type hoinghi cannot read (yet)."""


class ConfigError(HoinghiError):
    """A setting has a value hoinghi does not know."""
