"""Pytest fixtures for netzwerker and for plugin authors (loaded through ``pytest11``).

* ``database_url``: an empty database of its own for each test: a SQLite file, or, when the
  environment names a PostgreSQL server in ``DATABASE_URL``, a fresh database on it that is
  dropped afterwards, so runs never see each other's data.
* ``make_deployment(toml=…, files=…, migrate=…)``: writes a deployment folder and loads it on
  that database; a migrated one starts from a copy of a database migrated once per
  configuration in the session (``migrated_templates``).
* ``deployment``: a migrated deployment with the ``health`` plugin, ready for services.
* ``sample_network(session)``: a jobcenter, a coordinator, two partners and a circle.
* ``install_plugin(name, source)``: installs a throwaway plugin distribution with an entry
  point, so loading goes through the same mechanism as a real package.
* ``api``: the deployment's web app in Litestar's test client, with the sample network and a
  token per role (``api.get(path, as_="partner_member")``).
* ``snapshot(deployment)``: every row of every table, to assert that a refused request
  changed nothing.
* ``OPERATOR``: who a test's set-up acts as when it calls a service (an admin's rights).

Hypothesis runs under the profile ``netzwerker``, without deadlines: CI machines are shared,
and a property is about what the code does, not how fast a machine does it. A test that
needs another profile loads it itself.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import shutil
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from netzwerker import schema
from netzwerker.db import normalise_url
from netzwerker.deployment import Deployment, load
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.users.permissions import Actor

try:
    from hypothesis import settings as hypothesis_settings
except ImportError:  # a plugin's tests may not use hypothesis at all
    pass
else:
    hypothesis_settings.register_profile("netzwerker", deadline=None)
    hypothesis_settings.load_profile("netzwerker")

#: Who a test's set-up acts as when it calls a service: an operator, with an admin's rights.
OPERATOR = Actor.operator("test")

MINIMAL_CONFIG = """
[deployment]
name = "Jobcenter Teststadt"
region = "Landkreis Test"

[plugins.health]

[[working_fields]]
key = "debt"
name = "Schulden"
"""

#: A deployment with all five built-in plugins enabled together.
ALL_PLUGINS_CONFIG = """
[deployment]
name = "Jobcenter Alle Felder"
[plugins.health]
[plugins.debt]
[plugins.migration]
[plugins.single_parents]
[plugins.transnational]
"""


def server_url() -> str | None:
    """The PostgreSQL server the suite runs against, if the environment names one."""
    url = os.environ.get("DATABASE_URL")
    return url if url and url.startswith(("postgres", "postgresql")) else None


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Passwords in tests are hashed with argon2's least costly parameters: a web test signs
    in five users, and the production cost (a tenth of a second each) adds up over a suite.
    The parameters travel in each hash, so checking a password works the same way."""
    from argon2 import PasswordHasher

    from netzwerker.domain.users import services

    production = services._hasher
    services._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    services._hasher = production


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    with scratch_database(tmp_path) as url:
        yield url


@contextmanager
def scratch_database(folder: Path, name: str = "test") -> Iterator[str]:
    """An empty database for a test: a SQLite file in ``folder``, or a database of its own on
    the PostgreSQL server of ``DATABASE_URL``, dropped afterwards."""
    server = server_url()
    if server is None:
        yield f"sqlite:///{folder / f'{name}.db'}"
        return
    database = f"test_{uuid.uuid4().hex[:12]}"
    with _server_admin(server) as admin:
        admin.execute(sa.text(f'CREATE DATABASE "{database}"'))
    try:
        yield normalise_url(server).set(database=database).render_as_string(hide_password=False)
    finally:
        with _server_admin(server) as admin:
            admin.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@contextmanager
def _server_admin(server: str) -> Iterator[sa.Connection]:
    """A connection to the PostgreSQL server that may create and drop databases."""
    engine = sa.create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


