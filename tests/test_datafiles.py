"""Network data files: every section loads through the services; a wrong key is reported with
its place in the file, and a file with a problem writes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from netzwerker.cli import cli
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.partners.models import Person
from netzwerker.domain.projects.models import FundingApplication, Project
from netzwerker.domain.tasks.models import Task

PARTNERS = """key;name;kind;working_fields
jc;Jobcenter Beispiel;jobcenter;health
sucht;Suchtberatung Beispiel;charity;health
"""

NETWORK = """
[[people]]
partner = "jc"
name = "Erika Muster"
role = "Netzwerkerin"

[[circles]]
key = "ak_sucht"
name = "Suchtarbeitskreis"
working_field = "health"
lead = "jc"
partners = ["jc", "sucht"]
people = ["Erika Muster"]
founded_on = 2011-03-01

[[projects]]
key = "bela"
project_type = "network_project"
title = "Projekt BeLa"
working_field = "health"
partners = [{ partner = "jc", role = "lead" }, { partner = "sucht" }]
people_reached = 120
recorded_on = 2011-04-01
funding = [{ source = "esf", requested = "50000", submitted_on = 2011-05-01, decision = "grant_partially", granted = "40000", decided_on = 2011-07-01 }]
moves = ["conceive", "apply_for_funding", "launch"]

[[tasks]]
title = "Konzept Beratungseinheit vorlegen"
working_field = "health"
responsible = "sucht"
circle = "ak_sucht"
due_date = 2011-09-30
recorded_on = 2011-06-01
moves = ["commit", { action = "start", on = 2011-07-01 }, { action = "complete", on = 2011-09-15 }]
"""


CONFIG = """
[deployment]
name = "Jobcenter Beispiel"
timezone = "Europe/Berlin"

[plugins.health]

[[imports]]
kind = "partners"
path = "partners.csv"

[[imports]]
kind = "network"
path = "network.toml"
"""


@pytest.fixture
def make(make_deployment):
    def factory(network: str = NETWORK):
        return make_deployment(
            CONFIG, files={"partners.csv": PARTNERS, "network.toml": network}, migrate=True
        )

    return factory


def run(deployment, *args: str):
    return CliRunner().invoke(cli, [args[0], str(deployment.folder), *args[1:]])


def counts(deployment) -> dict[str, int]:
    with deployment.session() as session:
        return {
            model.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Person, Circle, Project, FundingApplication, Task)
        }


def test_a_network_file_loads_every_section_with_its_history(make):
    deployment = make()
    answer = run(deployment, "import")
    assert answer.exit_code == 0, answer.output
    assert "1 people, 1 circles, 1 projects, 1 tasks" in answer.output
    with deployment.session() as session:
        circle = session.scalar(sa.select(Circle))
        assert circle.founded_on.isoformat() == "2011-03-01"
        project = session.scalar(sa.select(Project))
        assert project.created_at.year == 2011 and project.people_reached == 120
        funding = session.scalar(sa.select(FundingApplication))
        assert (funding.status, funding.granted) == ("partially_granted", 40000)
        assert funding.decided_on.isoformat() == "2011-07-01"
        from netzwerker.domain.projects.services import project_state

        assert project_state(session, project) == "running"
        task = session.scalar(sa.select(Task))
        assert task.status == "done"
        assert task.completed_on.isoformat() == "2011-09-15"
        assert task.accountable_circle_id == circle.id
        assert task.created_at.year == 2011


def test_check_names_a_wrong_key_with_its_place_and_import_writes_nothing(make):
    network = NETWORK.replace('partners = ["jc", "sucht"]', 'partners = ["jc", "caritas"]')
    deployment = make(network)
    answer = run(deployment, "check")
    assert answer.exit_code == 1
    assert "network.toml circles[0].partners[1]: no partner 'caritas'" in answer.output
    before = counts(deployment)
    answer = run(deployment, "import", str(deployment.folder / "network.toml"))
    assert answer.exit_code == 1
    assert "nothing imported" in answer.output
    assert counts(deployment) == before  # the people before the bad circle are not kept


def test_every_problem_of_a_file_is_reported_at_once(make):
    network = NETWORK.replace('role = "lead"', 'role = "boss"').replace(
        "due_date = 2011-09-30", 'due_date = "bald"'
    )
    deployment = make(network + "\n[[workshops]]\nname = 'x'\n")
    answer = run(deployment, "check")
    assert "network.toml workshops: unknown section" in answer.output
    deployment = make(network)
    answer = run(deployment, "check")
    assert "projects[0].partners[0].role" in answer.output
    assert "tasks[0].due_date" in answer.output


def test_a_file_that_is_not_toml_or_not_tables_is_refused(make):
    deployment = make("circles = 3\n")
    assert "expected a list of tables" in run(deployment, "check").output
    deployment = make("[[circles]\n")
    assert "not a readable TOML file" in run(deployment, "check").output


def test_loading_a_network_file_twice_is_refused_without_duplicates(make):
    deployment = make()
    assert run(deployment, "import").exit_code == 0
    before = counts(deployment)
    answer = run(deployment, "import", str(deployment.folder / "network.toml"))
    assert answer.exit_code == 1
    assert "people[0].name: jc has a 'Erika Muster' already" in answer.output
    assert "circles[0].key: a circle 'ak_sucht' exists already" in answer.output
    assert counts(deployment) == before
