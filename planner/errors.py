"""A small error taxonomy: input / infeasible / internal, each with a stable code.

The CLI maps them to exit codes, the API to HTTP status codes (input -> 422, infeasible -> 409,
internal -> 500; a file over a size limit -> 413). Messages never contain names or medical
conditions.
"""

from __future__ import annotations


class VaxRouteError(Exception):
    code = "internal"
    exit_code = 3
    http_status = 500


class InputError(VaxRouteError):
    """The user's files or settings cannot be used as given."""

    code = "input"
    exit_code = 2
    http_status = 422


class TooLargeError(InputError):
    """A file passes a size limit (rows, columns, characters in a cell, unzipped size).

    Raised while reading, as soon as the limit is passed, so that a hostile file costs little;
    the message names the file, the limit and the setting that raises it.
    """

    code = "too_large"
    exit_code = 2
    http_status = 413


class InfeasibleError(VaxRouteError):
    """The inputs are readable but no plan can be made (e.g. nobody is eligible)."""

    code = "infeasible"
    exit_code = 4
    http_status = 409


class InternalError(VaxRouteError):
    """A bug or a solver failure: never the user's fault."""

    code = "internal"
    exit_code = 3
    http_status = 500
