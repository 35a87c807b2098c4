"""``netzwerker people|catalogue|conference|survey|template …``: the network's records an IT
team handles from the command line: the people of the directory (their ids, which other
commands take), the coverage and duplicate-structure analysis, the HSDS export of the
directory, a conference's lists for the registration desk, paper answers of the partner
survey, and the templates another jobcenter imports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import click

from netzwerker.commands.support import (
    cli_actor,
    date_option_type,
    deployment_argument,
    fail,
    open_deployment,
)
from netzwerker.errors import Problem
from netzwerker.tables import to_csv


@click.command()
@deployment_argument
@click.option("--partner", "partner_key", help="only the people of this partner (its key)")
@click.option("--name", help="words in the name")
def people(deployment: str, partner_key: str | None, name: str | None) -> None:
    """The people of the directory with their ids: coordinators, coaches, contacts."""
    from netzwerker.domain.partners.services import find_people

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        found = find_people(session, partner_key=partner_key, text=name)
    if not found:
        click.echo("no person matches", err=True)
    for person in found:
        state = "" if person.active else "  (inactive)"
        role = f", {person.role}" if person.role else ""
        click.echo(f"{person.id:>6}  {person.name}{role}  [{person.partner_key}]{state}")


@click.group()
def catalogue() -> None:
    """The service catalogue: coverage of the needs, duplicate structures, HSDS."""


@catalogue.command("coverage")
@deployment_argument
@click.option("--from", "start", type=date_option_type, help="first day of the period")
@click.option("--to", "end", type=date_option_type, help="last day of the period")
@click.option("--uncovered", is_flag=True, help="only gaps and shortfalls")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text")
def catalogue_coverage(
    deployment: str, start: datetime | None, end: datetime | None, uncovered: bool, fmt: str
) -> None:
    """Each need with the offers that meet it: gap, short, unknown or covered."""
    from netzwerker.domain.catalogue.services import coverage

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        found = coverage(
            session,
            period_start=start.date() if start else None,
            period_end=end.date() if end else None,
            only_uncovered=uncovered,
        )
    rows = [
        [
            item.status,
            item.need.target_group,
            item.need.problem_area,
            item.need.social_area or "gesamt",
            item.need.people,
            item.capacity,
            len(item.offer_ids),
        ]
        for item in found
    ]
    header = ["Status", "Zielgruppe", "Problemlage", "Sozialraum", "Personen", "Plätze", "Angebote"]
    if fmt == "csv":
        click.echo(to_csv(header, rows), nl=False)
        return
    for row in rows:
        status, group, problem, area, people, capacity, offers = row
        click.echo(
            f"{status:<8} {group} / {problem} / {area}: {people} Personen, "
            f"{offers} Angebote, {capacity} Plätze"
        )
    gaps = sum(1 for item in found if item.status == "gap")
    click.echo(f"{len(found)} Bedarfe, davon {gaps} ohne Angebot")


@catalogue.command("duplicates")
@deployment_argument
@click.option("--minimum", type=click.FloatRange(0, 1), default=0.0, help="least degree")
def catalogue_duplicates(deployment: str, minimum: float) -> None:
    """Offers of different partners that overlap: possible duplicate structures."""
    from sqlmodel import select

    from netzwerker.domain.catalogue.duplicates import overlaps
    from netzwerker.domain.catalogue.models import Offer

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        found, _ = overlaps(session, minimum_degree=minimum)
        titles = dict(session.execute(select(Offer.id, Offer.title)).all())
    for overlap in found:
        first, second = titles[overlap.first_offer_id], titles[overlap.second_offer_id]
        click.echo(f"{overlap.degree:>4.0%}  {first} ↔ {second}")
        click.echo(f"      {overlap.explanation}")
    click.echo(f"{len(found)} mögliche Doppelstrukturen")


def _appraisals(appraisals: list, fmt: str, money: bool) -> None:
    header = ["Rang", "Titel", "Träger", "Punkte", "Kriterien"]
    if money:
        header += ["Mittel (EUR)", "Stunden", "EUR je Platz"]
    rows = []
    for item in appraisals:
        row = [
            item.rank or "",
            item.title,
            item.partner,
            "" if item.score is None else f"{item.score:.2f}",
            " ".join(f"{key}={score}" for key, score in sorted(item.scores.items())),
        ]
        if money:
            row += [item.money, item.staff_hours, item.money_per_place or ""]
        rows.append(row)
    if fmt == "csv":
        click.echo(to_csv(header, rows), nl=False)
        return
    for row in rows:
        extra = f"  {row[5]} EUR, {row[6]} Std." if money else ""
        click.echo(f"{row[0]!s:>3} {row[3]:>5}  {row[1]} ({row[2]}){extra}")


@catalogue.command("quality")
@deployment_argument
@click.option("--year", type=int, help="resources spent in this year (default: all years)")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text")
def catalogue_quality(deployment: str, year: int | None, fmt: str) -> None:
    """Offers ranked by their quality score ([appraisal.quality]), with what they cost."""
    from netzwerker.domain.appraisal.services import offer_quality

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        _appraisals(offer_quality(session, loaded, year=year), fmt, money=True)


@catalogue.command("priorities")
@deployment_argument
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text")
def catalogue_priorities(deployment: str, fmt: str) -> None:
    """Proposed measures (projects at idea or concept) in order of priority."""
    from netzwerker.domain.appraisal.services import priorities

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        _appraisals(priorities(session, loaded), fmt, money=False)


@catalogue.command("resources")
@deployment_argument
@click.option("--by", type=click.Choice(["offer", "partner"]), default="offer")
@click.option("--year", type=int, help="only this year")
def catalogue_resources(deployment: str, by: str, year: int | None) -> None:
    """Money and staff hours spent, per offer or per provider."""
    from netzwerker.domain.appraisal.services import resources

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        sums = resources(session, by=by, year=year)
    for item in sums:
        click.echo(f"{item.money:>12} EUR {item.staff_hours:>8} Std.  {item.name}")
    click.echo(f"{sum(i.money for i in sums)} EUR, {sum(i.staff_hours for i in sums)} Std.")


@catalogue.command("hsds")
@deployment_argument
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="file (default: stdout)"
)
def catalogue_hsds(deployment: str, output: Path | None) -> None:
    """The partner and offer directory as Open Referral HSDS 3.0 JSON."""
    from netzwerker.domain.catalogue.hsds import export_directory

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        document = export_directory(session, loaded.name)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(
            f"wrote {output}: {len(document['organizations'])} organizations, "
            f"{len(document['services'])} services"
        )


@click.group()
def conference() -> None:
    """Conferences: their lists for the registration desk."""


@conference.command("export")
@deployment_argument
@click.argument("key")
@click.option(
    "--list",
    "kind",
    type=click.Choice(["participants", "badges", "attendance"]),
    default="participants",
    show_default=True,
)
def conference_export(deployment: str, key: str, kind: str) -> None:
    """A conference's participant list, badges or attendance list as CSV."""
    from sqlmodel import select

    from netzwerker.domain.conferences.models import Conference
    from netzwerker.domain.conferences.services import EXPORTS, export_rows
    from netzwerker.errors import NotFound

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        conference_id = session.scalar(select(Conference.id).where(Conference.key == key))
        if conference_id is None:
            raise NotFound("conference", key)
        rows = export_rows(
            session, conference_id, kind, loaded.config.deployment.timezone, actor=cli_actor()
        )
    click.echo(to_csv(EXPORTS[kind], rows), nl=False)


