"""Users and their API tokens: ``user …`` and ``token …``."""

from __future__ import annotations

import sys

import click

from netzwerker.commands.support import (
    cli_actor,
    open_deployment,
)


@click.group()
def user() -> None:
    """Users who sign in, and their roles: admin, coordinator, partner_member, viewer."""


@user.command("add")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "coordinator", "partner_member", "viewer"]),
)
@click.option("--partner", help="key of the partner a partner member belongs to")
@click.option("--name", "display_name", default="", help="name shown in the history")
@click.option("--email", default="")
@click.option("--password", "ask_password", is_flag=True, help="ask for a password")
@click.option("--password-stdin", is_flag=True, help="read the password from stdin")
def user_add(
    deployment: str,
    username: str,
    role: str,
    partner: str | None,
    display_name: str,
    email: str,
    ask_password: bool,
    password_stdin: bool,
) -> None:
    """Add a user; without a password it signs in with API tokens only."""
    from netzwerker.domain.users.models import Role
    from netzwerker.domain.users.services import UserDraft, add_user

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif ask_password:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    loaded = open_deployment(deployment)
    draft = UserDraft(username, Role(role), display_name, email, partner, password=password)
    with loaded.transaction() as session:
        added = add_user(session, draft, actor=cli_actor())
    click.echo(f"user {added.username} ({added.role}) added")


@user.command("list")
@click.argument("deployment", type=click.Path(file_okay=False))
def user_list(deployment: str) -> None:
    """Every user with role, partner and state."""
    from netzwerker.domain.partners.models import Partner
    from netzwerker.domain.users.services import list_users

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        for found in list_users(session, actor=cli_actor()):
            partner = session.get(Partner, found.partner_id) if found.partner_id else None
            state = "active" if found.active else "disabled"
            at = f" @{partner.key}" if partner else ""
            click.echo(f"{found.username}\t{found.role}{at}\t{state}\t{found.display_name}")


@user.command("disable")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("username")
@click.option("--enable", is_flag=True, help="enable the user again")
def user_disable(deployment: str, username: str, enable: bool) -> None:
    """Disable a user: it can no longer sign in, and none of its tokens works."""
    from netzwerker.domain.users.services import find_user, update_user

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        found = find_user(session, username)
        update_user(session, found, {"active": enable}, actor=cli_actor())
    click.echo(f"user {username} {'enabled' if enable else 'disabled'}")


@user.command("unlock")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("username")
def user_unlock(deployment: str, username: str) -> None:
    """Lift the locks that failed sign-ins put on a user, from every address."""
    from netzwerker.domain.users.throttle import lift

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        count = lift(session, username, actor=cli_actor())
    click.echo(f"user {username}: locks and counts of {count} addresses lifted")


@click.group()
def token() -> None:
    """API tokens: how machines (and scripts) authenticate."""


@token.command("create")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("username")
@click.option("--name", required=True, help="what the token is for, e.g. 'Fachverfahren'")
@click.option(
    "--days", type=click.IntRange(1), help="valid for this many days (default: until revoked)"
)
def token_create(deployment: str, username: str, name: str, days: int | None) -> None:
    """Create a token for a user and print it: it is shown this once."""
    from netzwerker.domain.users.services import create_token, find_user

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        new = create_token(
            session, find_user(session, username), name, actor=cli_actor(), valid_days=days
        )
    click.echo(f"token {new.token.id} for {username}; send it as 'Authorization: Bearer <token>':")
    click.echo(new.secret)


@token.command("list")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("username", required=False)
def token_list(deployment: str, username: str | None) -> None:
    """Tokens (of one user), with their state; never the secret."""
    from netzwerker.domain.users.models import User
    from netzwerker.domain.users.services import find_user, list_tokens

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        owner = find_user(session, username).id if username else None
        for item in list_tokens(session, actor=cli_actor(), user_id=owner):
            holder = session.get(User, item.user_id)
            state = "revoked" if item.revoked_at else "active"
            if item.expires_at and not item.revoked_at:
                state += f" until {item.expires_at:%Y-%m-%d}"
            click.echo(f"{item.id}\t{holder.username}\t{item.hint}…\t{item.name}\t{state}")  # type: ignore[union-attr]


@token.command("revoke")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("token_id", type=int)
def token_revoke(deployment: str, token_id: int) -> None:
    """Revoke a token; requests with it are refused from now on."""
    from netzwerker.domain.users.services import get_token, revoke_token

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        revoke_token(session, get_token(session, token_id), actor=cli_actor())
    click.echo(f"token {token_id} revoked")


COMMANDS = [user, token]
