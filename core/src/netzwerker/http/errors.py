"""Every error as JSON: a status, a sentence, and the problems with the field each concerns.

```json
{"status": 422, "detail": "2 problems", "problems": [
  {"field": "due_date", "message": "expected a date (YYYY-MM-DD), got 'morgen'"},
  {"field": "title", "message": "must not be empty"}]}
```

Bad input is always a 4xx; anything else is logged and answered with a bare 500 that tells
the client nothing of the server's insides.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_428_PRECONDITION_REQUIRED,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from litestar.types import ExceptionHandlersMap
from sqlalchemy import exc as sa_exc

from netzwerker.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Problem,
    Refused,
    TransitionRefused,
)
from netzwerker.http.bodies import MalformedBody, PreconditionRequired

log = logging.getLogger("netzwerker.http")


def error_response(
    status: int, detail: str, problems: list[Problem] | None = None, **extra: Any
) -> Response[dict[str, Any]]:
    content: dict[str, Any] = {"status": status, "detail": detail}
    if problems:
        content["problems"] = [{"field": p.path, "message": p.message} for p in problems]
    content.update(extra)
    return Response(content, status_code=status, media_type=MediaType.JSON)


def _invalid(_: Request, exc: InvalidInput) -> Response[Any]:
    status = (
        HTTP_400_BAD_REQUEST if isinstance(exc, MalformedBody) else HTTP_422_UNPROCESSABLE_ENTITY
    )
    count = len(exc.problems)
    return error_response(status, f"{count} problem{'s' if count != 1 else ''}", exc.problems)


def _transition(_: Request, exc: TransitionRefused) -> Response[Any]:
    # A missing reason is the request's fault; a move from the wrong status, the record's state.
    status = HTTP_422_UNPROCESSABLE_ENTITY if exc.field == "reason" else HTTP_409_CONFLICT
    return error_response(status, "transition refused", [Problem(exc.field, exc.message)])


def _simple(status: int) -> Callable[[Request, Exception], Response[Any]]:
    def handler(_: Request, exc: Exception) -> Response[Any]:
        return error_response(status, str(exc))

    return handler


def validation_problems(exc: HTTPException) -> list[Problem]:
    """The parameters Litestar refused (a query parameter of the wrong type), as problems."""
    if not isinstance(exc, ValidationException) or not isinstance(exc.extra, list):
        return []
    return [
        Problem(str(item.get("key", "")), str(item.get("message", "")))
        for item in exc.extra
        if isinstance(item, dict)
    ]


def _http(_: Request, exc: HTTPException) -> Response[Any]:
    headers = dict(exc.headers or {})
    response = error_response(exc.status_code, exc.detail, validation_problems(exc) or None)
    response.headers.update(headers)
    return response


def _unstorable(_: Request, exc: Exception) -> Response[Any]:
    # Reached only by input the checks before let through (a query parameter beyond the
    # database's integer range): the transaction is rolled back, nothing is stored.
    return error_response(HTTP_422_UNPROCESSABLE_ENTITY, "a value is out of range for the database")


def _taken(_: Request, exc: Exception) -> Response[Any]:
    # Two requests created the same unique record at once (a key, a conference registration
    # for one address); the checks before saw neither. The later one is rolled back.
    return error_response(HTTP_409_CONFLICT, "a record with these values was stored meanwhile")


def reject_nul(request: Request) -> None:
    """``before_request``: NUL characters cannot be stored or searched in PostgreSQL."""
    if "\x00" in request.scope["path"] or b"%00" in request.scope.get("query_string", b""):
        raise InvalidInput([Problem("url", "must not contain NUL characters")])


def _unexpected(request: Request, exc: Exception) -> Response[Any]:
    log.exception("unexpected error in %s %s", request.method, request.scope["path"])
    return error_response(HTTP_500_INTERNAL_SERVER_ERROR, "internal server error")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    InvalidInput: _invalid,
    TransitionRefused: _transition,
    NotFound: _simple(HTTP_404_NOT_FOUND),
    Forbidden: _simple(HTTP_403_FORBIDDEN),
    Conflict: _simple(HTTP_409_CONFLICT),
    Refused: _simple(HTTP_409_CONFLICT),
    PreconditionRequired: _simple(HTTP_428_PRECONDITION_REQUIRED),
    HTTPException: _http,
    sa_exc.DataError: _unstorable,
    sa_exc.IntegrityError: _taken,
    OverflowError: _unstorable,
    Exception: _unexpected,
}
