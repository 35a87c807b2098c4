"""A deployment's data files: the partner directory and what the network has built.

``[[imports]]`` in deployment.toml lists them, in the order ``netzwerker import`` loads them:

* ``kind = "partners"``: a CSV or XLSX file of partners
  (:mod:`~netzwerker.domain.partners.importing`); importing it again updates the partners.
* ``kind = "network"``: a TOML file of sections — ``[[people]]``, ``[[circles]]``,
  ``[[chains]]``, ``[[conferences]]``, ``[[projects]]`` … and those the plugins add (the
  single-parents plugin's ``[[households]]``). Each entry is what the API takes to create the
  record, except that it names partners, circles, goals and projects by key and people by
  name instead of by id. Sections are loaded in the order the file gives, so a circle may name
  the people an earlier ``[[people]]`` section added.

A file is loaded whole or not at all: every problem is reported with its place in the file
(``circles[2].partners[0]: no partner 'caritas'``) and the caller's transaction writes
nothing. A network file adds records; loading it a second time is refused, because its keys
exist already.

``netzwerker check`` rehearses the whole import in a scratch SQLite database
(:func:`rehearse`), so a wrong key is found before the deployment runs.
"""

from __future__ import annotations

import functools
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
import sqlalchemy as sa
from sqlmodel import Session, select

from netzwerker.clock import midday
from netzwerker.config import DeploymentConfig
from netzwerker.deployment import Deployment, assemble
from netzwerker.domain.fields.models import WorkingFieldRecord
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import Conflict, InvalidInput, NotFound, Problem, Refused
from netzwerker.structuring import localized, make_converter, structure
from netzwerker.workflow import TransitionRefused

T = TypeVar("T")

#: What a service may refuse an entry with; each becomes a problem at the entry.
REFUSALS = (Refused, NotFound, Conflict, TransitionRefused, ValueError)


