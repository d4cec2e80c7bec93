"""Log lines that are safe to keep: no control characters, no values in tracebacks.

Health data must not leak into logs (Decree 13/2023). Messages are written by our code and name
ids at most; exception *messages* can carry anything a user typed (a name in a KeyError, a cell
in a ValueError), so a logged traceback keeps the frames and the exception types and drops the
messages. Control characters are escaped so that no input can forge or break a log line.
"""

from __future__ import annotations

import logging
import re
import traceback

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean(text: str) -> str:
    """``text`` with every control character (newlines included) written as an escape."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def redacted_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` (and its causes) with frames and types but no messages."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        block = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        block.append(
            f"{type(current).__module__}.{type(current).__qualname__} "
            "(message withheld: it may contain personal data)"
        )
        lines[:0] = [*block, ""]
        current = current.__cause__ or current.__context__
    return "Traceback (most recent call last), causes first:\n" + "\n".join(lines).rstrip()


class SafeFormatter(logging.Formatter):
    """A formatter whose lines carry no control characters and no exception messages."""

    def format(self, record: logging.LogRecord) -> str:
        """The record formatted, ignoring a traceback text another handler cached on it (that
        text would carry the exception's message)."""
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The message with control characters escaped (no forged log lines)."""
        return clean(super().formatMessage(record))

    def formatException(self, ei: object) -> str:
        """The traceback without exception messages (they may hold personal data)."""
        exc = ei[1] if isinstance(ei, tuple) else None
        return redacted_traceback(exc) if isinstance(exc, BaseException) else ""

    def formatStack(self, stack_info: str) -> str:
        """The stack with control characters escaped."""
        return clean(stack_info)


FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: int = logging.INFO) -> None:
    """Route every logger (uvicorn's included) through one safe handler on standard error."""
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter(FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