@attrs.define
class MigratedTemplates:
    """Databases migrated once per configuration in a test session, and copied for each test
    that asks for a migrated deployment: a SQLite file copied, a PostgreSQL database created
    from its template. Migrating takes a second on PostgreSQL, copying a tenth of that."""

    folder: Path
    #: The PostgreSQL server of the session (tests point ``DATABASE_URL`` at their own
    #: database), or None for SQLite.
    server: str | None = attrs.Factory(server_url)
    made: dict[str, str] = attrs.Factory(dict)

    def migrate(self, deployment: Deployment) -> None:
        """Give ``deployment`` (on an empty scratch database) the migrated database of its
        configuration and enabled plugins."""
        key = self._key(deployment)
        if key not in self.made:
            self.made[key] = self._make(deployment, key)
        deployment.dispose()
        target = sa.make_url(deployment.database_url)
        if self.server is None:
            shutil.copyfile(self.made[key], str(target.database))
            return
        with _server_admin(self.server) as admin:
            admin.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            admin.execute(
                sa.text(f'CREATE DATABASE "{target.database}" TEMPLATE "{self.made[key]}"')
            )

    def drop(self) -> None:
        if self.server is None:
            return
        with _server_admin(self.server) as admin:
            for database in self.made.values():
                admin.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))

    @staticmethod
    def _key(deployment: Deployment) -> str:
        # The configuration, and where each enabled plugin's code lives: a plugin a test
        # installed for itself is never shared.
        plugins = sorted(
            (name, str(getattr(module, "__file__", "")))
            for name, module in deployment.manager.list_name_plugin()
        )
        text = (deployment.folder / "deployment.toml").read_text(encoding="utf-8")
        return hashlib.sha256(repr((text, plugins)).encode()).hexdigest()[:16]

    def _make(self, deployment: Deployment, key: str) -> str:
        if self.server is None:
            path = self.folder / f"{key}.db"
            url = f"sqlite:///{path}"
            made = str(path)
        else:
            made = f"template_{key}_{uuid.uuid4().hex[:6]}"
            with _server_admin(self.server) as admin:
                admin.execute(sa.text(f'CREATE DATABASE "{made}"'))
            url = (
                normalise_url(self.server).set(database=made).render_as_string(hide_password=False)
            )
        template = load(deployment.folder, database_url=url)
        try:
            migrate_deployment(template)
        finally:
            template.dispose()
        return made


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedTemplates]:
    templates = MigratedTemplates(tmp_path_factory.mktemp("migrated"))
    yield templates
    templates.drop()


MakeDeployment = Callable[..., Deployment]


