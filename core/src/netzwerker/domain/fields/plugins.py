"""Plugins switched on and off, and their settings changed, while the deployment runs.

``deployment.toml`` gives the initial set; a choice made here is stored in the database
(:class:`~netzwerker.domain.fields.models.PluginChoice`) and wins over the file. Enabling a
plugin runs its migrations and stores its working fields; disabling one keeps every row it
wrote and leaves its working fields inactive. A server's workers load the deployment anew
when the choices' revision changes (:mod:`netzwerker.app`).
"""

from __future__ import annotations

import enum
import inspect
import re
import typing
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker import schema
from netzwerker.clock import utcnow
from netzwerker.config import DeploymentConfig, PluginConfig
from netzwerker.contributions import Choice, WorkingField
from netzwerker.deployment import (
    Deployment,
    Registry,
    assemble,
    stored_choices,
    with_choices,
)
from netzwerker.domain.audit.services import record
from netzwerker.domain.fields.models import PluginChoice
from netzwerker.domain.fields.services import sync_reference_data
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor, Permission
from netzwerker.errors import InvalidInput, NotFound, Problem
from netzwerker.plugins import InstalledPlugin, call_each, installed_plugins
from netzwerker.structuring import make_converter, structure


def switching(deployment: Deployment) -> Permission:
    """``plugin.switch`` as this deployment grants it."""
    return permissions.as_granted(permissions.PLUGIN_SWITCH, deployment.config)


@attrs.frozen
class Setting:
    """One field of a plugin's settings class, as a form shows it. ``name`` is its path
    (``chain_max_days.detox`` for a field of a nested class); ``kind`` is int, number,
    text, flag, choice (one of ``choices``) or list (text separated by commas). A choice's
    label is its member's of a :class:`netzwerker.contributions.Choice`, else its value."""

    name: str
    kind: str
    label: str
    help: str
    value: Any
    default: Any
    choices: tuple[str, ...] = ()
    choice_labels: Mapping[str, str] = attrs.field(factory=dict)

    def options(self) -> list[tuple[str, str]]:
        """The choices as a select shows them: ``(value, label)``."""
        return [(choice, self.shown(choice)) for choice in self.choices]

    def shown(self, value: Any) -> str:
        """``value`` as a person reads it."""
        return self.choice_labels.get(str(value), str(value))


@attrs.frozen
class PluginOffer:
    """An installed plugin as the administration shows it: whether it is enabled, who
    chose so and when (None: as ``deployment.toml`` says), what it contributes, its settings
    and what stops it from loading."""

    name: str
    version: str
    distribution: str
    summary: str
    enabled: bool
    #: The working fields it gives, with their German names and descriptions.
    fields: tuple[WorkingField, ...]
    chosen_by: str | None
    chosen_at: datetime | None
    contributions: dict[str, list[str]]
    migrations: bool
    settings: tuple[Setting, ...]
    problems: tuple[str, ...]


def current_config(deployment: Deployment) -> DeploymentConfig:
    """The configuration as the stored choices make it now: a server's application may
    still run on the previous one for up to a second."""
    given = deployment.file_config or deployment.config
    return with_choices(given, stored_choices(deployment.engine))


def plugin_catalogue(
    session: Session, deployment: Deployment, *, actor: Actor
) -> list[PluginOffer]:
    """Every installed plugin, with what it contributes when enabled (``plugin.switch``)."""
    permissions.authorize(actor, switching(deployment))
    choices = {choice.name: choice for choice in session.exec(select(PluginChoice))}
    config = current_config(deployment)
    offers = []
    for plugin in installed_plugins().values():
        enabled = plugin.name in config.enabled_plugins
        shown, problems = (
            (deployment, [])
            if enabled and plugin.name in deployment.config.enabled_plugins
            else _candidate(deployment, plugin.name, enabled=True)
        )
        choice = choices.get(plugin.name)
        settings_class = dict(call_each(shown.manager, "settings_class")).get(plugin.name)
        current = shown.plugin_settings(plugin.name)
        offers.append(
            PluginOffer(
                name=plugin.name,
                version=plugin.version,
                distribution=plugin.distribution,
                summary=plugin.summary,
                enabled=enabled,
                fields=tuple(
                    item.value
                    for item in shown.registry.working_fields.values()
                    if item.source == plugin.name
                ),
                chosen_by=choice.changed_by if choice else None,
                chosen_at=choice.changed_at if choice else None,
                contributions=_contribution_names(shown.registry, plugin.name),
                migrations=plugin.name in dict(call_each(shown.manager, "register_migrations")),
                settings=tuple(settings_of(settings_class, current)) if settings_class else (),
                problems=tuple(problem.message for problem in problems),
            )
        )
    return offers