@attrs.define
class Loader:
    """What a section's ``load`` works with: the session, the deployment and the lookups that
    turn a file's keys and names into ids."""

    session: Session
    deployment: Deployment
    #: Who loads: an operator, with an admin's rights (the command line, the demo).
    actor: Actor
    converter: cattrs.Converter = attrs.Factory(make_converter)
    #: Told how many entries were dealt with, for a progress bar.
    progress: Callable[[int], object] | None = None
    #: Ids found so far: a file names the same partners hundreds of times. A record the
    #: import has not yet made is looked up again, so later entries find it once it exists.
    _found: dict[tuple[str, str], int] = attrs.Factory(dict)
    #: The records found, held so the session's identity map keeps them (it holds records
    #: weakly): the services look each one up again, and then need no query.
    _held: list[Any] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        self._held.extend(self.session.exec(select(WorkingFieldRecord)))

    def advance(self, entries: int = 1) -> None:
        """Count entries as dealt with (a section's ``load_all`` does so as it goes)."""
        if self.progress is not None:
            self.progress(entries)

    def find(self, model: type, reference: Any, path: str) -> int:
        """The id of the ``model`` record a file names (a key; a person's name; a case's
        pseudonym). Raises :class:`InvalidInput` naming ``path``."""
        column = _REFERENCE_COLUMNS.get(model.__name__, "key")
        noun = model.__tablename__.replace("_", " ")  # type: ignore[attr-defined]
        if reference is None:
            raise InvalidInput([Problem(path, "required, but missing")])
        if not isinstance(reference, str) or not reference.strip():
            raise InvalidInput([Problem(path, f"expected the {column} of a {noun}")])
        cache_key = (model.__name__, reference.strip())
        if cache_key not in self._found:
            found: Sequence[Any] = self.session.scalars(
                sa.select(model).where(getattr(model, column) == reference.strip()).limit(2)
            ).all()
            if not found:
                raise InvalidInput([Problem(path, f"no {noun} {reference!r}")])
            if len(found) > 1:
                raise InvalidInput([Problem(path, f"{reference!r} names more than one {noun}")])
            self._held.append(found[0])
            self._found[cache_key] = found[0].id
        return self._found[cache_key]

    def resolve(
        self, entry: Mapping[str, Any], references: Mapping[str, tuple[str, type]]
    ) -> dict[str, Any]:
        """``entry`` with each reference field (``"lead": ("lead_partner_id", Partner)``)
        replaced by the id field it names; a list of references becomes a list of ids."""
        values = dict(entry)
        problems: list[Problem] = []
        for name, (target, model) in references.items():
            if name not in values:
                continue
            reference = values.pop(name)
            if isinstance(reference, list):
                values[target] = self.each(
                    reference, name, functools.partial(self.find, model, path=""), problems
                )
            else:
                try:
                    values[target] = self.find(model, reference, name)
                except InvalidInput as exc:
                    problems.extend(exc.problems)
        if problems:
            raise InvalidInput(problems)
        return values

    def draft(
        self, entry: Mapping[str, Any], cls: type[T], references: Mapping[str, tuple[str, type]]
    ) -> T:
        """The service's draft for an entry (or a table inside it), its references resolved."""
        return structure(self.converter, self.resolve(entry, references), cls)

    def each(
        self,
        items: Any,
        name: str,
        take: Callable[[Any], T],
        problems: list[Problem] | None = None,
    ) -> list[T]:
        """``take`` of every item of the list ``name`` of an entry, each item's problems
        located at ``name[index]``; they are raised together, or added to ``problems``."""
        if not isinstance(items, list):
            raise InvalidInput([Problem(name, "expected a list")])
        collected: list[Problem] = []
        taken = []
        for index, item in enumerate(items):
            try:
                taken.append(take(item))
            except InvalidInput as exc:
                collected.extend(problem.within(f"{name}[{index}]") for problem in exc.problems)
        if problems is not None:
            problems.extend(collected)
        elif collected:
            raise InvalidInput(collected)
        return taken

    def value(self, entry: Mapping[str, Any], name: str, cls: type[T], default: T) -> T:
        """One extra value of an entry (not part of the draft), structured as ``cls``."""
        if name not in entry:
            return default
        return structure(self.converter, entry[name], cls, prefix=name)

    def moment(self, day: date | datetime | None) -> datetime | None:
        """When something a file dates happened: noon of the day, the deployment's time."""
        timezone = self.deployment.config.deployment.timezone
        if day is None:
            return None
        if isinstance(day, datetime):
            return localized(day, timezone)
        return midday(day, timezone)


_REFERENCE_COLUMNS = {"Person": "name", "Case": "pseudonym"}


@attrs.frozen
class Loaded:
    """What one data file added or changed, per section: ``{"circles": 6, …}``."""

    path: Path
    counts: dict[str, int]

    def summary(self) -> str:
        return ", ".join(f"{count} {section}" for section, count in self.counts.items())


