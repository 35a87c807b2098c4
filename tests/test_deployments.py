"""The deployments the project ships: each checks, migrates and imports its data files on
SQLite and PostgreSQL, and holds the structure its source document describes."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from netzwerker.cli import cli
from netzwerker.deployment import load
from netzwerker.domain.partners.models import Partner
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import OPERATOR, scratch_database

DEPLOYMENTS = Path(__file__).resolve().parents[1] / "deployments"
SHIPPED = sorted(folder.name for folder in DEPLOYMENTS.iterdir() if folder.is_dir())


@pytest.fixture(scope="session")
def shipped(tmp_path_factory):
    """A shipped deployment, copied, checked, migrated and imported into a database of its
    own (on the server the suite runs against) once per test session; its ``database_url``
    is that database. Tests that change its data keep to additions the others' assertions
    allow for (the report test compares with whatever is stored)."""
    made: dict[str, object] = {}
    with contextlib.ExitStack() as stack:

        def copy(name: str):
            if name not in made:
                base = tmp_path_factory.mktemp(name)
                folder = base / name
                ignore = shutil.ignore_patterns("*.db*")
                shutil.copytree(DEPLOYMENTS / name, folder, ignore=ignore)
                url = stack.enter_context(scratch_database(base, name))
                runner = CliRunner(env={"DATABASE_URL": url})
                for command in ("check", "migrate", "import"):
                    answer = runner.invoke(cli, [command, str(folder)])
                    assert answer.exit_code == 0, f"{command}: {answer.output}"
                made[name] = load(folder, database_url=url)
            return made[name]

        yield copy
        for deployment in made.values():
            deployment.dispose()


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_deployment_checks_migrates_imports_and_serves(shipped, name):
    from litestar.testing import TestClient

    from netzwerker.app import create_app

    deployment = shipped(name)
    try:
        with deployment.session() as session:
            assert session.scalar(sa.select(sa.func.count(Partner.id))) > 0
        with TestClient(create_app(deployment)) as client:  # it serves
            assert client.get("/ready").status_code == 200
            assert client.get("/api/partners").status_code == 401
            assert client.get("/login").status_code == 200
    finally:
        deployment.dispose()


def test_warendorf_three_coaches_ten_households_each_and_no_eleventh(shipped):
    from netzwerker.domain.cases.models import Referral
    from netzwerker.domain.partners.models import Person
    from netzwerker.errors import Refused
    from netzwerker_single_parents import services
    from netzwerker_single_parents.models import Household

    deployment = shipped("warendorf")
    try:
        with deployment.session() as session:
            loads = services.caseloads(session, deployment, actor=OPERATOR)
            assert sorted(load.households for load in loads) == [10, 10, 10]
            towns = session.execute(
                sa.select(Household.town, sa.func.count()).group_by(Household.town)
            ).all()
            assert dict(towns) == {"Everswinkel": 15, "Ennigerloh": 15}
            assert not session.scalar(sa.select(sa.func.count()).where(Household.over_caseload))
            assert session.scalar(sa.select(sa.func.count(Referral.id))) > 0
            coach = session.scalar(sa.select(Person.id).where(Person.name == "Katrin Westhoff"))
        with pytest.raises(Refused, match="limit 10"), deployment.transaction() as session:
            draft = services.HouseholdDraft("ANNA-E-16", coach, "Everswinkel", 2)
            services.add_household(session, deployment, draft, actor=Actor.operator("test"))
    finally:
        deployment.dispose()


def test_leverkusen_the_chain_spans_six_books_and_a_referral_needs_consent(shipped):
    from datetime import date

    from netzwerker.domain.cases.models import Case, Referral
    from netzwerker.domain.cases.services import ConsentDraft, ConsentMissing, give_consent
    from netzwerker.domain.chains import services as chains
    from netzwerker.domain.chains.models import ServiceChain
    from netzwerker.domain.circles.models import CirclePerson

    deployment = shipped("leverkusen")
    day = date(2024, 3, 4)
    try:
        with deployment.session() as session:
            chain = session.scalar(
                sa.select(ServiceChain).where(ServiceChain.key == "sucht_arbeit")
            )
            steps = chains.steps_of(session, [chain.id])[chain.id]
            books = {str(step.legal_domain) for step in steps}
            assert books == {f"SGB {book}" for book in ("II", "III", "V", "VIII", "IX", "XII")}
            assert chains.missing_agreements(session, chain.id) == []
            scouts = session.scalar(sa.select(sa.func.count()).select_from(CirclePerson))
            assert scouts == 6
            ids = {p.key: p.id for p in session.scalars(sa.select(Partner))}
            cases = {c.pseudonym: c.id for c in session.scalars(sa.select(Case))}

        def start(pseudonym: str) -> None:
            with deployment.transaction() as session:
                chains.start_instance(
                    session,
                    chain.id,
                    chains.ChainStart(from_partner_id=ids["jobcenter"], case_id=cases[pseudonym]),
                    today=day,
                    actor=Actor.operator("scout"),
                )

        with pytest.raises(ConsentMissing, match="LEV-2024-002"):
            start("LEV-2024-002")
        start("LEV-2024-001")  # consented to the addiction counselling
        with deployment.transaction() as session:
            draft = ConsentDraft(ids["suchthilfe"], "Übergabe in die Unterstützungskette")
            give_consent(
                session, cases["LEV-2024-002"], draft, today=day, actor=Actor.operator("scout")
            )
        start("LEV-2024-002")
        with deployment.session() as session:
            referred = session.scalars(
                sa.select(Referral.case_id).where(Referral.to_partner_id == ids["suchthilfe"])
            ).all()
            assert sorted(referred) == sorted([cases["LEV-2024-001"], cases["LEV-2024-002"]])
    finally:
        deployment.dispose()


#: The period each deployment's source document reports on.
PERIODS = {
    "example": ("2025-01-01", "2026-12-31"),
    "leverkusen": ("2019-01-01", "2024-12-31"),
    "magdeburg": ("2010-01-01", "2012-12-31"),
    "mayen-koblenz": ("2008-01-01", "2012-12-31"),
    "warendorf": ("2020-08-01", "2022-10-31"),
}


def _stored_figures(session, start, end, timezone) -> dict[str, float]:
    """The network figures, counted row by row in Python from what is stored."""
    from datetime import UTC, date
    from zoneinfo import ZoneInfo

    from netzwerker.domain.cases.models import Referral
    from netzwerker.domain.circles.models import Circle
    from netzwerker.domain.conferences.models import Conference, Registration
    from netzwerker.domain.projects.models import FundingApplication, Project

    start, end = date.fromisoformat(start), date.fromisoformat(end)
    zone = ZoneInfo(timezone)

    def day(moment):
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(zone).date()

    projects = session.scalars(sa.select(Project)).all()
    funding = session.scalars(sa.select(FundingApplication)).all()
    held = [
        c
        for c in session.scalars(sa.select(Conference)).all()
        if not c.cancelled and start <= day(c.starts_at) <= end
    ]
    held_ids = {c.id for c in held}
    registrations = session.scalars(sa.select(Registration)).all()
    return {
        "funds_acquired": float(
            sum(
                f.granted
                for f in funding
                if f.status in ("granted", "partially_granted") and start <= f.decided_on <= end
            )
        ),
        "project_ideas": float(sum(start <= day(p.created_at) <= end for p in projects)),
        "people_reached": float(
            sum(
                p.people_reached
                for p in projects
                if start <= (p.end_on or p.start_on or day(p.created_at)) <= end
            )
        ),
        "circles_founded": float(
            sum(
                c.founded_on is not None and start <= c.founded_on <= end
                for c in session.scalars(sa.select(Circle)).all()
            )
        ),
        "conferences_held": float(len(held)),
        "conference_attendance": float(
            sum(
                r.conference_id in held_ids
                and r.checked_in_at is not None
                and r.status == "registered"
                for r in registrations
            )
        ),
        "referrals_sent": float(
            sum(start <= day(r.sent_at) <= end for r in session.scalars(sa.select(Referral)).all())
        ),
    }


@pytest.mark.parametrize("name", SHIPPED)
def test_each_deployment_evaluation_report_matches_its_stored_data(shipped, name):
    import json

    deployment = shipped(name)
    start, end = PERIODS[name]
    runner = CliRunner(env={"DATABASE_URL": deployment.database_url})
    try:
        period = ["--from", start, "--to", end]
        answer = runner.invoke(
            cli, ["evaluate", str(deployment.folder), *period, "--format", "json"]
        )
        assert answer.exit_code == 0, answer.output
        figures = {row["indicator"]: row["value"] for row in json.loads(answer.output)["network"]}
        with deployment.session() as session:
            stored = _stored_figures(session, start, end, deployment.config.deployment.timezone)
        assert {key: figures[key] or 0.0 for key in stored} == stored
        for fmt, marker in (
            ("markdown", "# Auswertung"),
            ("html", "<svg"),
            ("csv", "section,working_field,key"),
        ):
            answer = runner.invoke(
                cli, ["evaluate", str(deployment.folder), *period, "--format", fmt]
            )
            assert answer.exit_code == 0 and marker in answer.output, fmt
    finally:
        deployment.dispose()


def _default_report(deployment) -> dict:
    """``netzwerker evaluate`` as a coordinator runs it first: no ``--from``, no ``--to``."""
    import json

    runner = CliRunner(env={"DATABASE_URL": deployment.database_url})
    answer = runner.invoke(cli, ["evaluate", str(deployment.folder), "--format", "json"])
    assert answer.exit_code == 0, answer.output
    return json.loads(answer.output)


def _values(rows: list[dict]) -> dict[str, float | None]:
    return {row["indicator"]: row["value"] for row in rows}


def test_mayen_koblenz_reports_the_results_of_its_evaluation(shipped):
    """The document's results: about 10 million euros, 30 project ideas, five circles, five
    large conferences of 50 to 300 participants, about 15,000 people reached."""
    deployment = shipped("mayen-koblenz")
    try:
        report = _default_report(deployment)
        assert report["period"]["start"] == "2008-01-01" and report["period"]["end"] == "2012-12-31"
        figures = _values(report["network"])
        assert 9_000_000 <= figures["funds_acquired"] <= 11_000_000
        assert figures["project_ideas"] == 30
        assert figures["circles_founded"] == 5
        assert figures["conferences_held"] == 5
        assert 14_000 <= figures["people_reached"] <= 16_000
        assert all(50 <= line["checked_in"] <= 300 for line in report["conferences"])
    finally:
        deployment.dispose()


def test_warendorf_reports_annas_thirty_households_and_three_coaches(shipped):
    """ANNA, August 2020 to October 2022: 30 households coached, a coach for every ten."""
    deployment = shipped("warendorf")
    try:
        report = _default_report(deployment)
        assert report["period"]["start"] == "2020-08-01" and report["period"]["end"] == "2022-10-31"
        (name, readings), *_ = report["fields"]
        figures = _values(readings)
        assert name == "Alleinerziehende"
        assert figures["single_parents_households_coached"] == 30
        assert figures["single_parents_caseload"] == 10
        assert figures["single_parents_sponsorships"] > 0
        assert _values(report["network"])["people_reached"] == 30
    finally:
        deployment.dispose()


TEMPLATE = DEPLOYMENTS / "leverkusen" / "templates" / "produktionsnetzwerk-sucht.toml"


def test_the_production_network_template_moves_from_leverkusen_to_mayen_koblenz(shipped, tmp_path):
    """NRW carried the production-network approach from one jobcenter to all: Leverkusen's
    chain and circles, exported as a template, start Mayen-Koblenz's own."""
    import tomllib

    from netzwerker.domain.chains import services as chains
    from netzwerker.domain.chains.models import ServiceChain

    leverkusen = shipped("leverkusen")
    runner = CliRunner(env={"DATABASE_URL": leverkusen.database_url})
    exported = tmp_path / "template.toml"
    answer = runner.invoke(
        cli,
        [
            "template",
            "export",
            str(leverkusen.folder),
            "--chain",
            "sucht_arbeit",
            "--circle",
            "pnw",
            "--circle",
            "pnw_scouts",
            "-o",
            str(exported),
        ],
    )
    leverkusen.dispose()
    assert answer.exit_code == 0, answer.output
    shipped_template = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    fresh = tomllib.loads(exported.read_text(encoding="utf-8"))
    for template in (shipped_template, fresh):
        template.pop("exported_on")
    assert fresh == shipped_template  # the shipped template is what Leverkusen exports

    mayen = shipped("mayen-koblenz")  # a database of its own
    runner = CliRunner(env={"DATABASE_URL": mayen.database_url})
    try:
        command = ["template", "import", str(mayen.folder), str(TEMPLATE)]
        answer = runner.invoke(cli, command)
        assert answer.exit_code == 1
        assert "no active partner of kind 'social_psychiatric_centre'" in answer.output
        assert "choose one with --partner charity=KEY" in answer.output
        choices = {
            "social_psychiatric_centre": "rhein_mosel_fachklinik",
            "charity": "diakonie",
            "labour_market_provider": "labour_market_provider_01",
            "jobcenter": "myknetz",
        }
        for kind, key in choices.items():
            command += ["--partner", f"{kind}={key}"]
        answer = runner.invoke(cli, command)
        assert answer.exit_code == 0, answer.output
        with mayen.session() as session:
            chain = session.scalar(
                sa.select(ServiceChain).where(ServiceChain.key == "sucht_arbeit")
            )
            steps = chains.steps_of(session, [chain.id])[chain.id]
            keys = {p.id: p.key for p in session.scalars(sa.select(Partner))}
            assert [keys[step.partner_id] for step in steps] == [
                "drogenberatung",
                "krankenkassen",
                "rhein_mosel_fachklinik",
                "jugendamt",
                "diakonie",
                "agentur",
                "labour_market_provider_01",
            ]
            # Mayen-Koblenz's partners have not agreed yet: the chain is not binding.
            assert len(chains.missing_agreements(session, chain.id)) == 7
    finally:
        mayen.dispose()


