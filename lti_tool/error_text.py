"""Describe errors for logs and the admin's job list without the personal data they may carry."""

import traceback

from sqlalchemy.exc import DBAPIError


def describe_error(error: BaseException) -> str:
    """Return the error's type and message; a database error's message (which quotes the
    values of the row, such as an email in a duplicate key) is replaced by its driver error type."""
    if isinstance(error, DBAPIError):
        return f"{type(error).__name__} ({type(error.orig).__name__})"
    return f"{type(error).__name__}: {error}"


def describe_with_traceback(error: BaseException) -> str:
    """Return describe_error() and the frames that raised it, for the log."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"{describe_error(error)}\n{frames}"
