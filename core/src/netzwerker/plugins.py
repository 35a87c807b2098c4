"""Finding, loading and asking plugins.

Plugins are found through the entry point group ``netzwerker``; only the ones a deployment
enables are imported. The core's own contributions are registered the same way, through the
entry point group ``netzwerker.core`` (its domain, its API, its web interface), and always
loaded: the core eats its own cooking, and no module of the core imports them.
"""

from __future__ import annotations

import importlib.metadata
import traceback
from collections.abc import Iterable
from typing import Any

import attrs
import pluggy
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import Version

from netzwerker import hookspecs
from netzwerker.structuring import Problem

ENTRY_POINT_GROUP = "netzwerker"
#: The group of the core's own hook modules, each registered as ``core.<name>``.
CORE_ENTRY_POINT_GROUP = "netzwerker.core"
CORE = "core"


@attrs.frozen
class InstalledPlugin:
    """A plugin found through its entry point (not necessarily importable)."""

    name: str
    entry_point: importlib.metadata.EntryPoint
    distribution: str
    version: str
    summary: str
    requires: tuple[str, ...]

    def load(self) -> Any:
        return self.entry_point.load()


def installed_plugins() -> dict[str, InstalledPlugin]:
    """Every plugin an installed distribution registers, by name, without importing any."""
    plugins: dict[str, InstalledPlugin] = {}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        metadata = dist.metadata if dist is not None else None
        plugins[entry_point.name] = InstalledPlugin(
            name=entry_point.name,
            entry_point=entry_point,
            distribution=metadata["Name"] if metadata else "?",
            version=dist.version if dist is not None else "?",
            summary=(metadata["Summary"] or "") if metadata else "",
            requires=tuple(dist.requires or ()) if dist is not None else (),
        )
    return dict(sorted(plugins.items()))


def _compatibility_problem(plugin: InstalledPlugin) -> str | None:
    """The plugin's requirement on ``netzwerker`` is its compatibility range (as in pretix)."""
    from netzwerker import __version__

    for text in plugin.requires:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        compatible = requirement.specifier.contains(Version(__version__), prereleases=True)
        if requirement.name == "netzwerker" and requirement.marker is None and not compatible:
            return (
                f"plugin {plugin.name!r} requires netzwerker{requirement.specifier}, "
                f"but {__version__} is installed"
            )
    return None


def new_plugin_manager() -> pluggy.PluginManager:
    """A fresh manager holding the hook specifications and the core's own hook modules."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    core = importlib.metadata.entry_points(group=CORE_ENTRY_POINT_GROUP)
    for entry_point in sorted(core, key=lambda entry_point: entry_point.name):
        manager.register(entry_point.load(), name=f"{CORE}.{entry_point.name}")
    manager.check_pending()
    return manager


def source_of(plugin_name: str) -> str:
    """Who contributes what a registered module returns: ``core`` for the core's modules,
    else the plugin's name."""
    return plugin_name.partition(".")[0]


def load_plugins(
    names: Iterable[str], manager: pluggy.PluginManager | None = None
) -> tuple[pluggy.PluginManager, list[Problem]]:
    """Register the named plugins; every failure is a problem naming the plugin, never a crash."""
    manager = manager or new_plugin_manager()
    installed = installed_plugins()
    problems: list[Problem] = []
    for name in names:
        path = f"plugins.{name}"
        plugin = installed.get(name)
        if plugin is None:
            known = ", ".join(installed) or "none"
            problems.append(
                Problem(path, f"plugin {name!r} is not installed (installed plugins: {known})")
            )
            continue
        incompatible = _compatibility_problem(plugin)
        if incompatible:
            problems.append(Problem(path, incompatible))
            continue
        try:
            module = plugin.load()
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            problems.append(
                Problem(
                    path,
                    f"plugin {name!r} failed to import: {type(exc).__name__}: {exc} "
                    f"({where.filename}:{where.lineno})",
                )
            )
            continue
        try:
            manager.register(module, name=name)
            # Checked per plugin, so a hook without a specification names its plugin.
            manager.check_pending()
        except (pluggy.PluginValidationError, ValueError) as exc:
            if manager.get_plugin(name) is not None:
                manager.unregister(name=name)
            problems.append(Problem(path, f"plugin {name!r} cannot be registered: {exc}"))
    return manager, problems


def call_impl(impl: pluggy.HookImpl, kwargs: dict[str, Any]) -> Any:
    """Call one implementation with the arguments it asks for (it may ask for fewer)."""
    return impl.function(*(kwargs[arg] for arg in impl.argnames))


def call_each(
    manager: pluggy.PluginManager, hook_name: str, **kwargs: Any
) -> list[tuple[str, Any]]:
    """Call ``hook_name`` on every plugin separately: ``[(plugin name, result), …]``.

    The plain pluggy call merges results; attributing them lets the core name the plugin that
    contributed a duplicate key or a broken definition. Plugins are asked in registration
    order, the core first.
    """
    hook = getattr(manager.hook, hook_name)
    results: list[tuple[str, Any]] = []
    for impl in hook.get_hookimpls():
        result = call_impl(impl, kwargs)
        if result is not None:
            results.append((source_of(impl.plugin_name), result))
    return results