def _contribution_names(registry: Registry, source: str) -> dict[str, list[str]]:
    """What one plugin contributes, per kind, by the names the interface shows."""
    named: dict[str, list[str]] = {}
    for kind in attrs.fields(Registry):
        items = getattr(registry, kind.name)
        names = [
            _display_name(key, item.value) for key, item in items.items() if item.source == source
        ]
        if names:
            named[kind.name] = names
    return named


def _display_name(key: str, value: Any) -> str:
    for attribute in ("name", "label", "what", "description"):
        text = getattr(value, attribute, "")
        if isinstance(text, str) and text:
            return text
    return key


def _installed(name: str) -> InstalledPlugin:
    plugin = installed_plugins().get(name)
    if plugin is None:
        raise NotFound("plugin", name)
    return plugin


def _candidate(
    deployment: Deployment, name: str, *, enabled: bool, settings: dict[str, Any] | None = None
) -> tuple[Deployment, list[Problem]]:
    """The deployment as it would be with plugin ``name`` switched (and given ``settings``)."""
    config = current_config(deployment)
    given = config.plugins.get(name, PluginConfig(enabled=False))
    plugins = {
        **config.plugins,
        name: PluginConfig(
            enabled=enabled, settings=given.settings if settings is None else settings
        ),
    }
    return assemble(
        deployment.folder,
        attrs.evolve(config, plugins=plugins),
        deployment.database_url,
        engine=deployment.engine,
    )


def switch_plugin(
    deployment: Deployment, name: str, enabled: bool, *, actor: Actor
) -> PluginChoice:
    """Enable or disable an installed plugin (``plugin.switch``). Enabling runs its
    migrations and stores its working fields; disabling keeps its rows and leaves its
    working fields inactive. Refused with every problem when the deployment would not load
    with the choice."""
    permissions.authorize(actor, switching(deployment))
    _installed(name)
    was_enabled = name in current_config(deployment).enabled_plugins
    candidate, problems = _candidate(deployment, name, enabled=enabled)
    if problems:
        raise InvalidInput(problems)
    if enabled:
        schema.upgrade(candidate)
    with candidate.transaction() as session:
        sync_reference_data(session, candidate)
        return _store(
            session,
            name,
            enabled=enabled,
            settings=_stored_settings(session, name),
            actor=actor,
            action="plugin.enable" if enabled else "plugin.disable",
            changes={"enabled": [was_enabled, enabled]},
        )


def change_plugin_settings(
    deployment: Deployment, name: str, values: dict[str, Any], *, actor: Actor
) -> PluginChoice:
    """Store an enabled plugin's settings (``plugin.switch``): ``values`` are checked by its
    settings class, as ``deployment.toml``'s would be; every problem names its field."""
    permissions.authorize(actor, switching(deployment))
    _installed(name)
    config = current_config(deployment)
    if name not in config.enabled_plugins:
        raise InvalidInput([Problem("plugin", f"plugin {name!r} is not enabled")])
    current, _ = _candidate(deployment, name, enabled=True)
    settings_class = dict(call_each(current.manager, "settings_class")).get(name)
    if settings_class is None:
        raise InvalidInput([Problem("settings", f"plugin {name!r} takes no settings")])
    structure(make_converter(), values, settings_class)
    candidate, problems = _candidate(deployment, name, enabled=True, settings=values)
    if problems:
        raise InvalidInput(problems)
    before = config.plugins[name].settings
    with candidate.transaction() as session:
        sync_reference_data(session, candidate)
        return _store(
            session,
            name,
            enabled=True,
            settings=values,
            actor=actor,
            action="plugin.settings",
            changes={
                key: [before.get(key), value]
                for key, value in values.items()
                if before.get(key) != value
            },
        )


def _stored_settings(session: Session, name: str) -> dict[str, Any] | None:
    choice = session.get(PluginChoice, name)
    return choice.settings if choice else None


