"""Reading HTML forms: typed values, what the user typed, and German messages per field.

A page declares its fields; :func:`read_form` turns the posted strings into values or
messages, and :func:`add_problems` puts the services' own problems beside the field they
concern, so a form is shown again with everything the user typed and every reason at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs
from attrs import AttrsInstance
from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency

from netzwerker.deployment import Deployment
from netzwerker.errors import Conflict, InvalidInput, Refused
from netzwerker.structuring import Problem, parse_date
from netzwerker.validators import (
    EMAIL,
    RECORD_KEY,
    not_blank,
    not_negative,
    positive,
    record_key,
)
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import page, translate
from netzwerker.workflow import TransitionRefused

T = TypeVar("T")
A = TypeVar("A", bound=AttrsInstance)

#: A page handler's posted form (``form: PostedForm``), read once by the web router.
PostedForm = NamedDependency[FormMultiDict]

REQUIRED = mark("Please fill in this field.")
NOT_A_NUMBER = mark("Please enter a whole number.")
NOT_A_DATE = mark("Please enter a date (DD.MM.YYYY).")
NOT_A_CHOICE = mark("Please choose one of the options.")
NOT_A_TIME = mark("Please enter a time (HH:MM).")
NOT_A_MOMENT = mark("Please enter a date and a time.")
NOT_AN_AMOUNT = mark("Please enter a number, e.g. 1.250,50.")
CHANGED_MEANWHILE = mark("Someone changed it meanwhile; it is shown as it is now.")
REASON_REQUIRED = mark("Please give a reason for this step.")
AT_LEAST_ONE = mark("Please enter 1 or more.")
NOT_NEGATIVE = mark("Please enter no negative number.")
NOT_A_KEY = mark("Only lower-case letters, digits, “-” and “_”, e.g. gesund-im-quartier.")
NOT_AN_EMAIL = mark("Please enter an e-mail address, e.g. name@beispiel.de.")
#: The German message for a value one of the shared validators refuses.
VALIDATOR_MESSAGES: dict[Any, str] = {
    positive: AT_LEAST_ONE,
    not_negative: NOT_NEGATIVE,
    record_key: NOT_A_KEY,
    not_blank: REQUIRED,
}


@attrs.frozen
class FormField:
    """``kind``: text, int, decimal, date, time, datetime (local time), email, key (a
    record's key), flag (a checkbox: True when ticked), choice (one of ``choices``), choices
    (several of them), ints (several ids) or list (text separated by commas)."""

    name: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    #: What the form shows, for fields a page does not label itself (a project type's details).
    label: str = ""
    #: A line of help below the field.
    hint: str = ""
    #: Shown as several lines of text (a description, minutes).
    long: bool = False


@attrs.define
class Form:
    """A posted form: parsed ``values``, the ``raw`` text to show again, and ``errors``."""

    values: dict[str, Any] = attrs.Factory(dict)
    raw: dict[str, Any] = attrs.Factory(dict)
    errors: dict[str, str] = attrs.Factory(dict)
    #: The record changed since the form was shown: nothing was written.
    stale: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> dict[str, Any]:
        """The values a change form asks for: every one but the ``version`` it was read at."""
        return {key: value for key, value in self.values.items() if key != "version"}

    @classmethod
    def showing(cls, raw: Mapping[str, Any], errors: Mapping[str, str] | None = None) -> Form:
        """A form filled with ``raw`` (the values of an existing record, or defaults): ids
        and numbers as the text a form sends, lists as lists of that text."""
        return cls(
            raw={key: _shown(value) for key, value in raw.items()}, errors=dict(errors or {})
        )


def refused_change(entered: Form, current: Callable[[], Mapping[str, Any]]) -> tuple[Form, int]:
    """The form to show again after a change was refused, and its status: on a stale
    version the record as it is now (``current()``, with its new version) and the message
    above it (409), else what the user typed with the reasons beside it (422)."""
    if entered.stale:
        return Form.showing(current(), entered.errors), 409
    return entered, 422


def _shown(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return [str(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")


def parse_decimal(text: str) -> Decimal:
    """``1.250,50`` and ``20.000`` as a German writes them, or ``1250.50``."""
    if "," in text or _THOUSANDS.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def _parse(field: FormField, text: str) -> Any:
    if field.kind == "int":
        return int(text)
    if field.kind == "decimal":
        return parse_decimal(text)
    if field.kind == "list":
        return [item.strip() for item in text.split(",") if item.strip()]
    if field.kind == "date":
        return parse_date(text)
    if field.kind == "time":
        return time.fromisoformat(text)
    if field.kind == "datetime":
        return datetime.fromisoformat(text).replace(tzinfo=None)
    if field.kind == "choice" and field.choices and text not in field.choices:
        raise ValueError(text)
    if field.kind == "email" and not EMAIL.match(text):
        raise ValueError(text)
    if field.kind == "key" and not RECORD_KEY.match(text):
        raise ValueError(text)
    return text


_MESSAGES = {
    "int": NOT_A_NUMBER,
    "decimal": NOT_AN_AMOUNT,
    "date": NOT_A_DATE,
    "time": NOT_A_TIME,
    "datetime": NOT_A_MOMENT,
    "choice": NOT_A_CHOICE,
    "email": NOT_AN_EMAIL,
    "key": NOT_A_KEY,
}


def read_form(
    request: Request[Any, Any, Any], data: FormMultiDict, fields: Iterable[FormField]
) -> Form:
    form = Form()
    for field in fields:
        if field.kind in ("ints", "choices"):
            texts = [text.strip() for text in data.getall(field.name, []) if text.strip()]
            form.raw[field.name] = texts
            try:
                form.values[field.name] = tuple(
                    _parse(FormField(field.name, field.kind[:-1], choices=field.choices), text)
                    for text in texts
                )
            except ValueError:
                form.errors[field.name] = translate(request, NOT_A_CHOICE)
            if field.required and not texts:
                form.errors[field.name] = translate(request, REQUIRED)
            continue
        text = str(data.get(field.name, "") or "").strip()
        if field.kind == "flag":
            form.raw[field.name] = form.values[field.name] = bool(text)
            continue
        form.raw[field.name] = text
        if not text:
            if field.required:
                form.errors[field.name] = translate(request, REQUIRED)
            form.values[field.name] = {"text": "", "list": []}.get(field.kind)
            continue
        try:
            form.values[field.name] = _parse(field, text)
        except ValueError:
            form.errors[field.name] = translate(request, _MESSAGES.get(field.kind, NOT_A_CHOICE))
    return form


def add_problems(
    request: Request[Any, Any, Any],
    form: Form,
    problems: Iterable[Problem],
    aliases: Mapping[str, str] | None = None,
) -> None:
    """The services' problems beside their fields (``aliases``: problem path → field name);
    a problem no field shows goes under ``""``, the form's own message."""
    for problem in problems:
        name = (aliases or {}).get(problem.path, problem.path)
        if name not in form.raw:
            name = ""
        longest = _LONGEST.match(problem.message)
        message = (
            translate(request, TOO_LONG, limit=longest.group(1).replace(",", "."))
            if longest
            else translate(request, _shared_message(problem.message))
        )
        form.errors[name] = f"{form.errors[name]} {message}" if name in form.errors else message


#: The shared validators' own words (they name the value too), and their German message.
_VALIDATOR_WORDS = {
    "must be at least 1": AT_LEAST_ONE,
    "must not be negative": NOT_NEGATIVE,
    "must not be empty": REQUIRED,
}


#: A text longer than its column (:func:`netzwerker.db.check_lengths`).
_LONGEST = re.compile(r"at most ([\d,]+) characters")
TOO_LONG = mark("Please shorten this text to at most %(limit)s characters.")


def _shared_message(message: str) -> str:
    return next(
        (text for words, text in _VALIDATOR_WORDS.items() if message.startswith(words)), message
    )


def form_page(
    request: Request[Any, Any, Any],
    form: Form,
    fields: Iterable[FormField],
    *,
    title: str,
    action: str,
    back: str,
    options: Mapping[str, Any] | None = None,
    status: int = 200,
    **context: Any,
) -> Any:
    """A record's form on a page of its own (``form.html``): its fields shown by their kind,
    ``options[name]`` the choices of a choice or id field, as ``(value, label)`` pairs or
    ``(id, name, group)`` triples. ``context`` may give ``lead``, ``breadcrumbs``, ``button``
    and ``version`` (a change's hidden version field)."""
    return page(
        request,
        "form.html",
        status=status,
        form=form,
        fields=list(fields),
        title=translate(request, title),
        action=action,
        back=back,
        options=options or {},
        **context,
    )


def save_change(
    request: Request[Any, Any, Any],
    form: Form,
    deployment: Deployment,
    service: Callable[..., T],
    *args: Any,
    **kwargs: Any,
) -> T | None:
    """A change form's :func:`save`: ``service(session, *args, **kwargs)`` with the version
    the form was read at (its field ``version``), or ``None`` when the form itself was not
    valid or the service refused."""
    if not form.valid:
        return None
    version = form.values["version"]
    return save(request, form, deployment, service, *args, expected_version=version, **kwargs)


def refusal(
    request: Request[Any, Any, Any], action: str, exc: TransitionRefused
) -> tuple[dict[str, str], int]:
    """A refused workflow step as the errors of the ``transition_forms`` macro and its status:
    a missing reason beside the step's reason field (422), anything else above the steps
    (409)."""
    if exc.field == "reason":
        return {f"{action}.reason": translate(request, REASON_REQUIRED)}, 422
    return {"": translate(request, exc.message)}, 409


def build(
    request: Request[Any, Any, Any],
    form: Form,
    cls: type[A],
    aliases: Mapping[str, str] | None = None,
    messages: Mapping[str, str] | None = None,
    **values: Any,
) -> A | None:
    """``cls(**values)``, a service's draft, or ``None`` with every value its validators
    refuse put beside its field: in German where the validator is a shared one or
    ``messages`` names the field (field → message), else the validator's own words."""
    with attrs.validators.disabled():
        draft = cls(**values)
    problems: list[Problem] = []
    for field in attrs.fields(cls):
        if field.validator is None:
            continue
        try:
            field.validator(draft, field, getattr(draft, field.name))
        except (ValueError, TypeError) as exc:
            message = (messages or {}).get(field.name) or VALIDATOR_MESSAGES.get(
                field.validator, str(exc)
            )
            problems.append(Problem(field.name, message))
    if problems:
        add_problems(request, form, problems, aliases)
        return None
    return draft


def save(
    request: Request[Any, Any, Any],
    form: Form,
    deployment: Deployment,
    service: Callable[..., T],
    *args: Any,
    aliases: Mapping[str, str] | None = None,
    messages: Mapping[type[Exception], str] | None = None,
    **kwargs: Any,
) -> T | None:
    """``service(session, *args, **kwargs)`` in a transaction, or ``None`` with what the
    service refused on the form: its problems beside their fields (``aliases`` as for
    :func:`add_problems`), a refusal above them — in German where ``messages`` names its
    kind of refusal. A stale version marks the form ``stale``: the page shows the record as
    it is now, with the message above it."""
    try:
        with deployment.transaction() as session:
            return service(session, *args, **kwargs)
    except InvalidInput as exc:
        add_problems(request, form, exc.problems, aliases)
    except Conflict:
        form.stale = True
        form.errors[""] = translate(request, CHANGED_MEANWHILE)
    except TransitionRefused as exc:
        message = REASON_REQUIRED if exc.field == "reason" else exc.message
        add_problems(request, form, [Problem(exc.field, message)], aliases)
    except Refused as exc:
        message = next(
            (text for kind, text in (messages or {}).items() if isinstance(exc, kind)), str(exc)
        )
        form.errors[""] = translate(request, message)
    return None
