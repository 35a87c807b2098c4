"""A deployment: one jobcenter's configuration, enabled plugins, their contributions, database."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

import attrs
import pluggy
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from netzwerker.clock import today_in
from netzwerker.config import (
    DeploymentConfig,
    PluginConfig,
    parse_config_partially,
    read_config_data,
)
from netzwerker.contributions import (
    DataSection,
    Indicator,
    NavigationEntry,
    PartnerKind,
    ProjectType,
    WorkingField,
)
from netzwerker.db import check_lengths, make_engine, normalise_url
from netzwerker.domain.users.permissions import Permission
from netzwerker.plugins import call_each, call_impl, load_plugins
from netzwerker.structuring import InvalidInput, Problem, make_converter, structure
from netzwerker.workflow import Workflow

log = logging.getLogger(__name__)

T = TypeVar("T")
DATABASE_FILE = "netzwerker.db"
_EVENTS = "netzwerker.events"
#: The deployment a session belongs to, in its ``info``.
_DEPLOYMENT = "netzwerker.deployment"


@attrs.frozen
class Contributed(Generic[T]):
    """A contribution and where it came from: ``core``, ``config`` or a plugin's name."""

    value: T
    source: str


@attrs.define
class Registry:
    """Everything the core and the enabled plugins contribute, by key."""

    working_fields: dict[str, Contributed[WorkingField]] = attrs.Factory(dict)
    partner_kinds: dict[str, Contributed[PartnerKind]] = attrs.Factory(dict)
    indicators: dict[str, Contributed[Indicator]] = attrs.Factory(dict)
    project_types: dict[str, Contributed[ProjectType]] = attrs.Factory(dict)
    workflows: dict[str, Contributed[Workflow]] = attrs.Factory(dict)
    navigation: dict[str, Contributed[NavigationEntry]] = attrs.Factory(dict)
    data_sections: dict[str, Contributed[DataSection]] = attrs.Factory(dict)
    permissions: dict[str, Contributed[Permission]] = attrs.Factory(dict)

    def contributions_of(self, source: str) -> dict[str, list[str]]:
        """What one source contributes, per kind of contribution: for ``netzwerker plugins``."""
        kinds = attrs.asdict(self, recurse=False)
        return {
            kind: [key for key, item in items.items() if item.source == source]
            for kind, items in kinds.items()
        }


_REGISTRY_HOOKS = {
    "working_fields": ("register_working_fields", "working field"),
    "partner_kinds": ("register_partner_kinds", "partner kind"),
    "indicators": ("register_indicators", "indicator"),
    "project_types": ("register_project_types", "project type"),
    "workflows": ("register_workflows", "workflow"),
    "navigation": ("register_navigation", "navigation entry"),
    "data_sections": ("register_data_sections", "data section"),
    "permissions": ("register_permissions", "permission"),
}


def _plugin_path(source: str) -> str:
    return "core" if source == "core" else f"plugins.{source}"


def build_registry(
    manager: pluggy.PluginManager, config: DeploymentConfig, deployment: Any
) -> tuple[Registry, list[Problem]]:
    """Collect every contribution; a key claimed twice is a problem naming both claimants."""
    registry = Registry()
    problems: list[Problem] = []
    for attribute, (hook_name, noun) in _REGISTRY_HOOKS.items():
        target: dict[str, Contributed[Any]] = getattr(registry, attribute)
        for source, items in call_each(manager, hook_name, deployment=deployment):
            for item in items:
                if item.key in target:
                    problems.append(
                        Problem(
                            _plugin_path(source),
                            f"{noun} {item.key!r} is already contributed by "
                            f"{_describe_source(target[item.key].source)}",
                        )
                    )
                    continue
                target[item.key] = Contributed(item, source)
    for index, declared in enumerate(config.working_fields):
        if declared.key in registry.working_fields:
            owner = registry.working_fields[declared.key].source
            problems.append(
                Problem(
                    f"working_fields[{index}].key",
                    f"working field {declared.key!r} is already contributed by "
                    f"{_describe_source(owner)}",
                )
            )
            continue
        registry.working_fields[declared.key] = Contributed(
            WorkingField(declared.key, declared.name, declared.description), "config"
        )
    for contributed in registry.workflows.values():
        problems.extend(
            Problem(_plugin_path(contributed.source), problem)
            for problem in contributed.value.problems()
        )
    return registry, problems


