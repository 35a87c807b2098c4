"""The evaluation report: its figures match the stored data, in every format and channel."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzwerker.cli import cli
from netzwerker.domain.evaluation.services import evaluation_of
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import ALL_PLUGINS_CONFIG, OPERATOR, web_network


@pytest.fixture
def deployment(make_deployment):
    """The sample network with a funded project, a founded circle and a conference held."""
    from netzwerker.domain.circles.models import Circle
    from netzwerker.domain.conferences.models import Conference, Registration
    from netzwerker.domain.projects.models import Project
    from netzwerker.domain.projects.services import (
        FundingDecision,
        FundingDraft,
        FundingSource,
        ProjectDraft,
        add_funding,
        create_project,
        decide_funding,
    )

    deployment = make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)
    network, *_ = web_network(deployment)
    today = deployment.today()
    with deployment.transaction() as session:
        project = create_project(
            session,
            deployment,
            ProjectDraft(key="budget", project_type="budget_training", title="Budgettraining"),
            actor=Actor.operator("test"),
        )
        session.get(Project, project.id).people_reached = 40
        application = add_funding(
            session,
            project.id,
            FundingDraft(FundingSource.ESF, Decimal("20000")),
            actor=Actor.operator("test"),
        )
        for action, granted in (("submit", None), ("grant_partially", Decimal("12500.50"))):
            decide_funding(
                session,
                project.id,
                application.id,
                FundingDecision(action, granted=granted),
                today=today,
                actor=Actor.operator("test"),
            )
        session.get(Circle, network.circle.id).founded_on = today
        starts = datetime.combine(today - timedelta(days=1), time(9), tzinfo=UTC)
        conference = Conference(
            key="fachtag",
            title="Fachtag Sucht und Arbeit",
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            venue="Kreishaus",
            capacity=50,
        )
        session.add(conference)
        session.flush()
        # Registered weeks before; two of the three came.
        session.add_all(
            Registration(
                conference_id=conference.id,
                name=f"Gast {index}",
                email=f"gast{index}@example.org",
                status="registered",
                registered_at=starts - timedelta(days=20),
                checked_in_at=starts if index < 2 else None,
                registered_by="test",
            )
            for index in range(3)
        )
        conference.seats_taken = 3
    return deployment


def network_figures(deployment) -> dict[str, float | None]:
    evaluation = evaluation_of(deployment, None, None, actor=OPERATOR)
    return {reading.indicator: reading.value for reading in evaluation.network}


def test_the_figures_are_those_of_the_stored_data(deployment):
    from netzwerker.domain.projects.models import FundingApplication

    figures = network_figures(deployment)
    with deployment.session() as session:
        granted = session.scalar(sa.select(sa.func.sum(FundingApplication.granted)))
    assert figures["funds_acquired"] == float(granted) == 12500.5
    assert figures["project_ideas"] == 1
    assert figures["people_reached"] == 40
    assert figures["circles_founded"] == 1
    assert figures["conferences_held"] == 1
    assert figures["conference_attendance"] == 2
    evaluation = evaluation_of(deployment, None, None, actor=OPERATOR)
    (line,) = evaluation.conferences
    assert (line.title, line.registered, line.checked_in) == ("Fachtag Sucht und Arbeit", 3, 2)
    health = dict(evaluation.fields)["Gesundheit"]
    assert health and all(reading.working_field == "health" for reading in health)


def test_a_period_without_the_events_reports_none_of_them(deployment):
    long_ago = deployment.today() - timedelta(days=800)
    evaluation = evaluation_of(deployment, long_ago, long_ago + timedelta(days=30), actor=OPERATOR)
    figures = {reading.indicator: reading.value for reading in evaluation.network}
    assert figures["funds_acquired"] == 0 and figures["conferences_held"] == 0
    assert evaluation.conferences == []
    # An empty table is a sentence, not a header without rows.
    from netzwerker.web.evaluation import render_evaluation, report_environment

    text = render_evaluation(deployment, evaluation, "markdown", report_environment(deployment))
    assert "Im Zeitraum war keine Aufgabe fällig." in text
    assert "Keine Tagung im Zeitraum." in text
    assert not re.search(r"\|---[^\n]*\n\n", text), "a table header without rows"


def test_the_command_writes_every_format(deployment, tmp_path):
    runner = CliRunner()
    folder = str(deployment.folder)
    answer = runner.invoke(cli, ["evaluate", folder, "--format", "csv"])
    assert answer.exit_code == 0, answer.output
    rows = list(csv.DictReader(io.StringIO(answer.output)))
    funds = next(row for row in rows if row["key"] == "funds_acquired")
    assert (funds["section"], float(funds["value"])) == ("network", 12500.5)
    markdown = runner.invoke(cli, ["evaluate", folder]).output
    assert "# Auswertung des Netzwerks" in markdown
    assert "| Eingeworbene Fördermittel | 12.500,5 | EUR |" in markdown
    target = tmp_path / "auswertung.html"
    answer = runner.invoke(cli, ["evaluate", folder, "--format", "html", "-o", str(target)])
    assert answer.exit_code == 0, answer.output
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<svg" in html and "Fachtag Sucht" in html
    assert "http" not in html.split("<main")[1]  # nothing to fetch from elsewhere
    refused = runner.invoke(cli, ["evaluate", folder, "--from", "2026-12-01", "--to", "2026-01-01"])
    assert refused.exit_code != 0 and "to" in refused.output


def test_the_api_and_the_page_give_the_report_to_staff_only(deployment):
    from netzwerker.app import create_app
    from netzwerker.testing import Web

    site = Web(create_app(deployment), deployment, None, 0, 0)
    try:
        coordinator = site.sign_in("coordinator")
        page = coordinator.get("/evaluation")
        assert page.status_code == 200
        assert "Eingeworbene Fördermittel" in page.text and "Fachtag Sucht und Arbeit" in page.text
        download = coordinator.get("/evaluation/report.csv")
        assert download.status_code == 200
        assert "attachment" in download.headers["content-disposition"]
        assert "funds_acquired" in download.text
        assert coordinator.get("/evaluation/report.pdf").status_code == 400
        assert site.sign_in("partner_member").get("/evaluation").status_code == 403
    finally:
        site.close()


def test_the_api_gives_the_report_as_json_and_as_files(deployment):
    from litestar.testing import TestClient

    from netzwerker.app import create_app
    from netzwerker.domain.users.models import User
    from netzwerker.domain.users.services import create_token

    with deployment.transaction() as session:
        tokens = {
            name: create_token(
                session,
                session.scalar(sa.select(User).where(User.username == name)),
                "test",
                actor=Actor.operator("test"),
            ).secret
            for name in ("coordinator", "partner-member")
        }
    with TestClient(create_app(deployment)) as client:
        staff = {"Authorization": f"Bearer {tokens['coordinator']}"}
        answer = client.get("/api/evaluation", headers=staff)
        assert answer.status_code == 200
        network = {item["indicator"]: item["value"] for item in answer.json()["network"]}
        assert network["funds_acquired"] == 12500.5
        markdown = client.get("/api/evaluation?format=markdown", headers=staff)
        assert markdown.headers["content-type"].startswith("text/markdown")
        wrong = client.get("/api/evaluation?format=pdf", headers=staff)
        assert wrong.status_code == 422 and "format" in wrong.text
        member = {"Authorization": f"Bearer {tokens['partner-member']}"}
        assert client.get("/api/evaluation", headers=member).status_code == 403


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.integers(min_value=-400, max_value=10),
    length=st.integers(min_value=0, max_value=420),
    every=st.sampled_from([None, "month", "quarter"]),
    field=st.sampled_from([None, "health", "debt"]),
)
def test_indicators_asked_together_read_as_each_alone(deployment, start, length, every, field):
    """A report asks the indicators given as a query together, in one statement: each value
    is the one the indicator has when read alone, for any period, its parts and scope."""
    from netzwerker.contributions import Period
    from netzwerker.domain.indicators.services import (
        Scope,
        read,
        read_each,
        selected,
        split_period,
    )

    today = deployment.today()
    period = Period(today + timedelta(days=start), today + timedelta(days=start + length))
    scope = Scope(working_field=field)
    wanted = [
        (item, part, scope)
        for item in selected(deployment.registry, working_field=field)
        for part in split_period(period, every)
    ]
    assert any(item.value.query is not None for item, _, _ in wanted)
    with deployment.session() as session:
        together = read_each(session, wanted, today)
        alone = [read(session, *item, today) for item in wanted]
    assert together == alone
    assert not any(reading.error for reading in together)


def test_without_a_period_the_report_spans_the_records_up_to_today(deployment):
    from datetime import date

    today = deployment.today()
    # The sample's first record is a task due five days ago; one is due in three days.
    spanned = evaluation_of(deployment, None, None, actor=OPERATOR).period
    assert (spanned.start, spanned.end) == (today - timedelta(days=5), today)
    asked = evaluation_of(deployment, date(today.year, 1, 1), today, actor=OPERATOR).period
    assert (asked.start, asked.end) == (date(today.year, 1, 1), today)


def test_a_projects_people_count_in_one_period_only(deployment):
    """A project without dates counts when it was recorded, not in every later period."""
    from datetime import date

    today = deployment.today()
    figures = {}
    for year in (today.year, today.year + 1):
        report = evaluation_of(deployment, date(year, 1, 1), date(year, 12, 31), actor=OPERATOR)
        figures[year] = {reading.indicator: reading.value for reading in report.network}
    assert figures[today.year]["people_reached"] == 40
    assert not figures[today.year + 1]["people_reached"]
