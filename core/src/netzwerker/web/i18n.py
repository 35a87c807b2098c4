"""The interface's language: Babel catalogues and German formats of dates and numbers.

Templates and page code are written in English; the catalogue of a language
(``locale/<language>/LC_MESSAGES/messages.po``) translates them. A deployment shows one
language, ``[web] language`` (German by default). The catalogues are compiled when the app
starts, so only the ``.po`` text files live in the repository.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_FOLDER = Path(__file__).parent / "locale"
#: The language the interface's source text is written in; it needs no catalogue.
SOURCE_LANGUAGE = "en"


def available_languages() -> list[str]:
    """The source language and every language with a catalogue."""
    found = sorted(path.name for path in LOCALE_FOLDER.iterdir() if (path / "LC_MESSAGES").is_dir())
    return [SOURCE_LANGUAGE, *found]


def compile_catalogue(po_file: Path) -> gettext.GNUTranslations:
    with po_file.open("rb") as source:
        catalogue = read_po(source)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@functools.cache
def translations(language: str, extra_folders: tuple[Path, ...] = ()) -> gettext.NullTranslations:
    """The core's catalogue of ``language``, falling back to the plugins' catalogues."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    result: gettext.NullTranslations = compile_catalogue(
        LOCALE_FOLDER / language / "LC_MESSAGES" / "messages.po"
    )
    for folder in extra_folders:
        po_file = folder / language / "LC_MESSAGES" / "messages.po"
        if po_file.is_file():
            result.add_fallback(compile_catalogue(po_file))
    return result


def mark(message: str) -> str:
    """Marks text for the catalogue where it is defined; it is translated where it is shown."""
    return message


#: Units that only say "how many": a value in them is shown as the bare number.
COUNT_UNITS = frozenset({"Anzahl", "count"})


class Formats:
    """Dates, times and numbers the way the interface's language writes them."""

    def __init__(self, language: str, timezone: str) -> None:
        self.locale = Locale.parse("de_DE" if language == "de" else language)
        self.zone = ZoneInfo(timezone)

    def date(self, value: date | None, format: str = "medium") -> str:
        if value is None:
            return "–"
        return dates.format_date(value, format=format, locale=self.locale)

    def datetime(self, value: datetime | None, format: str = "short") -> str:
        if value is None:
            return "–"
        return dates.format_datetime(value, format=format, tzinfo=self.zone, locale=self.locale)

    def number(self, value: float | int | None, digits: int = 1) -> str:
        if value is None:
            return "–"
        if isinstance(value, float) and not value.is_integer():
            return numbers.format_decimal(round(value, digits), locale=self.locale)
        return numbers.format_decimal(int(value), locale=self.locale)

    def quantity(self, value: float | int | None, unit: str) -> str:
        """A number with its unit ("12 Personen", "75 %"); a plain count stays a number, as
        "7 Anzahl" reads as nothing."""
        shown = self.number(value)
        if value is None or not unit or unit in COUNT_UNITS:
            return shown
        return f"{shown}\u00a0{unit}"

    def percent(self, share: float | None) -> str:
        """A share from 0 to 1 as a whole percentage."""
        if share is None:
            return "–"
        return numbers.format_percent(share, locale=self.locale)

    def money(self, amount: Decimal | float | None) -> str:
        """Euro amounts, as in funding applications."""
        if amount is None:
            return "–"
        return numbers.format_currency(amount, "EUR", locale=self.locale)

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {
            "money": self.money,
            "date": self.date,
            "datetime": self.datetime,
            "number": self.number,
            "quantity": self.quantity,
            "percent": self.percent,
        }
