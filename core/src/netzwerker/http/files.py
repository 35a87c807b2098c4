"""Downloads: CSV tables and iCalendar files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from litestar import Response

from netzwerker.tables import to_csv


def download(body: str | bytes, media_type: str, filename: str) -> Response[Any]:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Response[Any]:
    return download(to_csv(header, rows), "text/csv; charset=utf-8", filename)


def calendar_download(filename: str, body: bytes) -> Response[Any]:
    return download(body, "text/calendar; charset=utf-8", filename)
