"""Errors a user can act on. Their message is shown as it is, so it says what to do."""


class CalmdeskError(Exception):
    """Base of every error meant for a person, not a traceback."""


class RuleViolation(CalmdeskError):
    """A domain rule refused the request (an illegal transition, a missing reason...)."""