def test_magdeburg_plan_catalogue_quality_resources_and_priorities(shipped):
    """The steering group, the cross-provider project group with the named organisations,
    the regional working groups, the milestone plan as tasks serving the four goals, the
    five target groups' needs against the catalogue, and the appraisal the plan asks for."""
    from netzwerker.domain.appraisal import services as appraisal
    from netzwerker.domain.catalogue.duplicates import overlaps
    from netzwerker.domain.catalogue.services import coverage
    from netzwerker.domain.circles.models import Circle
    from netzwerker.domain.circles.services import members_of
    from netzwerker.domain.tasks.models import Task

    deployment = shipped("magdeburg")
    try:
        with deployment.session() as session:
            circles = {c.key: c for c in session.scalars(sa.select(Circle))}
            assert {"steuerungsgruppe", "projektgruppe"} <= set(circles)
            assert sum(key.startswith("ag_") for key in circles) == 3
            keys = {p.id: p.key for p in session.scalars(sa.select(Partner))}
            group = members_of(session, [circles["projektgruppe"].id])[circles["projektgruppe"].id]
            named = {"jobcenter", "aqb", "gise", "paritaet", "awo", "diakonie", "caritas"}
            named |= {"johanniter", "drk", "stadtmission", "spi", "ib", "hs_magdeburg", "ovgu"}
            assert named <= {keys[pid] for pid in group.partners}
            tasks = session.scalars(sa.select(Task)).all()
            assert len(tasks) == 18 and all(t.goal_id for t in tasks)
            assert {t.due_date.year for t in tasks} == {2010, 2011, 2012}
            found = coverage(session)
            groups = {item.need.target_group for item in found}
            assert len(groups) == 5
            assert any(item.status == "gap" for item in found)
            assert overlaps(session)[1]  # possible duplicate structures in the region
            ranked = appraisal.priorities(session, deployment)
            assert ranked[0].score >= ranked[-1].score and ranked[0].rank == 1
            assert all(m.state in ("idea", "concept") for m in ranked)
            quality = appraisal.offer_quality(session, deployment, year=2009)
            assert quality[0].rank == 1 and quality[0].money > 0
            by_partner = appraisal.resources(session, by="partner", year=2009)
            assert "Sozial- und Wohnungsamt" in " ".join(item.name for item in by_partner)
    finally:
        deployment.dispose()


