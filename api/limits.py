"""What the API accepts at its boundary: the body size limit while a body streams in, text
without control characters, finite numbers, and 422s that can always be written as JSON.

``install(app, limit)`` puts both into an application (``api.main.create_app`` calls it).
"""

from __future__ import annotations

import contextlib
import json
import math
import unicodedata
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: a multipart body carries boundaries and part headers besides the file itself
MULTIPART_ALLOWANCE = 64 * 1024


def too_large_message(limit: int, what: str = "the request body") -> str:
    return (
        f"{what} is larger than the limit of {limit / (1024 * 1024):g} MB (VAXROUTE_MAX_UPLOAD_MB)"
    )


class BodyTooLarge(Exception):
    """Raised from ``receive`` once a body passes the limit: the application stops reading."""


class BodyLimit:
    """Pure ASGI middleware: counts each request's body bytes as the application reads them
    and answers 413 as soon as they pass the limit (plus the multipart allowance), or at once
    when Content-Length declares more. It comes before routing and authentication, so an
    anonymous client cannot make the server take in 200 MB to learn it needs a token."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        counter = _Counter(receive, send, self.limit + MULTIPART_ALLOWANCE)
        if _declared_length(scope) <= counter.allowed:
            with contextlib.suppress(BodyTooLarge):
                await self.app(scope, counter.receive, counter.send)
            if not counter.over or counter.started:
                return  # within the limit, or over it after the answer began (not ours)
        await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": "too_large",
                "detail": too_large_message(self.limit),
                "limit_bytes": self.limit,
            }
        ).encode()
        # "connection: close": the server stops reading the rest of the body
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _Counter:
    """One request's ``receive`` and ``send`` as the application sees them."""

    def __init__(self, receive: Receive, send: Send, allowed: int) -> None:
        self._receive, self._send, self.allowed = receive, send, allowed
        self.count, self.over, self.started = 0, False, False

    async def receive(self) -> Message:
        if self.over:
            raise BodyTooLarge
        message = await self._receive()
        if message["type"] == "http.request":
            self.count += len(message.get("body", b""))
            if self.count > self.allowed:
                self.over = True
                raise BodyTooLarge
        return message

    async def send(self, message: Message) -> None:
        if self.over:
            return  # the application may answer the error its own way (a 400): ours is 413
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


# --- fields ---------------------------------------------------------------------------------


def no_control_characters(value: str) -> str:
    """Ids and free text: no NUL or other control characters (PostgreSQL refuses NUL where
    SQLite stores it; a sheet or a log line would carry the rest), no lone surrogates."""
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cs")), None)
    if bad is not None:
        raise ValueError(f"must not contain control characters (found U+{ord(bad):04X})")
    return value


#: an id as stored in a String(100) column
Id = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(no_control_characters)]
#: a number that is a number: ``1e999``, ``NaN`` and ``Infinity`` (Python's json reads them)
#: are refused, in the model and not later in the database or the response
Finite = Annotated[float, Field(allow_inf_nan=False)]


# --- 422 bodies -----------------------------------------------------------------------------


def json_safe(value: Any) -> Any:
    """A validation error echoes the input: ``inf``, ``nan`` and lone surrogates in it would
    make the 422 itself fail to be written (a 500). They are written as text instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


async def validation_error(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, with inputs made safe before and after encoding (the encoder would
    choke on undecodable bytes; what it makes of an error's context may hold surrogates)."""
    assert isinstance(exc, RequestValidationError)
    errors = json_safe(jsonable_encoder(json_safe(exc.errors())))
    return JSONResponse({"detail": errors}, status_code=422)


def install(app: FastAPI, limit: int) -> None:
    """The body limit around everything, and 422s that can always be written."""
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_middleware(BodyLimit, limit=limit)
