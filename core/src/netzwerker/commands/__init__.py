"""The core's commands, registered through ``register_commands`` as a plugin's are (entry
point group ``netzwerker.core``), one module per area:

* :mod:`~netzwerker.commands.setup`: ``init``, ``check``, ``migrate``, ``import``, ``serve``,
  ``backup``, ``restore``
* :mod:`~netzwerker.commands.accountability`: ``escalate``, ``report``, ``evaluate``,
  ``research-export``
* :mod:`~netzwerker.commands.users`: ``user …``, ``token …``
* :mod:`~netzwerker.commands.network`: ``people``, ``catalogue …``, ``conference …``,
  ``survey …``, ``template …``
* :mod:`~netzwerker.commands.engines`: ``workflow …``, ``project …``, ``indicators …``
* :mod:`~netzwerker.commands.plugins`: ``plugins``, ``enable-plugin``, ``disable-plugin``,
  ``permissions``, ``new-plugin``
* :mod:`~netzwerker.commands.mail`: ``mail test``, ``mail send``
* :mod:`~netzwerker.commands.demo`: ``demo``

:mod:`~netzwerker.commands.support` holds what every command uses, a plugin's too.
"""

from __future__ import annotations

import click

from netzwerker.hookspecs import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    from netzwerker.commands import (
        accountability,
        demo,
        engines,
        mail,
        network,
        plugins,
        setup,
        users,
    )

    for area in (setup, accountability, users, network, engines, plugins, mail, demo):
        for command in area.COMMANDS:
            cli.add_command(command)