#: Names in the seeds' own data that contain a key as a word ("ESF transnational (IdA)").
DATA_NAMES = re.compile(r"ESF transnational")
#: Keys joined by "_" or ":" (``single_parents``, ``escalation:overdue``) are never German.
JOINED_KEY = re.compile(r"(?<![\w./@-])[a-z]+(?:[_:][a-z0-9]+)+(?![\w/@-])")


def _raw_keys(deployment) -> set[str]:
    """The keys a person must never read: working fields, states of every workflow, roles."""
    from netzwerker.domain.cases.referrals import REFERRAL_WORKFLOW
    from netzwerker.domain.fields.models import WorkingFieldRecord
    from netzwerker.domain.projects.lifecycle import FUNDING_WORKFLOW, PROJECT_WORKFLOW
    from netzwerker.domain.tasks.workflow import TASK_WORKFLOW
    from netzwerker.domain.users.models import Role

    workflows = [TASK_WORKFLOW, REFERRAL_WORKFLOW, PROJECT_WORKFLOW, FUNDING_WORKFLOW]
    workflows += [item.value for item in deployment.registry.workflows.values()]
    with deployment.session() as session:
        fields = set(session.scalars(sa.select(WorkingFieldRecord.key)))
    states = {state for workflow in workflows for state in workflow.states}
    return fields | states | {role.value for role in Role}


