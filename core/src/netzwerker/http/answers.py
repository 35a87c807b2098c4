"""Answer classes: what the API returns, documented in OpenAPI as attrs classes; and the shape
every aggregate's list, create, read and update handlers share.

A handler only says what to ask the service::

    CIRCLES = Answers(circle_answers)

    @post("/", dto=bodies.Body[CircleDraft], guards=permitted(permissions.CIRCLE_FOUND))
    def create(self, data, deployment, actor) -> Response[CircleOut]:
        return CIRCLES.created(
            deployment, lambda session: create_circle(session, data, actor=actor)
        )
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Self, TypeVar

import attrs
from litestar import Response
from litestar.pagination import OffsetPagination
from sqlmodel import Session

from netzwerker.deployment import Deployment
from netzwerker.http.bodies import versioned

#: A record, and the answer the API gives for it.
R = TypeVar("R")
A = TypeVar("A")


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


@attrs.frozen
class Answers(Generic[R, A]):
    """How the API answers with the records of one aggregate. ``of(session, records)``
    makes their answers, in a fixed number of queries whatever their number; each method
    runs a service call in a session (reads) or a transaction (writes) and answers with the
    record's version as its ETag, or with a page of answers."""

    of: Callable[[Session, list[R]], list[A]]

    def page(
        self,
        deployment: Deployment,
        find: Callable[[Session], tuple[Sequence[R], int]],
        *,
        limit: int,
        offset: int,
    ) -> OffsetPagination[A]:
        """A page of what ``find(session)`` finds, with how many match in all."""
        with deployment.session() as session:
            records, total = find(session)
            items = self.of(session, list(records))
        return OffsetPagination(items=items, limit=limit, offset=offset, total=total)

    def read(self, deployment: Deployment, get: Callable[[Session], R]) -> Response[A]:
        """The record ``get(session)`` reads."""
        with deployment.session() as session:
            body = self.of(session, [get(session)])[0]
        return versioned(body)

    def written(
        self, deployment: Deployment, write: Callable[[Session], R], status_code: int = 200
    ) -> Response[A]:
        """The record ``write(session)`` changes, once its transaction is committed."""
        with deployment.transaction() as session:
            body = self.of(session, [write(session)])[0]
        return versioned(body, status_code)

    def created(self, deployment: Deployment, create: Callable[[Session], R]) -> Response[A]:
        """The record ``create(session)`` makes (201)."""
        return self.written(deployment, create, 201)
