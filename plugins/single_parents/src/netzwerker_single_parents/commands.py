"""``netzwerker single-parents …``: the single-parents plugin's commands."""

from __future__ import annotations

import click

from netzwerker.commands.support import cli_actor, deployment_argument, fail, open_deployment
from netzwerker.errors import InvalidInput, Refused
from netzwerker_single_parents import services


@click.group("single-parents")
def single_parents() -> None:
    """Alleinerziehende: households in coaching and the coaches' caseloads."""


@single_parents.command("add-household")
@deployment_argument
@click.argument("reference")
@click.option("--coach", "coach_person_id", type=int, required=True, help="person id of the coach")
@click.option("--town", default="")
@click.option("--children", type=click.IntRange(min=0), default=1)
def add_household(
    deployment: str, reference: str, coach_person_id: int, town: str, children: int
) -> None:
    """Take a household (by its reference, never a name) into coaching."""

    loaded = open_deployment(deployment)
    draft = services.HouseholdDraft(reference, coach_person_id, town, children)
    try:
        with loaded.transaction() as session:
            household = services.add_household(session, loaded, draft, actor=cli_actor())
            flag = " (über der Fallzahlgrenze)" if household.over_caseload else ""
            click.echo(f"household {household.reference} in coaching{flag}")
    except InvalidInput as exc:
        fail(exc.problems)
    except Refused as exc:
        fail([str(exc)])


@single_parents.command("caseloads")
@deployment_argument
def caseloads(deployment: str) -> None:
    """Households per coach against the limit."""
    loaded = open_deployment(deployment)
    with loaded.session() as session:
        for load in services.caseloads(session, loaded, actor=cli_actor()):
            mark = "  ÜBER DER GRENZE" if load.over else ""
            click.echo(f"{load.coach:<30} {load.households:>3} / {load.limit}{mark}")