@click.group()
def survey() -> None:
    """The partner survey: how the partners rate the network."""


@survey.command("import")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def survey_import(deployment: str, file: Path) -> None:
    """Answers from a CSV or XLSX file: survey, partner (key, or empty for an anonymous
    answer), answered_on, exchange, synergies, effectiveness (1-5), comment. Nothing is
    stored unless every row is valid."""
    from netzwerker.domain.survey.importing import import_answers

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        count = import_answers(session, file, today=loaded.today(), actor=cli_actor())
    click.echo(f"{count} answers imported from {file}")


@click.group()
def template() -> None:
    """Network templates: service chains and circles to carry to another jobcenter."""


@template.command("export")
@deployment_argument
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--chain", "chains", multiple=True, help="a chain's key (default: every active)")
@click.option("--circle", "circles", multiple=True, help="a circle's key (default: every active)")
def template_export(
    deployment: str, output: Path, chains: Sequence[str], circles: Sequence[str]
) -> None:
    """Write chains and circles as a TOML template, partners replaced by their kinds."""
    from netzwerker.domain.network.templates import export_template, write_template

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        made = export_template(
            session, source=loaded.name, today=loaded.today(), chains=chains, circles=circles
        )
    write_template(made, output)
    click.echo(f"{output}: {len(made.chains)} service chains, {len(made.circles)} circles")


@template.command("import")
@deployment_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--partner",
    "partners",
    multiple=True,
    metavar="KIND=KEY",
    help="the partner to take for a kind this deployment has several of (repeatable)",
)
def template_import(deployment: str, file: Path, partners: Sequence[str]) -> None:
    """Create a template's chains and circles here, each kind resolved to a partner."""
    from netzwerker.domain.network.templates import import_template, read_template

    mapping = {}
    for item in partners:
        kind, _, key = item.partition("=")
        if not kind or not key:
            fail([Problem("--partner", f"expected KIND=KEY, got {item!r}")])
        mapping[kind.strip()] = key.strip()
    loaded = open_deployment(deployment)
    made = read_template(file)
    with loaded.transaction() as session:
        made_here = import_template(session, loaded, made, actor=cli_actor(), partners=mapping)
    click.echo(
        f"created {made_here['chains']} service chains and {made_here['circles']} circles "
        f"from {file}"
    )


COMMANDS = [people, catalogue, conference, survey, template]
