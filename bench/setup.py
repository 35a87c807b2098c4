"""A benchmark deployment: a folder with every plugin enabled, a fresh database, the data."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import attrs
import psycopg
import sqlalchemy as sa

from bench.generate import Generated, Scale, generate
from netzwerker.deployment import Deployment, load
from netzwerker.domain.users.models import Role
from netzwerker.domain.users.permissions import Actor
from netzwerker.domain.users.services import UserDraft, add_user, create_token
from netzwerker.schema import migrate

ROOT = Path(__file__).resolve().parent.parent
#: The example's configuration: all five plugins, declared working fields and goals.
TEMPLATE = ROOT / "deployments" / "example" / "deployment.toml"


@attrs.frozen
class BenchDeployment:
    folder: Path
    deployment: Deployment
    generated: Generated
    token: str


def database_url(database: str, run: str, folder: Path, postgres: str) -> str:
    """A fresh, empty database for one run; on PostgreSQL one named after the run."""
    if database == "sqlite":
        (folder / "netzwerker.db").unlink(missing_ok=True)
        return ""
    name = f"netzwerker_bench_{run.lower()}"
    admin = sa.make_url(postgres)
    with psycopg.connect(
        admin.set(drivername="postgresql").render_as_string(hide_password=False),
        autocommit=True,
    ) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return admin.set(database=name).render_as_string(hide_password=False)


def write_configuration(folder: Path, url: str) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    text = text.replace('url = ""', f'url = "{url}"', 1)
    start = text.index("[[imports]]")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deployment.toml").write_text(text[:start], encoding="utf-8")


def prepare(
    folder: Path, database: str, scale: Scale, *, today: date, postgres: str, seed: int = 8
) -> BenchDeployment:
    """Configuration, schema, data and a coordinator's API token."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    write_configuration(folder, database_url(database, scale.name, folder, postgres))
    deployment = load(folder)
    migrate(deployment)
    generated = generate(deployment.engine, scale, today=today, seed=seed)
    with deployment.transaction() as session:
        user = add_user(
            session,
            UserDraft("koordination", Role.COORDINATOR, person_id=generated.coordinator_person),
            actor=Actor.operator("bench"),
        )
        token = create_token(session, user, "benchmark", actor=Actor.operator("bench")).secret
    return BenchDeployment(folder, deployment, generated, token)