def _describe_source(source: str) -> str:
    return {"core": "the core", "config": "the configuration"}.get(source, f"plugin {source!r}")


def goal_references(working_field: str, indicator: str, registry: Registry) -> list[Problem]:
    """A goal must name a known working field and, if any, a known indicator."""
    problems = []
    if working_field not in registry.working_fields:
        problems.append(
            Problem(
                "working_field",
                f"unknown working field {working_field!r} "
                f"(known: {', '.join(sorted(registry.working_fields)) or 'none'})",
            )
        )
    if indicator and indicator not in registry.indicators:
        problems.append(
            Problem(
                "indicator",
                f"unknown indicator {indicator!r} "
                f"(known: {', '.join(sorted(registry.indicators)) or 'none'})",
            )
        )
    return problems


def _config_references(
    folder: Path, config: DeploymentConfig, registry: Registry
) -> tuple[list[Problem], list[Problem]]:
    """Goals must name known working fields and indicators. A goal of a working field whose
    plugin is installed but disabled waits for it: a warning, not a problem (the second
    list)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    dormant: Registry | None = None
    for index, goal in enumerate(config.goals):
        found = goal_references(goal.working_field, goal.indicator, registry)
        if not found:
            continue
        if dormant is None:
            dormant = disabled_contributions(folder, config)
        owner = dormant.working_fields.get(goal.working_field)
        indicator_known = not goal.indicator or any(
            goal.indicator in known.indicators for known in (registry, dormant)
        )
        if owner is not None and indicator_known:
            warnings.append(
                Problem(
                    f"goals[{index}].working_field",
                    f"working field {goal.working_field!r} belongs to the disabled plugin "
                    f"{owner.source!r}: the goal waits until the plugin is enabled",
                )
            )
            continue
        problems.extend(problem.within(f"goals[{index}]") for problem in found)
    return problems, warnings


def disabled_contributions(folder: Path, config: DeploymentConfig) -> Registry:
    """What the installed plugins the deployment does not enable would contribute, with
    the settings ``deployment.toml`` gives them (plugins that fail to load are left out)."""
    from netzwerker.plugins import installed_plugins

    enabled = set(config.enabled_plugins)
    others = {
        name: PluginConfig(settings=config.plugins[name].settings if name in config.plugins else {})
        for name in installed_plugins()
        if name not in enabled
    }
    alone = attrs.evolve(config, plugins=others, goals=[], working_fields=[], imports=[])
    candidate, _ = assemble(folder, alone)
    registry = candidate.registry
    for kind in attrs.fields(Registry):
        items = getattr(registry, kind.name)
        for key in [key for key, item in items.items() if item.source not in others]:
            del items[key]
    return registry


def structure_plugin_settings(
    manager: pluggy.PluginManager, config: DeploymentConfig
) -> tuple[dict[str, Any], list[Problem]]:
    settings: dict[str, Any] = {}
    problems: list[Problem] = []
    classes = dict(call_each(manager, "settings_class"))
    for name in config.enabled_plugins:
        if manager.get_plugin(name) is None:
            continue  # not loaded: already reported
        given = config.plugins[name].settings
        path = f"plugins.{name}.settings"
        cls = classes.get(name)
        if cls is None:
            if given:
                problems.append(Problem(path, f"plugin {name!r} takes no settings"))
            continue
        try:
            settings[name] = structure(make_converter(), given, cls, prefix=path)
        except InvalidInput as exc:
            problems.extend(exc.problems)
    return settings, problems


@attrs.define(eq=False)
class Deployment:
    """A loaded deployment: use :func:`load` to make one."""

    folder: Path
    config: DeploymentConfig
    manager: pluggy.PluginManager
    registry: Registry = attrs.field(factory=Registry)
    settings: dict[str, Any] = attrs.field(factory=dict)
    database_url: str = ""
    _engine: Engine | None = None
    #: The configuration as ``deployment.toml`` gives it, before the stored plugin choices.
    file_config: DeploymentConfig | None = None
    #: The revision of the stored plugin choices this deployment was loaded with (0: none).
    plugin_revision: int = 0
    #: What does not stop it but should be known: references waiting for a disabled plugin.
    warnings: list[Problem] = attrs.field(factory=list)

    @property
    def name(self) -> str:
        return self.config.deployment.name

    def plugin_settings(self, name: str) -> Any:
        """The structured settings of an enabled plugin (its settings class's instance)."""
        return self.settings.get(name)

    def today(self) -> date:
        return today_in(self.config.deployment.timezone)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.database_url)
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def session(self) -> Session:
        """A session whose events reach the plugins once, and only if, it commits."""
        session = Session(self.engine, expire_on_commit=False, info={_DEPLOYMENT: self})
        sa.event.listen(session, "before_flush", check_lengths)
        sa.event.listen(session, "after_commit", self._deliver_events)
        sa.event.listen(session, "after_rollback", lambda s: s.info.pop(_EVENTS, None))
        return session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """``with deployment.transaction() as session:``: commit on success, else roll back."""
        with self.session() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def _deliver_events(self, session: Session) -> None:
        for hook_name, kwargs in session.info.pop(_EVENTS, []):
            self.notify(hook_name, **kwargs)

    def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Call an event hook on every plugin; a failing plugin is logged, the rest still run."""
        kwargs["deployment"] = self
        for impl in getattr(self.manager.hook, hook_name).get_hookimpls():
            try:
                call_impl(impl, kwargs)
            except Exception:
                log.exception("plugin %r failed in %s", impl.plugin_name, hook_name)


def emit(session: Session, hook_name: str, **kwargs: Any) -> None:
    """Queue an event hook call; :class:`Deployment` delivers it after the commit."""
    session.info.setdefault(_EVENTS, []).append((hook_name, kwargs))


def listens(session: Session, hook_name: str) -> bool:
    """Whether an enabled plugin implements an event hook, so that a write of many records
    reads back what it announces only when someone hears it (a session of no deployment:
    assume so)."""
    deployment = session.info.get(_DEPLOYMENT)
    if deployment is None:
        return True
    return bool(getattr(deployment.manager.hook, hook_name).get_hookimpls())


def deployment_of(session: Session) -> Deployment | None:
    """The deployment a session was opened for (None for a bare session)."""
    return session.info.get(_DEPLOYMENT)


def default_database_url(folder: Path) -> str:
    """The SQLite file ``netzwerker.db`` in the deployment folder."""
    return f"sqlite:///{(folder / DATABASE_FILE).resolve()}"


def database_url_for(folder: Path, config: DeploymentConfig, override: str | None = None) -> str:
    """``DATABASE_URL`` (or an explicit override) wins over the config; SQLite is the default."""
    url = override or os.environ.get("DATABASE_URL") or config.database.url
    if not url:
        return default_database_url(folder)
    parsed = normalise_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        database = Path(parsed.database)
        if not database.is_absolute():
            parsed = parsed.set(database=str((folder / database).resolve()))
    return parsed.render_as_string(hide_password=False)


#: The stored plugin choices (:class:`netzwerker.domain.fields.models.PluginChoice`), read
#: as plain SQL: a deployment is loaded before any domain module.
_CHOICES = sa.table(
    "plugin_choice",
    sa.column("name", sa.String),
    sa.column("enabled", sa.Boolean),
    sa.column("settings", sa.JSON),
    sa.column("revision", sa.Integer),
)


@attrs.frozen
class StoredChoices:
    """The plugins switched on or off in the database, with their settings (None: those of
    ``deployment.toml``), at ``revision``."""

    revision: int = 0
    plugins: dict[str, tuple[bool, dict[str, Any] | None]] = attrs.Factory(dict)


def stored_choices(engine: Engine | None) -> StoredChoices:
    """The choices stored in a deployment's database; none where there is no database yet,
    no table yet (before ``migrate``), or the database cannot be reached."""
    if engine is None:
        return StoredChoices()
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("plugin_choice"):
                return StoredChoices()
            rows = connection.execute(
                sa.select(
                    _CHOICES.c.name, _CHOICES.c.enabled, _CHOICES.c.settings, _CHOICES.c.revision
                )
            ).all()
    except sa.exc.DBAPIError:
        log.warning("the stored plugin choices cannot be read; deployment.toml's apply")
        return StoredChoices()
    return StoredChoices(
        max((row.revision for row in rows), default=0),
        {row.name: (row.enabled, row.settings) for row in rows},
    )


def choices_revision(engine: Engine) -> int:
    """The revision of the stored plugin choices: what a server's workers compare."""
    try:
        with engine.connect() as connection:
            return connection.execute(sa.select(sa.func.max(_CHOICES.c.revision))).scalar() or 0
    except sa.exc.DBAPIError:
        return 0


