"""Errors a user can act on. Their message is shown as it is, so it says what to do."""


class CalmdeskError(Exception):
    """Base of every error meant for a person, not a traceback."""


class RuleViolation(CalmdeskError):
    """A domain rule refused the request (an illegal transition, a missing reason...). `field`
    names what the person must fill in to satisfy it, when one thing does (the resolution)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class DatabaseUnavailable(CalmdeskError):
    """The database cannot be reached, or refused us. The message is one line, without secrets.

    Raised where the database is opened and used (app.db); here so that every layer above,
    the UI included, can tell it from other errors without importing the database layer."""
