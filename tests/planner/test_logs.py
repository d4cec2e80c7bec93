"""Log lines carry no control characters and no exception messages (they may hold names)."""

from __future__ import annotations

import io
import logging

from planner.logs import SafeFormatter, clean, redacted_traceback


def _formatted(record_maker) -> str:  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SafeFormatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("test.safe")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        record_maker(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_control_characters_cannot_forge_a_line() -> None:
    text = _formatted(lambda log: log.warning("import of %s", "x.csv\nINFO forged line\x00\x1b[2J"))
    assert text.count("\n") == 1  # one record, one line
    assert "\\x0aINFO forged line\\x00\\x1b[2J" in text


def test_tracebacks_keep_frames_and_types_but_not_messages() -> None:
    def fail() -> None:
        try:
            {}["Nguyễn Văn An"]
        except KeyError as exc:
            raise ValueError("cannot read 'Trần Thị Bình, tiểu đường'") from exc

    def log_it(log: logging.Logger) -> None:
        try:
            fail()
        except ValueError:
            log.exception("plan %s failed", 7)

    text = _formatted(log_it)
    assert "plan 7 failed" in text
    assert "builtins.KeyError" in text and "builtins.ValueError" in text
    assert "in fail" in text  # the frame is there
    for secret in ("Nguyễn", "Bình", "tiểu đường"):
        assert secret not in text


def test_clean_leaves_vietnamese_text_alone() -> None:
    assert clean("Phường Đức Xuân, tổ 3") == "Phường Đức Xuân, tổ 3"


def test_redacted_traceback_of_a_plain_exception() -> None:
    try:
        raise RuntimeError("secret")
    except RuntimeError as exc:
        text = redacted_traceback(exc)
    assert "RuntimeError" in text and "secret" not in text
