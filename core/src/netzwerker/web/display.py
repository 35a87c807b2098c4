"""How stored keys read in the interface: a working field by its name, whoever acted by a
name a person understands."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from netzwerker.deployment import Deployment
from netzwerker.domain.fields.models import WorkingFieldRecord
from netzwerker.domain.tasks.escalation import ACTOR as ESCALATION
from netzwerker.web.i18n import mark

#: Those who act without signing in, as the history records them.
OPERATORS = {
    ESCALATION: mark("automatic reminder"),
    "demo": mark("sample data"),
    "cli": mark("command line"),
    "check": mark("command line"),
}
COMMAND_LINE = mark("command line (%(user)s)")


def actor_name(name: str, gettext: Callable[[str], str]) -> str:
    """``cli:root`` reads "Kommandozeile (root)", the escalation "automatische Erinnerung";
    a user's name stays as it is."""
    if name.startswith("cli:"):
        return gettext(COMMAND_LINE) % {"user": name.removeprefix("cli:")}
    known = OPERATORS.get(name)
    return gettext(known) if known else name


class FieldNames:
    """A working field's name by its key: the enabled fields' from the registry; a field
    switched off since is read from the database, once per page, at its first mention."""

    def __init__(self, deployment: Deployment) -> None:
        self._deployment = deployment
        self._names = {
            key: item.value.name for key, item in deployment.registry.working_fields.items()
        }
        self._stored = False

    def __call__(self, key: str | None) -> str:
        if not key:
            return ""
        if key not in self._names and not self._stored:
            query = sa.select(WorkingFieldRecord.key, WorkingFieldRecord.name)  # type: ignore[call-overload]
            with self._deployment.session() as session:
                self._names.update({row.key: row.name for row in session.execute(query)})
            self._stored = True
        return self._names.get(key, key)