def read_network_file(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The sections of a network file, in the file's order."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput([Problem(path.name, f"not a readable TOML file: {exc}")]) from None
    problems = [
        Problem(name, "expected a list of tables ([[" + name + "]])")
        for name, entries in data.items()
        if not (isinstance(entries, list) and all(isinstance(item, dict) for item in entries))
    ]
    if problems:
        raise InvalidInput(problems)
    return data


def load_sections(
    session: Session,
    deployment: Deployment,
    sections: Mapping[str, list[dict[str, Any]]],
    *,
    actor: Actor,
    progress: Callable[[int], object] | None = None,
) -> dict[str, int]:
    """Load the entries of each section, in order, each in a savepoint of its own so that
    every problem is found (a section that loads all its entries at once checks them all
    first); raises :class:`InvalidInput` with all of them. Returns how many entries each
    section had."""
    known = deployment.registry.data_sections
    problems = [
        Problem(name, f"unknown section (one of {', '.join(sorted(known))})")
        for name in sections
        if name not in known
    ]
    if problems:
        raise InvalidInput(problems)
    loader = Loader(session, deployment, actor, progress=progress)
    for name, entries in sections.items():
        section = known[name].value
        if section.load_all is not None:
            try:
                with session.begin_nested():
                    section.load_all(loader, entries)
            except InvalidInput as exc:
                problems.extend(problem.within(name) for problem in exc.problems)
            continue
        load_entry = section.load
        assert load_entry is not None
        for index, entry in enumerate(entries):
            place = f"{name}[{index}]"
            try:
                with session.begin_nested():
                    load_entry(loader, entry)
            except InvalidInput as exc:
                problems.extend(problem.within(place) for problem in exc.problems)
            except REFUSALS as exc:
                problems.append(Problem(place, str(exc)))
            loader.advance()
    if problems:
        raise InvalidInput(problems)
    return {name: len(entries) for name, entries in sections.items()}


@attrs.frozen
class DataFile:
    """A data file, read and checked for its form: a network file's sections, or a partner
    file's rows. Read once, it tells a progress bar its length and then loads."""

    path: Path
    kind: str
    content: Any

    @property
    def entries(self) -> int:
        if self.kind == "network":
            return sum(len(entries) for entries in self.content.values())
        return len(self.content)


def read_data_file(deployment: Deployment, path: Path, kind: str) -> DataFile:
    """Read a data file of either kind; raises :class:`InvalidInput` with every problem of
    its form (TOML syntax, a partner row's cells)."""
    if kind == "network":
        return DataFile(path, kind, read_network_file(path))
    from netzwerker.domain.partners.importing import parse_partners

    return DataFile(path, kind, parse_partners(path, deployment.registry))


def load_data_file(
    session: Session,
    deployment: Deployment,
    data: DataFile,
    *,
    actor: Actor,
    progress: Callable[[int], object] | None = None,
) -> Loaded:
    """Load one data file of either kind; all of it, or nothing and :class:`InvalidInput`
    (the caller's transaction then writes nothing)."""
    if data.kind == "network":
        counts = load_sections(session, deployment, data.content, actor=actor, progress=progress)
        return Loaded(data.path, counts)
    from netzwerker.domain.partners.importing import import_partners

    result = import_partners(
        session, data.content, progress=progress, actor=actor, file=data.path.name
    )
    return Loaded(data.path, {"partners created": result.created, "updated": result.updated})


def kind_of(path: Path) -> str:
    """The kind of a file named on the command line: TOML is a network file."""
    return "network" if path.suffix.lower() == ".toml" else "partners"


def listed_files(deployment: Deployment) -> list[tuple[Path, str]]:
    """The data files deployment.toml lists, with their kinds, in order."""
    return [(deployment.folder / item.path, item.kind) for item in deployment.config.imports]


def in_file(path: Path, problems: Iterable[Problem]) -> list[Problem]:
    """Problems of a data file, each naming the file first."""
    return [Problem(f"{path.name} {problem.path}".strip(), problem.message) for problem in problems]


def load_listed_files(session: Session, deployment: Deployment, *, actor: Actor) -> list[Loaded]:
    """Load the listed data files in one transaction; a problem in one names its file."""
    loaded = []
    for path, kind in listed_files(deployment):
        try:
            data = read_data_file(deployment, path, kind)
            loaded.append(load_data_file(session, deployment, data, actor=actor))
        except InvalidInput as exc:
            raise InvalidInput(in_file(path, exc.problems)) from None
    return loaded


def rehearse(deployment: Deployment, config: DeploymentConfig | None = None) -> list[Problem]:
    """Every problem of the listed data files, found by loading them into a scratch SQLite
    database with the deployment's schema (with ``config``: as that configuration would
    have it); the deployment's own database is not touched."""
    from netzwerker import schema

    with tempfile.TemporaryDirectory(prefix="netzwerker-check-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'rehearsal.db'}"
        rehearsal, problems = assemble(deployment.folder, config or deployment.config, url)
        if problems:
            return problems
        try:
            schema.migrate(rehearsal)
            with rehearsal.session() as session:
                try:
                    load_listed_files(session, rehearsal, actor=Actor.operator("check"))
                except InvalidInput as exc:
                    return exc.problems
                finally:
                    session.rollback()
        finally:
            rehearsal.dispose()
    return []