def _raw_keys_read(deployment, logins) -> dict[str, set[str]]:
    """Walk the pages each login reaches (two of each kind): the raw keys a person reads,
    with where."""
    from litestar.testing import TestClient

    from netzwerker.app import create_app
    from netzwerker.testing import WebClient, walk_pages

    keys = _raw_keys(deployment)
    leaks: dict[str, set[str]] = {}
    with TestClient(create_app(deployment)) as client:
        for login in logins:
            client.cookies.clear()
            browser = WebClient(client)
            signed_in = browser.post(
                "/login", {"username": login.username, "password": login.password, "next": "/"}
            )
            assert signed_in.status_code == 200, signed_in.text
            for path, answer, parts in walk_pages(browser, per_route=2):
                assert answer.status_code < 500, path
                if parts is None or answer.status_code >= 400:
                    continue
                prose = DATA_NAMES.sub("", parts.prose)
                words = set(re.findall(r"[\w:]+", prose))
                for key in (words & keys) | set(JOINED_KEY.findall(prose)):
                    if key != login.username:
                        leaks.setdefault(key, set()).add(f"{login.role} {path}")
    return {key: set(sorted(where)[:3]) for key, where in leaks.items()}


@pytest.mark.parametrize("name", SHIPPED)
def test_every_page_of_a_shipped_deployment_reads_as_german(shipped, name):
    """Every value a person reads is a name, a sentence or a number: no key of a working
    field, a state or a role, as each role walks the pages."""
    from netzwerker.demo import create_logins

    deployment = shipped(name)
    with deployment.transaction() as session:
        logins = create_logins(session)
    assert _raw_keys_read(deployment, logins) == {}


def test_every_page_of_the_demo_reads_as_german(example_copy, database_url, monkeypatch):
    from netzwerker.demo import run_demo

    monkeypatch.setenv("DATABASE_URL", database_url)
    logins = run_demo(example_copy, seed=7, echo=lambda line: None)
    deployment = load(example_copy, database_url=database_url)
    try:
        assert _raw_keys_read(deployment, logins) == {}
    finally:
        deployment.dispose()


@pytest.mark.parametrize(
    ("name", "indicator"),
    [("warendorf", "referrals_sent"), ("magdeburg", "project_ideas")],
)
def test_a_seeds_evaluation_reports_the_years_of_its_document_by_default(shipped, name, indicator):
    from netzwerker.domain.evaluation.services import evaluation_of

    deployment = shipped(name)
    info = deployment.config.deployment
    evaluation = evaluation_of(deployment, None, None, actor=OPERATOR)
    assert (evaluation.period.start, evaluation.period.end) == (info.period_start, info.period_end)
    values = {reading.indicator: reading.value for reading in evaluation.network}
    assert values.get(indicator), values