def with_choices(config: DeploymentConfig, choices: StoredChoices) -> DeploymentConfig:
    """``deployment.toml``'s configuration with the stored choices applied over it."""
    plugins = dict(config.plugins)
    for name, (enabled, settings) in choices.plugins.items():
        given = plugins.get(name, PluginConfig(enabled=False))
        plugins[name] = PluginConfig(
            enabled=enabled, settings=given.settings if settings is None else settings
        )
    return attrs.evolve(config, plugins=plugins)


def _existing_engine(url: str) -> Engine | None:
    """An engine for the deployment's database where there is one to read: a SQLite file
    that does not exist is not created by merely loading the deployment."""
    try:
        parsed = normalise_url(url)
    except sa.exc.ArgumentError:
        return None
    if parsed.drivername.startswith("sqlite"):
        if not parsed.database or parsed.database == ":memory:":
            return None
        if not Path(parsed.database).is_file():
            return None
    return make_engine(url)


def load_problems(
    folder: Path | str, database_url: str | None = None, *, engine: Engine | None = None
) -> tuple[Deployment | None, list[Problem]]:
    """Load a deployment, collecting every problem instead of stopping at the first. The
    plugin choices stored in its database apply over ``deployment.toml`` (``engine``: one
    already open on that database, to share)."""
    folder = Path(folder)
    try:
        data = read_config_data(folder)
    except InvalidInput as exc:
        return None, exc.problems
    config, problems = parse_config_partially(data)
    if config is None:
        return None, problems
    if engine is None:
        with suppress(sa.exc.ArgumentError):  # assemble reports the URL
            engine = _existing_engine(database_url_for(folder, config, database_url))
    choices = stored_choices(engine)
    deployment, assembly_problems = assemble(
        folder, with_choices(config, choices), database_url, engine=engine
    )
    deployment.file_config = config
    deployment.plugin_revision = choices.revision
    return deployment, problems + assembly_problems


