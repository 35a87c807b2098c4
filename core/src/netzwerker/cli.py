"""``netzwerker``: the command line an IT team runs a deployment with.

The root group only dispatches: the core's commands (:mod:`netzwerker.commands`) and the
plugins' come through the ``register_commands`` hook. Every problem a command meets is
printed as ``path: reason`` and makes the exit code 1.
"""

from __future__ import annotations

from typing import Any

import click

from netzwerker import __version__
from netzwerker.commands.support import fail
from netzwerker.errors import Conflict, InvalidInput, NotFound, Refused, TransitionRefused
from netzwerker.plugins import (
    CORE,
    call_impl,
    installed_plugins,
    load_plugins,
    new_plugin_manager,
    source_of,
)


class NetzwerkerGroup(click.Group):
    """The root command: clear messages instead of tracebacks, plugin commands on demand.

    The core's commands are registered when the group is first asked for one; plugins'
    commands only when a name the core does not know is asked for, or for the command list:
    core commands never import a plugin, so a broken package cannot break ``netzwerker
    check``.
    """

    core_commands_loaded = False
    plugin_commands_loaded = False

    def _load_core_commands(self) -> None:
        if not self.core_commands_loaded:
            self.core_commands_loaded = True
            new_plugin_manager().hook.register_commands(cli=self)

    def _load_plugin_commands(self) -> None:
        if not self.plugin_commands_loaded:
            self.plugin_commands_loaded = True
            manager, _ = load_plugins(installed_plugins())
            for impl in manager.hook.register_commands.get_hookimpls():
                if source_of(impl.plugin_name) != CORE:
                    call_impl(impl, {"cli": self})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        self._load_core_commands()
        command = super().get_command(ctx, name)
        if command is None:
            self._load_plugin_commands()
            command = super().get_command(ctx, name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_core_commands()
        self._load_plugin_commands()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidInput as exc:
            fail(exc.problems, f"{len(exc.problems)} problem(s):")
        except (NotFound, Conflict, Refused, TransitionRefused) as exc:
            fail([str(exc)])


@click.group(cls=NetzwerkerGroup)
@click.version_option(__version__, prog_name="netzwerker")
def cli() -> None:
    """netzwerker: the network of a jobcenter's partners, and who promised what by when."""


def main() -> None:
    cli()
