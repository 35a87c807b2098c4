"""Answer classes: what the API returns, documented in OpenAPI as attrs classes."""

from __future__ import annotations

from typing import Any, Self

import attrs


class Answer:
    """Base of the API's attrs answer classes.

    ``PartnerOut.of(partner, contacts=[…])`` copies the record's attributes of the same names
    as the class's fields; keywords give those the record does not have.
    """

    @classmethod
    def of(cls, record: Any, **values: Any) -> Self:
        return cls(
            **{
                field.name: values[field.name]
                if field.name in values
                else getattr(record, field.name)
                for field in attrs.fields(cls)  # type: ignore[arg-type]
            }
        )
