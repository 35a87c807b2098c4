"""Request bodies: JSON structured into attrs values by the strict converter.

Litestar's own decoding stops at the first bad value; a coordinator fixing a form wants every
problem at once, each with its path. These DTOs decode with :func:`structure`, so the API
reports exactly what ``netzwerker check`` and the importer report, and document the attrs
class in the OpenAPI schema.

* ``Body[TaskDraft]``: the whole value, every required field present.
* ``Changes[TaskDraft]``: a partial update (PATCH): only the given fields, each checked
  against its type in the class, plus the version the client read (``version`` in the body
  or an ``If-Match`` header), without which an update is refused (428).
"""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any, Generic, TypeVar

import attrs
import cattrs
from litestar import Response
from litestar.dto import AbstractDTO, DTOFieldDefinition
from litestar.exceptions import HTTPException
from litestar.openapi.spec import OpenAPIType, Reference, Schema
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from litestar.typing import FieldDefinition

from netzwerker.errors import InvalidInput, Problem
from netzwerker.structuring import make_converter, structure, structure_changes

T = TypeVar("T")


class MalformedBody(InvalidInput):
    """A body that is not JSON at all (HTTP 400, where a JSON body with bad values is 422)."""


class PreconditionRequired(Exception):
    """An update without the version it is based on (HTTP 428)."""


def converter_for(model: type) -> cattrs.Converter:
    """The strict converter, or the model's own (a classmethod ``converter``) if it has one."""
    factory = getattr(model, "converter", None)
    return factory() if callable(factory) else make_converter()


#: How deep a body may nest arrays and objects: far beyond any record of the API, far below
#: the depth at which a parser runs out of stack.
DEEPEST = 32


def parse_json(raw: bytes) -> Any:
    """A JSON body, refused (400) when it is not JSON, nests deeper than :data:`DEEPEST`
    levels or holds a lone surrogate (``"\\ud800"``, which no database stores)."""
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedBody([Problem("body", f"not valid JSON: {exc}")]) from None
    except RecursionError:
        raise MalformedBody([Problem("body", f"nests deeper than {DEEPEST} levels")]) from None
    _check_values(value)
    return value


def _check_values(value: Any) -> None:
    """Walk the parsed body without recursion: its depth and its strings."""
    waiting: list[tuple[Any, str, int]] = [(value, "body", 0)]
    while waiting:
        item, path, depth = waiting.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise MalformedBody(
                    [Problem(path, "holds a lone surrogate (\\ud800–\\udfff), not text")]
                ) from None
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth >= DEEPEST:
            raise MalformedBody([Problem("body", f"nests deeper than {DEEPEST} levels")])
        if isinstance(item, dict):
            for key, inner in item.items():
                waiting.append((key, path, depth + 1))
                waiting.append((inner, f"{key}" if path == "body" else f"{path}.{key}", depth + 1))
        else:
            for index, inner in enumerate(item):
                waiting.append((inner, f"{path}[{index}]", depth + 1))


def json_media_type(content_type: str | None) -> bool:
    """Whether a request says its body is JSON (``application/json``, ``…+json``)."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class _AttrsBody(AbstractDTO[T], Generic[T]):
    """What both DTOs share: no per-handler backend, the attrs class's schema for OpenAPI."""

    @classmethod
    def generate_field_definitions(cls, model_type: type[Any]) -> Generator[DTOFieldDefinition]:
        yield from ()

    @classmethod
    def detect_nested_field(cls, field_definition: FieldDefinition) -> bool:
        return False

    @classmethod
    def create_for_field_definition(
        cls, field_definition: FieldDefinition, handler_id: str, backend_cls: Any = None
    ) -> None:
        """Nothing to prepare: decoding needs only the model type."""

    def decode_builtins(self, value: dict[str, Any]) -> Any:
        return self.decode_value(value)

    def decode_bytes(self, value: bytes) -> Any:
        if not json_media_type(self.asgi_connection.headers.get("content-type")):
            raise HTTPException(
                status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                detail="send the body as JSON: 'Content-Type: application/json'",
            )
        return self.decode_value(parse_json(value))

    def decode_value(self, value: Any) -> Any:
        raise NotImplementedError

    def data_to_encodable_type(self, data: Any) -> Any:
        return data

    @classmethod
    def create_openapi_schema(
        cls, field_definition: FieldDefinition, handler_id: str, schema_creator: Any
    ) -> Reference | Schema:
        return schema_creator.for_field_definition(FieldDefinition.from_annotation(cls.model_type))


class Body(_AttrsBody[T], Generic[T]):
    def decode_value(self, value: Any) -> T:
        if not isinstance(value, dict):
            raise InvalidInput([Problem("body", "expected a JSON object")])
        return structure(converter_for(self.model_type), value, self.model_type)


@attrs.frozen
class Update:
    """A partial update decoded by :class:`Changes`: typed values and the version read."""

    values: dict[str, Any]
    version: int | None


class Changes(_AttrsBody[T], Generic[T]):
    #: Whether the record carries a version the update must name (contacts do not).
    versioned = True

    def decode_value(self, value: Any) -> Update:
        if not isinstance(value, dict):
            raise InvalidInput([Problem("body", "expected a JSON object")])
        value = dict(value)
        version = value.pop("version", None)
        if version is None:
            version = _if_match(self.asgi_connection.headers.get("if-match"))
        elif isinstance(version, bool) or not isinstance(version, int):
            raise InvalidInput([Problem("version", f"expected an integer, got {version!r}")])
        values = structure_changes(converter_for(self.model_type), value, self.model_type)
        if version is None and self.versioned:
            raise PreconditionRequired(
                "an update must name the version it is based on: 'version' in the body "
                "or an If-Match header with the ETag of the record"
            )
        return Update(values, version)

    @classmethod
    def create_openapi_schema(
        cls, field_definition: FieldDefinition, handler_id: str, schema_creator: Any
    ) -> Reference | Schema:
        schema = super().create_openapi_schema(field_definition, handler_id, schema_creator)
        if isinstance(schema, Reference):
            schema = schema_creator.schema_registry.from_reference(schema).schema
        properties = dict(schema.properties or {})
        properties["version"] = Schema(
            type=OpenAPIType.INTEGER, description="the version read (or send an If-Match header)"
        )
        return Schema(
            type=schema.type,
            properties=properties,
            description="Only the fields to change, and the version they are based on.",
        )


class Partial(Changes[T], Generic[T]):
    """A partial update of a record without a version."""

    versioned = False


def _if_match(header: str | None) -> int | None:
    if not header:
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    try:
        return int(tag)
    except ValueError:
        raise InvalidInput([Problem("If-Match", f"not an ETag of this API: {header!r}")]) from None


def etag(version: int | None) -> str:
    return f'"{version}"'


def versioned(body: Any, status_code: int = 200) -> Response[Any]:
    """An answer carrying the record's version as its ETag, for the next update's If-Match."""
    return Response(body, status_code=status_code, headers={"ETag": etag(body.version)})