def assemble(
    folder: Path,
    config: DeploymentConfig,
    database_url: str | None = None,
    *,
    engine: Engine | None = None,
) -> tuple[Deployment, list[Problem]]:
    """A deployment from a parsed configuration: its plugins, their settings, the registry
    (``engine``: one already open on its database, to share)."""
    problems: list[Problem] = []
    manager, plugin_problems = load_plugins(config.enabled_plugins)
    problems.extend(plugin_problems)
    settings, settings_problems = structure_plugin_settings(manager, config)
    problems.extend(settings_problems)
    try:
        url = database_url_for(folder, config, database_url)
    except sa.exc.ArgumentError as exc:
        problems.append(Problem("database.url", f"not a database URL: {exc}"))
        url = ""
    deployment = Deployment(
        folder=folder,
        config=config,
        manager=manager,
        settings=settings,
        database_url=url,
        engine=engine,
        file_config=config,
    )
    registry, registry_problems = build_registry(manager, config, deployment)
    deployment.registry = registry
    problems.extend(registry_problems)
    reference_problems, deployment.warnings = _config_references(folder, config, registry)
    problems.extend(reference_problems)
    return deployment, problems


def load(
    folder: Path | str, database_url: str | None = None, *, engine: Engine | None = None
) -> Deployment:
    """Load a deployment; raises :class:`InvalidInput` listing every problem."""
    deployment, problems = load_problems(folder, database_url, engine=engine)
    if problems or deployment is None:
        raise InvalidInput(problems)
    return deployment