@pytest.fixture
def make_deployment(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    migrated_templates: MigratedTemplates,
) -> Iterator[MakeDeployment]:
    """Factory: ``make_deployment(toml=MINIMAL_CONFIG, files={"partners.csv": "…"})``.

    ``DATABASE_URL`` is pointed at the test's own database, so commands run in the test
    (``CliRunner``) use it too.
    """
    monkeypatch.setenv("DATABASE_URL", database_url)
    made: list[Deployment] = []

    def factory(
        toml: str = MINIMAL_CONFIG,
        files: dict[str, str] | None = None,
        folder: str = "deployment",
        migrate: bool = False,
    ) -> Deployment:
        path = tmp_path / folder
        path.mkdir(exist_ok=True)
        (path / "deployment.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
        for name, content in (files or {}).items():
            (path / name).write_text(textwrap.dedent(content), encoding="utf-8")
        deployment = load(path, database_url=database_url)
        # The test's database is empty until its first deployment: only then may it be a
        # copy; a later deployment on it migrates what the earlier ones left.
        fresh = not made
        made.append(deployment)
        if migrate and fresh:
            migrated_templates.migrate(deployment)
        elif migrate:
            migrate_deployment(deployment)
        return deployment

    yield factory
    for deployment in made:
        deployment.dispose()


def migrate_deployment(deployment: Deployment) -> None:
    """What ``netzwerker migrate`` does: schema to head, working fields and goals stored."""
    schema.migrate(deployment)


@pytest.fixture
def deployment(make_deployment: MakeDeployment) -> Deployment:
    """A migrated deployment with the health plugin and a declared 'debt' field."""
    return make_deployment(migrate=True)


@pytest.fixture
def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """Factory: ``install_plugin("fancy", "from netzwerker import hookimpl\\n…")``.

    Writes a module and a ``.dist-info`` with an entry point in group ``netzwerker`` onto
    ``sys.path``; ``requires`` lists the distribution's requirements (its compatibility).
    """
    site = tmp_path / "site-packages"
    site.mkdir(exist_ok=True)
    monkeypatch.syspath_prepend(str(site))

    def factory(
        name: str, source: str, *, version: str = "1.0", requires: tuple[str, ...] = ()
    ) -> str:
        module = f"netzwerker_test_{name}"
        (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        dist_info = site / f"netzwerker_test_{name}-{version}.dist-info"
        dist_info.mkdir()
        requirements = "".join(f"Requires-Dist: {r}\n" for r in requires)
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: netzwerker-test-{name}\nVersion: {version}\n"
            f"Summary: test plugin {name}\n{requirements}",
            encoding="utf-8",
        )
        (dist_info / "entry_points.txt").write_text(
            f"[netzwerker]\n{name} = {module}\n", encoding="utf-8"
        )
        importlib.invalidate_caches()
        sys.modules.pop(module, None)
        return module

    return factory


@attrs.frozen
class Network:
    """A small network for tests: the jobcenter with a coordinator, partners, one circle."""

    jobcenter: Partner
    coordinator: Person
    clinic: Partner
    counselling: Partner
    counsellor: Person
    circle: Circle


def sample_network(session: Session) -> Network:
    """Store a small network (requires a migrated deployment with the health field)."""
    jobcenter = Partner(key="jobcenter", name="Jobcenter Teststadt", kind="jobcenter")
    clinic = Partner(key="klinik", name="Fachklinik Teststadt", kind="clinic")
    counselling = Partner(
        key="suchtberatung", name="Suchtberatung Teststadt", kind="addiction_counselling"
    )
    session.add_all([jobcenter, clinic, counselling])
    session.flush()
    coordinator = Person(partner_id=jobcenter.id, name="Sabine Netz", role="Netzwerkerin")
    counsellor = Person(partner_id=counselling.id, name="Tom Hilfe", role="Berater")
    from netzwerker.domain.fields.models import WorkingFieldRecord

    # The circle belongs to the health field where the health plugin is enabled.
    field = "health" if session.get(WorkingFieldRecord, "health") is not None else None
    circle = Circle(key="suchtarbeitskreis", name="Suchtarbeitskreis", working_field=field)
    session.add_all([coordinator, counsellor, circle])
    session.flush()
    return Network(jobcenter, coordinator, clinic, counselling, counsellor, circle)


ROLES = ("admin", "coordinator", "partner_member", "viewer", "other_member")


def add_test_users(session: Session, password: str | None = None) -> dict[str, Any]:
    """A user per role of :data:`ROLES`, named like it (``partner-member``…), on the sample
    network: ``partner_member`` works for the counselling service, ``other_member`` for the
    clinic. Without a password they sign in with API tokens only."""
    from netzwerker.domain.users.models import Role
    from netzwerker.domain.users.services import UserDraft, add_user

    partners = {"partner_member": "suchtberatung", "other_member": "klinik"}
    users = {}
    for name in ROLES:
        role = Role.PARTNER_MEMBER if name in partners else Role(name)
        draft = UserDraft(
            name.replace("_", "-"),
            role,
            display_name=name.replace("_", " ").title(),
            partner=partners.get(name),
            password=password,
        )
        users[name] = add_user(session, draft, actor=OPERATOR)
    return users


@attrs.define
class Api:
    """A test client signed in per role: ``partner_member`` works for the counselling
    service (responsible for ``task``), ``other_member`` for the clinic."""

    client: Any
    deployment: Deployment
    network: Network
    tokens: dict[str, str]
    task_id: int

    def headers(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    def request(self, method: str, path: str, as_: str | None = "coordinator", **kw: Any) -> Any:
        headers = {**self.headers(as_), **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, path: str, as_: str | None = "coordinator", **kw: Any) -> Any:
        return self.request("GET", path, as_, **kw)

    def post(self, path: str, as_: str | None = "coordinator", **kw: Any) -> Any:
        return self.request("POST", path, as_, **kw)

    def patch(self, path: str, as_: str | None = "coordinator", **kw: Any) -> Any:
        return self.request("PATCH", path, as_, **kw)


@pytest.fixture
def api(deployment: Deployment) -> Iterator[Api]:
    from datetime import timedelta

    from litestar.testing import TestClient

    from netzwerker.app import create_app
    from netzwerker.domain.tasks.services import TaskDraft, create_task
    from netzwerker.domain.users.services import create_token

    with deployment.transaction() as session:
        network = sample_network(session)
        tokens = {
            name: create_token(session, user, "test", actor=OPERATOR).secret
            for name, user in add_test_users(session).items()
        }
        task = create_task(
            session,
            TaskDraft(
                title="Erstgespräche innerhalb von 14 Tagen",
                working_field=network.circle.working_field or _any_field(session),
                responsible_partner_id=network.counselling.id,
                accountable_person_id=network.coordinator.id,
                due_date=deployment.today() + timedelta(days=10),
            ),
            actor="test",
        )
    with TestClient(create_app(deployment)) as client:
        yield Api(client, deployment, network, tokens, task.id)


def _any_field(session: Session) -> str:
    from sqlmodel import col, select

    from netzwerker.domain.fields.models import WorkingFieldRecord

    key = session.exec(select(col(WorkingFieldRecord.key)).order_by(col(WorkingFieldRecord.key)))
    return key.one()


#: What signing in and out leaves in the database: the audit log's record of it and the
#: count of failures. A snapshot leaves it out, so that a test may sign a browser in between
#: two snapshots that compare what a request changed.
SIGNING_IN = "user.sign_"
#: Tables of the browsing itself (sessions, failed sign-ins), which every request may touch.
BOOKKEEPING = frozenset({"sign_in_throttle", "web_session"})


def snapshot(deployment: Deployment) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order; without the records of signing in and
    out (:data:`SIGNING_IN`, :data:`BOOKKEEPING`) and a token's last use."""
    from sqlmodel import SQLModel

    import netzwerker.models  # noqa: F401  (every core table in the metadata)

    rows = {}
    with deployment.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            if sa.inspect(connection).has_table(table.name):
                # A token's last use is bookkeeping of the request itself, not a change by it.
                columns = [c for c in table.columns if c.name != "last_used_at"]
                query = sa.select(*columns).order_by(*table.primary_key.columns)
                if table.name == "audit_event":
                    query = query.where(sa.not_(table.c.action.startswith(SIGNING_IN)))
                rows[table.name] = [tuple(row) for row in connection.execute(query)]
    return rows


def check_workflow_walks(workflow: Any) -> None:
    """A hypothesis property for plugin tests: no sequence of allowed transitions leaves the
    machine in an undefined state, an end state is left by nothing, and from every state
    reached an end state can still be reached.

    Example::

        def test_my_workflow_walks():
            check_workflow_walks(my_workflow(MySettings()))
    """
    from hypothesis import given, settings
    from hypothesis import strategies as st

    assert workflow.problems() == []

    @settings(max_examples=200)
    @given(st.lists(st.integers(min_value=0, max_value=1000), max_size=40))
    def walk(choices: list[int]) -> None:
        state = workflow.initial
        for choice in choices:
            allowed = workflow.allowed(state)
            if not allowed:
                assert state in workflow.final, f"stuck in {state!r}"
                return
            transition = allowed[choice % len(allowed)]
            if transition.guard is None:
                state = workflow.apply(state, transition.name, reason="weil")
            else:  # guards look at stored data: the plugin's own tests cover them
                state = transition.target
            assert state in workflow.states
            assert workflow.reachable(state) & workflow.final, f"no way out of {state!r}"

    walk()


@attrs.define
class ServerProcess:
    """A ``netzwerker serve`` process; ``output`` holds its log once it has stopped."""

    address: str
    output: str = ""


@contextmanager
def running_server(folder: Path, workers: int = 1) -> Iterator[ServerProcess]:
    """Start ``netzwerker serve`` for a deployment on a free loopback port (with
    ``workers`` processes), wait until it answers, and stop it afterwards. Used for tests
    that need real, parallel requests."""
    import signal
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "netzwerker",
            "serve",
            str(folder),
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = ServerProcess(f"http://127.0.0.1:{port}")
    try:
        # A shared, loaded machine may take long to start a server: wait up to a minute.
        for _ in range(600):
            if process.poll() is not None:
                pytest.fail(f"the server stopped: {process.stdout.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{server.address}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer within a minute")
        yield server
    finally:
        process.send_signal(signal.SIGINT)
        try:
            server.output, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            server.output, _ = process.communicate()


#: The password of every user the ``web`` fixture signs in.
WEB_PASSWORD = "ein-langes-testpasswort"


@attrs.define
class WebClient:
    """A browser-like test client: keeps cookies and sends the CSRF token with every form."""

    client: Any

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        if self.client.cookies.get("netzwerker_csrf") is None:
            self.client.get("/login")
        form = {"_csrf_token": self.client.cookies.get("netzwerker_csrf"), **(data or {})}
        return self.client.post(path, data=form, **kw)


class PageParts(HTMLParser):
    """What a person reads on a page (its text, and the labels of its controls and
    pictures), its ids, and its references (links, forms, scripts). ``prose`` leaves out
    what the page shows as code (``<code>``, ``<kbd>``): names to be typed as they are."""

    #: Attributes a screen reader or a tooltip reads out.
    READ = ("aria-label", "title", "alt", "placeholder")
    HIDDEN = ("script", "style", "template")
    CODE = ("code", "kbd")

    def __init__(self, page: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.references: list[str] = []
        self._texts: list[tuple[str, bool]] = []
        self._hidden = 0
        self._code = 0
        self.feed(page)

    @property
    def text(self) -> str:
        return " ".join(" ".join(text for text, _ in self._texts).split())

    @property
    def prose(self) -> str:
        return " ".join(" ".join(text for text, code in self._texts if not code).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in self.HIDDEN
        self._code += tag in self.CODE
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)
            if name in ("href", "src", "action") and value is not None:
                self.references.append(value)
            if name in self.READ and value:
                self._texts.append((value, False))

    def handle_endtag(self, tag: str) -> None:
        self._hidden = max(0, self._hidden - (tag in self.HIDDEN))
        self._code = max(0, self._code - (tag in self.CODE))

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._texts.append((data, self._code > 0))


#: What a walk finds on a page (:func:`walk`).
T = TypeVar("T")

#: Downloads and the link that ends the session are not pages to walk.
NOT_PAGES = re.compile(r"\.(csv|ics|json|xlsx|zip|png|svg|css|js)(\?|$)|^/static/|^/logout|^/api/")


def walk_pages(
    browser: WebClient, start: str = "/", *, per_route: int | None = None, limit: int = 400
) -> Iterator[tuple[str, Any, PageParts | None]]:
    """Every page reachable by links (and form addresses) from ``start``, breadth first:
    ``(path, answer, parts)``, parts ``None`` for what is not HTML. ``per_route`` visits at
    most that many pages of one shape (numbers and the key after a section's name count as
    one), so that a network of 150 partners is walked through a few of them."""

    def visit(path: str) -> tuple[tuple[Any, PageParts | None], Iterable[str]]:
        answer = browser.get(path)
        html = "text/html" in answer.headers.get("content-type", "")
        parts = PageParts(answer.text) if html else None
        return (answer, parts), parts.references if parts else ()

    for path, (answer, parts) in walk(
        visit, route_shapes(browser.client.app), start, per_route=per_route, limit=limit
    ):
        yield path, answer, parts


def walk(
    visit: Callable[[str], tuple[T, Iterable[str]]],
    shape_of: Callable[[str], str],
    start: str = "/",
    *,
    per_route: int | None = None,
    limit: int = 400,
) -> Iterator[tuple[str, T]]:
    """Breadth first from ``start``: ``visit(path)`` gives what it found there and the
    addresses the page refers to; ``(path, found)`` for each page, at most ``per_route`` of
    one shape (``shape_of``, e.g. :func:`route_shapes`), at most ``limit`` in all. A test
    client and a real browser walk the same way."""
    seen, queue = {start}, [start]
    shapes: dict[str, int] = {}
    while queue and len(seen) <= limit:
        path = queue.pop(0)
        found, references = visit(path)
        yield path, found
        for reference in references:
            target = reference.split("#")[0]
            if not target.startswith("/") or NOT_PAGES.search(target) or target in seen:
                continue
            shape = shape_of(target.split("?")[0])
            if per_route is not None and shapes.get(shape, 0) >= per_route:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            seen.add(target)
            queue.append(target)


def route_shapes(app: Any) -> Callable[[str], str]:
    """A path's route, as the app's route table writes it (``/partners/{key:str}``)."""
    kinds = {"int": r"\d+", "path": r".*"}
    routes = sorted(
        (route.path for route in app.routes),
        key=lambda template: template.count("{"),  # a fixed path before a parameter
    )
    patterns = [
        (
            re.compile(
                "^"
                + re.sub(
                    r"\\\{\w+:(\w+)\\\}",
                    lambda match: kinds.get(match.group(1), "[^/]+"),
                    re.escape(template),
                )
                + "$"
            ),
            template,
        )
        for template in routes
    ]

    def shape(path: str) -> str:
        return next((template for pattern, template in patterns if pattern.match(path)), path)

    return shape


@attrs.define
class Web:
    """The web interface of a deployment with the sample network, a user per role (password
    :data:`WEB_PASSWORD`) and two tasks: ``overdue_task_id`` for the counselling service (five
    days overdue) and ``clinic_task_id`` for the clinic."""

    app: Any
    deployment: Deployment
    network: Network
    overdue_task_id: int
    clinic_task_id: int
    _clients: list[Any] = attrs.Factory(list)

    def anonymous(self) -> WebClient:
        from litestar.testing import TestClient

        # One app serves every client; only the first runs its lifespan.
        client = TestClient(self.app)
        if not self._clients:
            client.__enter__()
        self._clients.append(client)
        return WebClient(client)

    def sign_in(self, role: str = "coordinator") -> WebClient:
        """A client signed in as the test user of ``role`` (one of :data:`ROLES`)."""
        browser = self.anonymous()
        answer = browser.post(
            "/login",
            {"username": role.replace("_", "-"), "password": WEB_PASSWORD, "next": "/"},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return browser

    def close(self) -> None:
        if self._clients:
            self._clients[0].__exit__(None, None, None)


def web_network(deployment: Deployment) -> tuple[Network, int, int]:
    """Store the sample network, the web users and the two tasks of :class:`Web`."""
    from datetime import timedelta

    from netzwerker.domain.tasks.services import TaskDraft, create_task

    today = deployment.today()
    with deployment.transaction() as session:
        network = sample_network(session)
        add_test_users(session, WEB_PASSWORD)
        field = network.circle.working_field or _any_field(session)
        overdue = create_task(
            session,
            TaskDraft(
                title="Erstgespräche innerhalb von 14 Tagen anbieten",
                working_field=field,
                responsible_partner_id=network.counselling.id,
                accountable_person_id=network.coordinator.id,
                due_date=today - timedelta(days=5),
            ),
            actor="test",
        )
        clinic = create_task(
            session,
            TaskDraft(
                title="Entlassmanagement mit dem Jobcenter abstimmen",
                working_field=field,
                responsible_partner_id=network.clinic.id,
                accountable_circle_id=network.circle.id,
                due_date=today + timedelta(days=3),
            ),
            actor="test",
        )
    return network, overdue.id, clinic.id


@pytest.fixture
def web(deployment: Deployment) -> Iterator[Web]:
    from netzwerker.app import create_app

    network, overdue_id, clinic_id = web_network(deployment)
    site = Web(create_app(deployment), deployment, network, overdue_id, clinic_id)
    yield site
    site.close()