def _store(
    session: Session,
    name: str,
    *,
    enabled: bool,
    settings: dict[str, Any] | None,
    actor: Actor,
    action: str,
    changes: dict[str, Any],
) -> PluginChoice:
    revision = (session.scalar(sa.select(sa.func.max(col(PluginChoice.revision)))) or 0) + 1
    choice = session.get(PluginChoice, name) or PluginChoice(
        name=name, enabled=enabled, revision=revision, changed_by=actor.username
    )
    choice.enabled = enabled
    choice.settings = settings
    choice.revision = revision
    choice.changed_by = actor.username
    choice.changed_at = utcnow()
    session.add(choice)
    record(
        session,
        actor=actor.username,
        action=action,
        object_type="plugin",
        object_id=name,
        changes=changes,
    )
    session.flush()
    return choice


# Settings as a form shows them -----------------------------------------------------------


def settings_of(cls: type, current: Any, prefix: str = "") -> list[Setting]:
    """The fields of a plugin's settings class with their values in ``current`` (an
    instance), nested classes flattened into dotted names. A field's label and help come from
    its metadata (``label``, ``help``), else from its name and the ``#:`` comment above it."""
    hints = typing.get_type_hints(cls)
    comments = _field_comments(cls)
    found: list[Setting] = []
    for field in attrs.fields(cls):
        kind_type = hints.get(field.name, field.type)
        name = f"{prefix}{field.name}"
        value = getattr(current, field.name) if current is not None else None
        default = _default(field)
        if attrs.has(kind_type):
            found.extend(settings_of(kind_type, value, f"{name}."))
            continue
        label = field.metadata.get("label") or field.name.replace("_", " ").capitalize()
        help_text = field.metadata.get("help") or comments.get(field.name, "")
        kind, choices = _kind(kind_type)
        labels = (
            {str(member.value): member.label for member in kind_type}
            if isinstance(kind_type, type) and issubclass(kind_type, Choice)
            else {}
        )
        found.append(Setting(name, kind, label, help_text, value, default, choices, labels))
    return found


def _default(field: attrs.Attribute) -> Any:
    if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
        return field.default.factory()  # type: ignore[union-attr]
    return None if field.default is attrs.NOTHING else field.default


def _kind(kind_type: Any) -> tuple[str, tuple[str, ...]]:
    if kind_type is bool:
        return "flag", ()
    if kind_type is int:
        return "int", ()
    if kind_type is float:
        return "number", ()
    if isinstance(kind_type, type) and issubclass(kind_type, enum.Enum):
        return "choice", tuple(str(member.value) for member in kind_type)
    if typing.get_origin(kind_type) in (list, tuple):
        return "list", ()
    return "text", ()


_COMMENT = re.compile(r"^\s*#:\s?(.*)$")
_ASSIGNMENT = re.compile(r"^\s*(\w+)\s*:")


def _field_comments(cls: type) -> dict[str, str]:
    """The ``#:`` comments above a class's fields, by field name."""
    try:
        lines = inspect.getsource(cls).splitlines()
    except (OSError, TypeError):
        return {}
    comments: dict[str, str] = {}
    pending: list[str] = []
    for line in lines:
        comment = _COMMENT.match(line)
        if comment:
            pending.append(comment.group(1))
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment and pending:
            comments[assignment.group(1)] = " ".join(pending)
        pending = []
    return comments


def settings_values(
    settings: list[Setting], texts: dict[str, str], *, skip_empty: bool = False
) -> tuple[dict[str, Any], list[Problem]]:
    """A settings form's texts as the nested values a settings class structures: whole
    numbers for int fields, lists from text separated by commas, ticks for flags.
    ``skip_empty`` leaves out what was left empty, so that the class's default holds."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for setting in settings:
        text = (texts.get(setting.name) or "").strip()
        if skip_empty and not text and setting.kind != "flag":
            continue
        try:
            value = _value(setting, text)
        except ValueError:
            problems.append(Problem(setting.name, f"not a valid {setting.kind}: {text!r}"))
            continue
        target = values
        *parents, last = setting.name.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[last] = value
    return values, problems


def _value(setting: Setting, text: str) -> Any:
    if setting.kind == "flag":
        return bool(text)
    if setting.kind == "int":
        return int(text)
    if setting.kind == "number":
        return float(text.replace(",", "."))
    if setting.kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    return text
