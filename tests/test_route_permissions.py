"""Every write route of the API and of the web interface, walked from the app's route table,
as every role: the answer and the database agree with the declared permission matrix.

Each write route names the permission it serves (``guards=permitted(…)``); the services ask
the matrix again about the record. For every route this test holds an example request,
prepared afresh for each role (as an admin, through the API). The example says which of the
matrix's permissions decides it (the route's own unless it names others) and whose record it
touches: ``partner_member`` works for the counselling service, ``other_member`` for the
clinic. Allowed: an answer below 400 and a changed database. Refused: 403 and not one row
changed. A new write route without an example fails the first test, so none is forgotten.
"""

from __future__ import annotations

import base64
import itertools
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import attrs
import pytest

from netzwerker.app import create_app
from netzwerker.clock import utcnow
from netzwerker.deployment import Deployment, load
from netzwerker.domain.calendars.services import create_feed
from netzwerker.domain.mail.models import OutboxMessage
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor, Permission
from netzwerker.domain.users.services import create_token, get_user, list_users, matrix_of
from netzwerker.http.guards import route_permission
from netzwerker.testing import (
    ALL_PLUGINS_CONFIG,
    OPERATOR,
    ROLES,
    WEB_PASSWORD,
    Network,
    Web,
    WebClient,
    scratch_database,
    snapshot,
    web_network,
)
from netzwerker_health.services import RECORD_TRAINING
from netzwerker_single_parents.services import KEEP_COACHING

CONFIG = (
    ALL_PLUGINS_CONFIG
    + """
[appraisal.quality]
criteria = [{ key = "bedarfsgerecht", name = "Bedarfsgerecht", weight = 3.0 }]
[appraisal.priorities]
criteria = [{ key = "bedarf", name = "Bedarf in der Sozialregion", weight = 3.0 }]
"""
)
#: Routes that anyone may reach: signing in and out, and the mail choice behind a signed link.
PUBLIC = {("POST", "/login"), ("POST", "/logout"), ("POST", "/mail/choice/{token:str}")}
#: Former addresses, which redirect every request to the new one (308).
FORMER = {
    ("POST", "/api/workflow-instances"): "/api/workflow-runs",
    ("PATCH", "/api/workflow-instances"): "/api/workflow-runs",
    ("POST", "/api/workflow-instances/{rest:path}"): "/api/workflow-runs/7/commit",
    ("PATCH", "/api/workflow-instances/{rest:path}"): "/api/workflow-runs/7",
    ("POST", "/api/workflows/{key:str}/instances"): "/api/workflows/debt_counselling/runs",
}
WRITES = ("POST", "PATCH", "PUT", "DELETE")


@attrs.define
class World:
    """A deployment with every plugin, the sample network, a user per role with a token and
    a signed-in browser, and helpers that prepare records as an admin."""

    deployment: Deployment
    network: Network
    tokens: dict[str, str]
    browsers: dict[str, WebClient]
    actors: dict[str, Actor]
    client: Any
    numbers: Iterator[int] = attrs.Factory(lambda: itertools.count(1))

    @property
    def today(self) -> date:
        return self.deployment.today()

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{next(self.numbers)}"

    def api(self, method: str, path: str, role: str = "admin", **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        return self.client.request(method, path, headers=headers, **kw)

    def made(self, path: str, body: Any = None, method: str = "POST") -> dict[str, Any]:
        """A record an admin makes through the API for an example to work on."""
        answer = self.api(method, path, json=body)
        assert answer.status_code < 300, f"{method} {path}: {answer.text}"
        return answer.json()

    def version(self, path: str) -> int:
        return self.made(path, method="GET")["version"]

    # Records ---------------------------------------------------------------------------

    def task(self, *moves: str, partner: str = "counselling") -> int:
        net = self.network
        task = self.made(
            "/api/tasks",
            {
                "title": self.unique("Aufgabe"),
                "working_field": "health",
                "responsible_partner_id": getattr(net, partner).id,
                "accountable_person_id": net.coordinator.id,
                "due_date": str(self.today + timedelta(days=10)),
            },
        )
        for move in moves:
            self.made(f"/api/tasks/{task['id']}/{move}", {"reason": "vorbereitet"})
        return task["id"]

    def circle(self) -> int:
        net = self.network
        return self.made(
            "/api/circles",
            {
                "key": self.unique("kreis"),
                "name": self.unique("Arbeitskreis"),
                "lead_partner_id": net.jobcenter.id,
                "partners": [net.clinic.id, net.counselling.id],
            },
        )["id"]

    def meeting(self) -> int:
        starts = (utcnow() + timedelta(days=7)).replace(microsecond=0)
        return self.made(
            "/api/meetings",
            {"circle_id": self.circle(), "title": "Sitzung", "starts_at": starts.isoformat()},
        )["id"]

    def conference(self) -> int:
        starts = utcnow() + timedelta(days=30)
        return self.made(
            "/api/conferences",
            {
                "key": self.unique("fachtag"),
                "title": "Fachtag",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=6)).isoformat(),
                "capacity": 50,
            },
        )["id"]

    def registration(self) -> tuple[int, int]:
        """A registration the counselling service made for its own people."""
        conference = self.conference()
        answer = self.api(
            "POST",
            f"/api/conferences/{conference}/registrations",
            "partner_member",
            json=self.person(),
        )
        assert answer.status_code == 201, answer.text
        return conference, answer.json()["id"]

    def person(self) -> dict[str, str]:
        name = self.unique("teilnahme")
        return {"name": name, "email": f"{name}@example.org"}

    def offer(self, partner: str = "counselling") -> int:
        return self.made("/api/offers", self.offer_body(partner))["id"]

    def offer_body(self, partner: str = "counselling") -> dict[str, Any]:
        return {
            "key": self.unique("angebot"),
            "title": "Suchtberatung",
            "partner_id": getattr(self.network, partner).id,
            "target_groups": ["Langzeitarbeitslose"],
            "problem_areas": ["Sucht"],
        }

    def need_body(self) -> dict[str, Any]:
        return {
            "target_group": "Familien",
            "problem_area": "Wohnen",
            "people": 5,
            "period_start": f"{self.today.year}-01-01",
            "period_end": f"{self.today.year}-12-31",
        }

    def case(self, holder: str | None = None) -> int:
        """A case; ``holder``: the partner whose person works on it."""
        workers = []
        if holder == "counselling":
            workers = [{"person_id": self.network.counsellor.id, "role": "scout"}]
        return self.made(
            "/api/cases",
            {"pseudonym": self.unique("F"), "working_field": "health", "workers": workers},
        )["id"]

    def consent(self, case: int, partner: str) -> int:
        return self.made(
            f"/api/cases/{case}/consents",
            {
                "partner_id": getattr(self.network, partner).id,
                "purpose": "Beratung",
                "categories": ["basic", "health"],
            },
        )["id"]

    def referral(
        self, *moves: str, sender: str = "jobcenter", receiver: str = "counselling"
    ) -> int:
        case = self.case(holder="counselling" if sender == "counselling" else None)
        self.consent(case, receiver)
        net = self.network
        referral = self.made(
            "/api/referrals",
            {
                "case_id": case,
                "from_partner_id": getattr(net, sender).id,
                "to_partner_id": getattr(net, receiver).id,
            },
        )
        for move in moves:
            self.made(f"/api/referrals/{referral['id']}/{move}", {"reason": "vorbereitet"})
        return referral["id"]

    def chain(self, agreed: bool = False) -> int:
        net = self.network
        chain = self.made(
            "/api/service-chains",
            {
                "key": self.unique("kette"),
                "name": self.unique("Kette"),
                "target_group": "Langzeitarbeitslose",
                "working_field": "health",
                "steps": [
                    {
                        "title": "Beratung",
                        "partner_id": net.counselling.id,
                        "legal_domain": "SGB II",
                    },
                    {"title": "Klinik", "partner_id": net.clinic.id, "legal_domain": "SGB V"},
                ],
            },
        )
        if agreed:
            for partner in (net.counselling, net.clinic):
                self.made(
                    f"/api/service-chains/{chain['id']}/agreements",
                    {"partner_id": partner.id, "agreed_by": "Leitung"},
                )
        return chain["id"]

    def chain_start(self) -> dict[str, Any]:
        case = self.case()
        self.consent(case, "counselling")
        self.consent(case, "clinic")
        return {"case_id": case, "from_partner_id": self.network.jobcenter.id}

    def chain_instance(self, contacted: bool = False) -> int:
        instance = self.made(
            f"/api/service-chains/{self.chain(agreed=True)}/instances", self.chain_start()
        )
        if contacted:
            referrals = self.made(
                f"/api/referrals?chain_instance_id={instance['id']}", method="GET"
            )
            referral = referrals["items"][0]["id"]
            for move in ("accept", "record_first_contact"):
                self.made(f"/api/referrals/{referral}/{move}", {})
        return instance["id"]

    def project_body(self) -> dict[str, Any]:
        return {
            "key": self.unique("projekt"),
            "title": "Alkoholprävention",
            "project_type": "prevention_offer",
            "details": {"topic": "Alkohol", "sessions": 6},
        }

    def project(self) -> int:
        return self.made("/api/projects", self.project_body())["id"]

    def funding(self, project: int) -> int:
        return self.made(
            f"/api/projects/{project}/funding", {"source": "esf", "requested": "1000"}
        )["id"]

    def run(self) -> int:
        """A run of the health plugin's workflow that the counselling service holds."""
        return self.made(
            "/api/workflows/health_addiction_chain/runs",
            {"subject": self.unique("F"), "partner_id": self.network.counselling.id},
        )["id"]

    def household(self) -> int:
        return self.made("/api/single_parents/households", self.household_body())["id"]

    def household_body(self) -> dict[str, Any]:
        """A household with a coach of its own: a coach takes ten at most."""
        coach = self.made("/api/partners/jobcenter/contacts", {"name": self.unique("Coach")})
        return {"reference": self.unique("BG"), "coach_person_id": coach["id"]}

    def user(self) -> int:
        return self.made("/api/users", {"username": self.unique("nutzer"), "role": "viewer"})["id"]

    def user_id(self, role: str) -> int:
        return self.actors[role].user_id  # type: ignore[return-value]

    def mail_addresses(self) -> None:
        """Give every test user an address, so that each may choose its mails."""
        with self.deployment.transaction() as session:
            for role in ROLES:
                user = get_user(session, self.user_id(role))
                user.email = user.email or f"{user.username}@test.example"

    def feed(self, *, role: str | None = None, partner: str | None = None) -> int:
        """A new calendar feed of the user of ``role`` or of a partner of the network."""
        owner = (
            {"user_id": self.user_id(role)}
            if role
            else {"partner_id": getattr(self.network, partner or "").id}
        )
        with self.deployment.transaction() as session:
            return create_feed(session, actor=OPERATOR, **owner).feed.id

    def failed_mail(self) -> int:
        with self.deployment.transaction() as session:
            mail = OutboxMessage(
                key=self.unique("mail"),
                recipient="weg@test.example",
                subject="Aufgabe",
                body_text="…",
                status="failed",
                attempts=1,
                last_error="550 unbekannt",
            )
            session.add(mail)
            session.flush()
            return mail.id

    def token_of(self, role: str) -> int:
        """A new token of the user of ``role``."""
        with self.deployment.transaction() as session:
            user = get_user(session, self.user_id(role))
            return create_token(session, user, self.unique("token"), actor=OPERATOR).token.id  # type: ignore[return-value]


@attrs.frozen
class Sent:
    """A request an example sends: a path and a JSON body, a form, or files."""

    path: str
    json: Any = None
    form: dict[str, Any] | None = None
    files: dict[str, Any] | None = None


@attrs.frozen
class Example:
    method: str
    route: str
    name: str
    prepare: Callable[[World], Sent]
    #: The permissions that decide (all must allow); the route's own when empty.
    decides: tuple[Permission, ...] = ()
    #: Whose partner's record it touches (a role of :data:`ROLES`); None: no one's.
    owner: str | None = "partner_member"
    #: Whose user's record it touches (tokens), instead of a partner's.
    owner_user: str | None = None
    #: The route's ``action`` path parameter, where it has one.
    action: str | None = None
    #: Whether an allowed request changes the database (a preview does not).
    writes: bool = True

    @property
    def web(self) -> bool:
        return not self.route.startswith("/api/")


def api(method: str, route: str, name: str, prepare: Callable[[World], Sent], **kw: Any) -> Example:
    return Example(method, route, name, prepare, **kw)


def _reason(world: World, path: str) -> Sent:
    return Sent(path, json={"reason": "Grund"})


TASK_MOVES = {
    "commit": (),
    "start": ("commit",),
    "complete": ("commit", "start"),
    "decline": (),
    "block": ("commit", "start"),
    "resume": ("commit", "start", "block"),
    "cancel": (),
}
REFERRAL_MOVES = {
    "accept": ((), "jobcenter"),
    "record_first_contact": (("accept",), "jobcenter"),
    "close": (("accept", "record_first_contact"), "jobcenter"),
    "decline": ((), "jobcenter"),
    "withdraw": ((), "counselling"),
}


def _task_move(action: str, web: bool) -> Example:
    before = TASK_MOVES[action]

    def prepare(world: World) -> Sent:
        task = world.task(*before)
        path = f"/tasks/{task}/{action}" if web else f"/api/tasks/{task}/{action}"
        return Sent(path, form={"reason": "Grund"}) if web else Sent(path, json={"reason": "Grund"})

    route = "/tasks/{task_id:int}/{action:str}" if web else "/api/tasks/{task_id:int}/{action:str}"
    return Example("POST", route, f"task {action}", prepare, action=action)


def _referral_move(action: str, web: bool) -> Example:
    before, sender = REFERRAL_MOVES[action]

    def prepare(world: World) -> Sent:
        referral = world.referral(
            *before, sender=sender, receiver="counselling" if sender == "jobcenter" else "clinic"
        )
        if web:
            return Sent(
                f"/referrals/{referral}/{action}", form={"reason": "Grund", "outcome": "ok"}
            )
        return Sent(
            f"/api/referrals/{referral}/{action}", json={"reason": "Grund", "outcome": "ok"}
        )

    route = (
        "/referrals/{referral_id:int}/{action:str}"
        if web
        else "/api/referrals/{referral_id:int}/{action:str}"
    )
    return Example("POST", route, f"referral {action}", prepare, action=action)


def _partner_patch(world: World, fields: dict[str, Any]) -> Sent:
    path = "/api/partners/suchtberatung"
    return Sent(path, json={**fields, "version": world.version(path)})


def _partner_form(world: World, fields: dict[str, Any]) -> Sent:
    """The change form of the counselling service's entry as shown, ``fields`` filled in."""
    partner = world.made("/api/partners/suchtberatung", method="GET")
    shown = {key: partner[key] for key in ("name", "kind", "email", "phone", "version")}
    return Sent("/partners/suchtberatung", form={**shown, "active": "1", **fields})


def _form_of(world: World, api_path: str, form_path: str, fields: dict[str, Any]) -> Sent:
    """A change form posted to ``form_path`` (``{}``: the record's id) with the version
    the API reads for the record, and ``fields``."""
    record = world.made(api_path, method="GET")
    return Sent(form_path.format(record["id"]), form={"version": record["version"], **fields})


GOAL_FORM = {"title": "Ziel", "start": "2026-01-01", "end": "2026-12-31", "status": "active"}


def _chain_form(world: World, **fields: Any) -> dict[str, Any]:
    net = world.network
    return {
        "name": world.unique("Kette"),
        "target_group": "Langzeitarbeitslose",
        "step-1-title": "Beratung",
        "step-1-partner_id": net.counselling.id,
        "step-1-legal_domain": "SGB II",
        **fields,
    }


def _offer_form(body: dict[str, Any]) -> dict[str, Any]:
    """An offer's API body as its form sends it: terms as text separated by commas."""
    return {
        key: ", ".join(value) if isinstance(value, list) else str(value)
        for key, value in body.items()
    }


def _conference_form(world: World, **fields: Any) -> dict[str, Any]:
    starts = world.today + timedelta(days=40)
    return {
        "title": world.unique("Fachtag"),
        "starts_at": f"{starts}T09:00",
        "ends_at": f"{starts}T16:00",
        "capacity": "80",
        **fields,
    }


def _task_patch(world: World, fields: dict[str, Any]) -> Sent:
    path = f"/api/tasks/{world.task('commit')}"
    return Sent(path, json={**fields, "version": world.version(path)})


def _task_form(world: World, fields: dict[str, Any]) -> Sent:
    """The change form of a committed task as shown, with ``fields`` filled in."""
    task_id = world.task("commit")
    task = world.made(f"/api/tasks/{task_id}", method="GET")
    shown = {
        key: "" if task[key] is None else task[key]
        for key in (
            "title",
            "working_field",
            "responsible_partner_id",
            "due_date",
            "accountable_person_id",
            "accountable_circle_id",
            "version",
        )
    }
    return Sent(f"/tasks/{task_id}", form={**shown, **fields})


def _versioned(
    path_of: Callable[[World], str], fields: Callable[[World], dict[str, Any]]
) -> Callable[[World], Sent]:
    def prepare(world: World) -> Sent:
        path = path_of(world)
        return Sent(path, json={**fields(world), "version": world.version(path)})

    return prepare


EXAMPLES: list[Example] = [
    # Partners
    api(
        "POST",
        "/api/partners",
        "add a partner",
        lambda w: Sent(
            "/api/partners", json={"key": w.unique("tafel"), "name": "Tafel", "kind": "charity"}
        ),
        owner=None,
    ),
    api(
        "PATCH",
        "/api/partners/{key:str}",
        "own partner's phone",
        lambda w: _partner_patch(w, {"phone": w.unique("0261")}),
    ),
    api(
        "PATCH",
        "/api/partners/{key:str}",
        "own partner's name",
        lambda w: _partner_patch(w, {"name": w.unique("Beratung")}),
        decides=(permissions.PARTNER_UPDATE,),
    ),
    api(
        "POST",
        "/api/partners/{key:str}/contacts",
        "add a contact",
        lambda w: Sent(
            "/api/partners/suchtberatung/contacts", json={"name": w.unique("Beraterin")}
        ),
    ),
    api(
        "PATCH",
        "/api/partners/{key:str}/contacts/{person_id:int}",
        "change a contact",
        lambda w: Sent(
            f"/api/partners/suchtberatung/contacts/{w.network.counsellor.id}",
            json={"phone": w.unique("0261")},
        ),
    ),
    api(
        "POST",
        "/api/partners/import",
        "import partners",
        lambda w: Sent(
            "/api/partners/import",
            files={"data": ("p.csv", f"key;name;kind\n{w.unique('tafel')};Tafel;charity\n")},
        ),
        owner=None,
    ),
    # Goals
    api(
        "POST",
        "/api/goals",
        "set a goal",
        lambda w: Sent(
            "/api/goals",
            json={
                "key": w.unique("ziel"),
                "working_field": "health",
                "title": "Ziel",
                "start": "2026-01-01",
                "end": "2026-12-31",
            },
        ),
        owner=None,
    ),
    api(
        "PATCH",
        "/api/goals/{key:str}",
        "change a goal",
        _versioned(
            lambda w: (
                f"/api/goals/{w.made('/api/goals', {'key': w.unique('ziel'), 'working_field': 'health', 'title': 'Ziel', 'start': '2026-01-01', 'end': '2026-12-31'})['key']}"
            ),
            lambda w: {"title": w.unique("Ziel")},
        ),
        owner=None,
    ),
    # Tasks
    api(
        "POST",
        "/api/tasks",
        "propose a task",
        lambda w: Sent(
            "/api/tasks",
            json={
                "title": "Neu",
                "working_field": "health",
                "responsible_partner_id": w.network.counselling.id,
                "accountable_person_id": w.network.coordinator.id,
                "due_date": str(w.today + timedelta(days=5)),
            },
        ),
    ),
    api(
        "PATCH",
        "/api/tasks/{task_id:int}",
        "a task's description",
        lambda w: _task_patch(w, {"description": w.unique("Ablauf")}),
    ),
    api(
        "PATCH",
        "/api/tasks/{task_id:int}",
        "a task's due date",
        lambda w: _task_patch(
            w, {"due_date": str(w.today + timedelta(days=40)), "reason": "verschoben"}
        ),
        decides=(permissions.TASK_UPDATE,),
    ),
    *(_task_move(action, web=False) for action in TASK_MOVES),
    # Users and tokens
    api(
        "POST",
        "/api/users",
        "add a user",
        lambda w: Sent("/api/users", json={"username": w.unique("neu"), "role": "viewer"}),
        owner=None,
    ),
    api(
        "PATCH",
        "/api/users/{user_id:int}",
        "disable a user",
        lambda w: Sent(f"/api/users/{w.user()}", json={"active": False, "version": 1}),
        owner=None,
    ),
    api(
        "POST",
        "/api/tokens",
        "a token for the coordinator",
        lambda w: Sent("/api/tokens", json={"name": "x", "user_id": w.user_id("coordinator")}),
        owner=None,
        owner_user="coordinator",
    ),
    api(
        "POST",
        "/api/tokens/{token_id:int}/revoke",
        "revoke the viewer's token",
        lambda w: Sent(f"/api/tokens/{w.token_of('viewer')}/revoke"),
        owner=None,
        owner_user="viewer",
    ),
    # Workflow runs
    api(
        "POST",
        "/api/workflows/{key:str}/runs",
        "start a run",
        lambda w: Sent(
            "/api/workflows/health_addiction_chain/runs",
            json={"subject": w.unique("F"), "partner_id": w.network.counselling.id},
        ),
    ),
    api(
        "POST",
        "/api/workflow-runs/{run_id:int}/{action:str}",
        "move a run",
        lambda w: Sent(f"/api/workflow-runs/{w.run()}/give_consent", json={"reason": "ja"}),
        action="give_consent",
    ),
    # Projects and funding
    api(
        "POST",
        "/api/projects",
        "record a project",
        lambda w: Sent("/api/projects", json=w.project_body()),
        owner=None,
    ),
    api(
        "PATCH",
        "/api/projects/{project_id:int}",
        "change a project",
        _versioned(
            lambda w: f"/api/projects/{w.project()}", lambda w: {"title": w.unique("Projekt")}
        ),
        owner=None,
    ),
    api(
        "POST",
        "/api/projects/{project_id:int}/{action:str}",
        "move a project",
        lambda w: Sent(f"/api/projects/{w.project()}/conceive", json={"reason": "Konzept"}),
        owner=None,
        action="conceive",
    ),
    api(
        "POST",
        "/api/projects/{project_id:int}/funding",
        "apply for funding",
        lambda w: Sent(
            f"/api/projects/{w.project()}/funding", json={"source": "esf", "requested": "1000"}
        ),
        owner=None,
    ),
    api(
        "POST",
        "/api/projects/{project_id:int}/funding/{funding_id:int}",
        "decide on funding",
        lambda w: (
            lambda p: Sent(f"/api/projects/{p}/funding/{w.funding(p)}", json={"action": "submit"})
        )(w.project()),
        owner=None,
    ),
    # Indicators
    api(
        "POST",
        "/api/indicators/compute",
        "store indicator values",
        lambda w: Sent(
            "/api/indicators/compute",
            json={
                "start": f"{w.today.year}-01-01",
                "end": str(w.today),
                "indicators": ["tasks_overdue"],
            },
        ),
        owner=None,
    ),
    api(
        "POST",
        "/api/indicators/{key:str}/values",
        "enter an indicator's value",
        lambda w: Sent(
            "/api/indicators/health_self_help_groups/values",
            json={
                "start": f"{w.today.year}-01-01",
                "end": f"{w.today.year}-01-31",
                "value": next(w.numbers),
            },
        ),
        owner=None,
    ),
    # Circles and meetings
    api(
        "POST",
        "/api/circles",
        "found a circle",
        lambda w: Sent(
            "/api/circles",
            json={
                "key": w.unique("kreis"),
                "name": w.unique("Kreis"),
                "lead_partner_id": w.network.jobcenter.id,
            },
        ),
        owner=None,
    ),
    api(
        "PATCH",
        "/api/circles/{circle_id:int}",
        "change a circle",
        _versioned(lambda w: f"/api/circles/{w.circle()}", lambda w: {"name": w.unique("Kreis")}),
        owner=None,
    ),
    api(
        "POST",
        "/api/meetings",
        "plan a meeting",
        lambda w: Sent(
            "/api/meetings",
            json={
                "circle_id": w.circle(),
                "title": "Sitzung",
                "starts_at": (utcnow() + timedelta(days=3)).replace(microsecond=0).isoformat(),
            },
        ),
        owner=None,
    ),
    api(
        "PATCH",
        "/api/meetings/{meeting_id:int}",
        "change a meeting",
        _versioned(
            lambda w: f"/api/meetings/{w.meeting()}", lambda w: {"minutes": w.unique("Protokoll")}
        ),
        owner=None,
    ),
    api(
        "POST",
        "/api/meetings/{meeting_id:int}/decisions",
        "record a decision",
        lambda w: Sent(f"/api/meetings/{w.meeting()}/decisions", json={"text": "Beschluss"}),
        owner=None,
    ),
    # Conferences
    api(
        "POST",
        "/api/conferences",
        "plan a conference",
        lambda w: Sent(
            "/api/conferences",
            json={
                "key": w.unique("tag"),
                "title": "Fachtag",
                "starts_at": (utcnow() + timedelta(days=9)).isoformat(),
                "ends_at": (utcnow() + timedelta(days=9, hours=5)).isoformat(),
                "capacity": 10,
            },
        ),
        owner=None,
    ),
    api(
        "PATCH",
        "/api/conferences/{conference_id:int}",
        "change a conference",
        _versioned(lambda w: f"/api/conferences/{w.conference()}", lambda w: {"capacity": 60}),
        owner=None,
    ),
    api(
        "POST",
        "/api/conferences/{conference_id:int}/registrations",
        "register a participant",
        lambda w: Sent(f"/api/conferences/{w.conference()}/registrations", json=w.person()),
        owner=None,
    ),
    api(
        "POST",
        "/api/conferences/{conference_id:int}/registrations/{registration_id:int}/cancel",
        "cancel the counselling service's registration",
        lambda w: (lambda c, r: Sent(f"/api/conferences/{c}/registrations/{r}/cancel"))(
            *w.registration()
        ),
    ),
    api(
        "POST",
        "/api/conferences/{conference_id:int}/registrations/{registration_id:int}/check-in",
        "check a participant in",
        lambda w: (lambda c, r: Sent(f"/api/conferences/{c}/registrations/{r}/check-in"))(
            *w.registration()
        ),
        owner=None,
    ),
    # The catalogue
    api(
        "POST",
        "/api/offers",
        "the counselling service's offer",
        lambda w: Sent("/api/offers", json=w.offer_body()),
    ),
    api(
        "PATCH",
        "/api/offers/{offer_id:int}",
        "change the counselling service's offer",
        _versioned(lambda w: f"/api/offers/{w.offer()}", lambda w: {"title": w.unique("Angebot")}),
    ),
    api(
        "POST",
        "/api/needs",
        "record a need",
        lambda w: Sent("/api/needs", json=w.need_body()),
        owner=None,
    ),
    api(
        "PATCH",
        "/api/needs/{need_id:int}",
        "change a need",
        _versioned(
            lambda w: f"/api/needs/{w.made('/api/needs', w.need_body())['id']}",
            lambda w: {"people": next(w.numbers) + 1},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/api/appraisal/{subject:str}/{subject_id:int}/ratings",
        "rate an offer",
        lambda w: Sent(
            f"/api/appraisal/offer/{w.offer()}/ratings",
            json=[{"criterion": "bedarfsgerecht", "score": 4}],
        ),
        owner=None,
    ),
    api(
        "POST",
        "/api/appraisal/resources",
        "record resources",
        lambda w: Sent(
            "/api/appraisal/resources",
            json={"offer_id": w.offer(), "year": w.today.year, "money": "1000"},
        ),
        owner=None,
    ),
    # Cases and consents
    api(
        "POST",
        "/api/cases",
        "open a case",
        lambda w: Sent("/api/cases", json={"pseudonym": w.unique("F")}),
        owner=None,
    ),
    api(
        "PATCH",
        "/api/cases/{case_id:int}",
        "change a case",
        _versioned(lambda w: f"/api/cases/{w.case()}", lambda w: {"note": w.unique("Notiz")}),
        owner=None,
    ),
    api(
        "POST",
        "/api/cases/{case_id:int}/workers",
        "assign a scout",
        lambda w: Sent(
            f"/api/cases/{w.case()}/workers",
            json={"person_id": w.network.counsellor.id, "role": "scout"},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/api/cases/{case_id:int}/workers/{worker_id:int}/end",
        "release a scout",
        lambda w: (
            lambda c: Sent(
                f"/api/cases/{c}/workers/{w.made(f'/api/cases/{c}/workers', {'person_id': w.network.counsellor.id, 'role': 'scout'})['id']}/end",
                json={},
            )
        )(w.case()),
        owner=None,
    ),
    api(
        "PUT",
        "/api/cases/{case_id:int}/identity",
        "write direct identifiers",
        lambda w: Sent(f"/api/cases/{w.case()}/identity", json={"name": w.unique("Erika")}),
        owner=None,
        decides=(permissions.CASE_IDENTITY, permissions.CASE_CHANGE),
    ),
    api(
        "POST",
        "/api/cases/{case_id:int}/consents",
        "record a consent",
        lambda w: Sent(
            f"/api/cases/{w.case()}/consents",
            json={"partner_id": w.network.clinic.id, "purpose": "Reha", "categories": ["basic"]},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/api/cases/{case_id:int}/consents/{consent_id:int}/revoke",
        "revoke a consent",
        lambda w: (
            lambda c: Sent(
                f"/api/cases/{c}/consents/{w.consent(c, 'clinic')}/revoke",
                json={"reason": "widerrufen"},
            )
        )(w.case()),
        owner=None,
    ),
    # Referrals
    api(
        "POST",
        "/api/referrals",
        "refer from the counselling service",
        lambda w: (
            lambda c: (
                w.consent(c, "clinic"),
                Sent(
                    "/api/referrals",
                    json={
                        "case_id": c,
                        "from_partner_id": w.network.counselling.id,
                        "to_partner_id": w.network.clinic.id,
                    },
                ),
            )[1]
        )(w.case(holder="counselling")),
    ),
    *(_referral_move(action, web=False) for action in REFERRAL_MOVES),
    # Service chains
    api(
        "POST",
        "/api/service-chains",
        "build a chain",
        lambda w: Sent(
            "/api/service-chains",
            json={
                "key": w.unique("kette"),
                "name": w.unique("Kette"),
                "target_group": "Alle",
                "steps": [
                    {
                        "title": "Beratung",
                        "partner_id": w.network.counselling.id,
                        "legal_domain": "SGB II",
                    }
                ],
            },
        ),
        owner=None,
    ),
    api(
        "PATCH",
        "/api/service-chains/{chain_id:int}",
        "change a chain",
        _versioned(
            lambda w: f"/api/service-chains/{w.chain()}", lambda w: {"name": w.unique("Kette")}
        ),
        owner=None,
    ),
    api(
        "POST",
        "/api/service-chains/{chain_id:int}/agreements",
        "record an agreement",
        lambda w: Sent(
            f"/api/service-chains/{w.chain()}/agreements",
            json={"partner_id": w.network.counselling.id, "agreed_by": "Leitung"},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/api/service-chains/{chain_id:int}/instances",
        "put a case on a chain",
        lambda w: Sent(
            f"/api/service-chains/{w.chain(agreed=True)}/instances", json=w.chain_start()
        ),
        owner=None,
    ),
    api(
        "POST",
        "/api/chain-instances/{instance_id:int}/advance",
        "hand a person on",
        lambda w: Sent(f"/api/chain-instances/{w.chain_instance(contacted=True)}/advance", json={}),
        owner=None,
    ),
    api(
        "POST",
        "/api/chain-instances/{instance_id:int}/drop-out",
        "record a drop-out",
        lambda w: Sent(
            f"/api/chain-instances/{w.chain_instance()}/drop-out", json={"reason": "abgebrochen"}
        ),
        owner=None,
    ),
    # The plugins
    api(
        "POST",
        "/api/health/trainings",
        "record a training",
        lambda w: Sent(
            "/api/health/trainings", json={"title": w.unique("Schulung"), "held_on": str(w.today)}
        ),
        owner=None,
        decides=(RECORD_TRAINING,),
    ),
    api(
        "POST",
        "/api/single_parents/households",
        "take a household into coaching",
        lambda w: Sent("/api/single_parents/households", json=w.household_body()),
        owner=None,
        decides=(KEEP_COACHING,),
    ),
    api(
        "POST",
        "/api/single_parents/households/{household_id:int}/sponsorships",
        "record a sponsorship",
        lambda w: Sent(
            f"/api/single_parents/households/{w.household()}/sponsorships",
            json={"sponsor": "Patin", "started_on": str(w.today)},
        ),
        owner=None,
        decides=(KEEP_COACHING,),
    ),
    api(
        "POST",
        "/api/single_parents/households/{household_id:int}/barriers",
        "record a barrier",
        lambda w: Sent(
            f"/api/single_parents/households/{w.household()}/barriers",
            json={"kind": "childcare", "noted_on": str(w.today)},
        ),
        owner=None,
        decides=(KEEP_COACHING,),
    ),
    api(
        "POST",
        "/api/single_parents/households/{household_id:int}/left-benefits",
        "record an exit from benefits",
        lambda w: Sent(
            f"/api/single_parents/households/{w.household()}/left-benefits",
            json={"on": str(w.today)},
        ),
        owner=None,
        decides=(KEEP_COACHING,),
    ),
    # The web interface
    api(
        "POST",
        "/tasks",
        "propose a task (form)",
        lambda w: Sent(
            "/tasks",
            form={
                "title": "Neu",
                "working_field": "health",
                "responsible_partner_id": w.network.counselling.id,
                "due_date": str(w.today + timedelta(days=5)),
                "accountable_person_id": w.network.coordinator.id,
            },
        ),
    ),
    api(
        "POST",
        "/tasks/{task_id:int}",
        "a task's description (form)",
        lambda w: _task_form(w, {"description": w.unique("Ablauf")}),
    ),
    *(_task_move(action, web=True) for action in TASK_MOVES),
    api(
        "POST",
        "/partners",
        "add a partner (form)",
        lambda w: Sent(
            "/partners", form={"key": w.unique("tafel"), "name": "Tafel", "kind": "charity"}
        ),
        owner=None,
    ),
    api(
        "POST",
        "/partners/{key:str}",
        "own partner's phone (form)",
        lambda w: _partner_form(w, {"phone": w.unique("0261")}),
    ),
    api(
        "POST",
        "/partners/{key:str}/contacts",
        "add a contact (form)",
        lambda w: Sent("/partners/suchtberatung/contacts", form={"name": w.unique("Beraterin")}),
    ),
    api(
        "POST",
        "/partners/{key:str}/contacts/{person_id:int}",
        "change a contact (form)",
        lambda w: Sent(
            f"/partners/suchtberatung/contacts/{w.network.counsellor.id}",
            form={"name": "Tom Hilfe", "phone": w.unique("0261"), "active": "1"},
        ),
    ),
    api(
        "POST",
        "/circles",
        "found a circle (form)",
        lambda w: Sent("/circles", form={"key": w.unique("kreis"), "name": w.unique("Kreis")}),
        owner=None,
    ),
    api(
        "POST",
        "/circles/{circle_id:int}",
        "change a circle (form)",
        lambda w: _form_of(
            w, f"/api/circles/{w.circle()}", "/circles/{}", {"name": w.unique("Kreis")}
        ),
        owner=None,
    ),
    api(
        "POST",
        "/admin/users",
        "add a user (form)",
        lambda w: Sent("/admin/users", form={"username": w.unique("neu"), "role": "viewer"}),
        owner=None,
    ),
    api(
        "POST",
        "/admin/users/{user_id:int}",
        "change a user (form)",
        lambda w: Sent(f"/admin/users/{w.user()}", form={"role": "viewer", "version": "1"}),
        owner=None,
    ),
    api(
        "POST",
        "/admin/users/{user_id:int}/password",
        "a one-time password (form)",
        lambda w: Sent(f"/admin/users/{w.user()}/password"),
        owner=None,
    ),
    api(
        "POST",
        "/admin/users/{user_id:int}/unlock",
        "lift a user's sign-in lock (form)",
        lambda w: Sent(f"/admin/users/{w.user()}/unlock"),
        owner=None,
    ),
    api(
        "POST",
        "/admin/users/{user_id:int}/sessions/end",
        "sign a user out everywhere (form)",
        lambda w: Sent(f"/admin/users/{w.user()}/sessions/end"),
        owner=None,
    ),
    api(
        "POST",
        "/account/password",
        "one's own password (form)",
        lambda w: Sent(
            "/account/password",
            form={
                "current": WEB_PASSWORD,
                "password": WEB_PASSWORD + "-neu",
                "repeated": WEB_PASSWORD + "-neu",
            },
        ),
        owner=None,
    ),
    api(
        "POST",
        "/account/tokens",
        "one's own token (form)",
        lambda w: Sent("/account/tokens", form={"name": w.unique("skript")}),
        owner=None,
    ),
    api(
        "POST",
        "/account/mail",
        "one's own choice of mails (form)",
        lambda w: (
            w.mail_addresses(),
            Sent("/account/mail", form={"choice": ("digest", "none")[next(w.numbers) % 2]}),
        )[1],
        owner=None,
    ),
    api(
        "POST",
        "/account/calendars",
        "one's own calendar address (form)",
        lambda w: Sent("/account/calendars"),
        owner=None,
    ),
    api(
        "POST",
        "/account/calendars/{feed_id:int}/revoke",
        "revoke the viewer's calendar address (form)",
        lambda w: Sent(f"/account/calendars/{w.feed(role='viewer')}/revoke"),
        owner=None,
        owner_user="viewer",
    ),
    api(
        "POST",
        "/partners/{key:str}/calendars",
        "a calendar address of the counselling service (form)",
        lambda w: Sent("/partners/suchtberatung/calendars"),
    ),
    api(
        "POST",
        "/partners/{key:str}/calendars/{feed_id:int}/revoke",
        "revoke a calendar address of the counselling service (form)",
        lambda w: Sent(f"/partners/suchtberatung/calendars/{w.feed(partner='counselling')}/revoke"),
    ),
    api(
        "POST",
        "/admin/mail/{message_id:int}/retry",
        "send a failed mail again (form)",
        lambda w: Sent(f"/admin/mail/{w.failed_mail()}/retry"),
        owner=None,
    ),
    api(
        "POST",
        "/account/tokens/{token_id:int}/revoke",
        "revoke the viewer's token (form)",
        lambda w: Sent(f"/account/tokens/{w.token_of('viewer')}/revoke"),
        owner=None,
        owner_user="viewer",
    ),
    api(
        "POST",
        "/admin/plugins/{name:str}/switch",
        "switch a plugin on (form)",
        lambda w: Sent("/admin/plugins/health/switch", form={"to": "on"}),
        owner=None,
    ),
    api(
        "POST",
        "/admin/plugins/{name:str}/settings",
        "a plugin's settings (form)",
        lambda w: Sent(
            "/admin/plugins/health/settings",
            form={
                "max_wait_days": str(14 + next(w.numbers)),
                "chain_circle": "suchtarbeitskreis",
                **{
                    f"chain_max_days.{step}": "30"
                    for step in (
                        "identified",
                        "consent",
                        "referred",
                        "first_contact",
                        "case_conference",
                        "treatment",
                        "stabilisation",
                        "activation",
                    )
                },
            },
        ),
        owner=None,
    ),
    api(
        "POST",
        "/partners/import/preview",
        "preview a partner file (form)",
        lambda w: Sent(
            "/partners/import/preview",
            files={"file": ("p.csv", f"key;name;kind\n{w.unique('tafel')};Tafel;charity\n")},
        ),
        owner=None,
        writes=False,
    ),
    api(
        "POST",
        "/partners/import",
        "import a previewed partner file (form)",
        lambda w: Sent(
            "/partners/import",
            form={
                "file_name": "p.csv",
                "content": base64.b64encode(
                    f"key;name;kind\n{w.unique('tafel')};Tafel;charity\n".encode()
                ).decode(),
            },
        ),
        owner=None,
    ),
    api(
        "POST",
        "/circles/{circle_id:int}/meetings",
        "plan a meeting (form)",
        lambda w: Sent(
            f"/circles/{w.circle()}/meetings",
            form={"title": "Sitzung", "day": str(w.today + timedelta(days=3)), "starts": "14:00"},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/meetings/{meeting_id:int}/decisions",
        "record a decision (form)",
        lambda w: Sent(f"/meetings/{w.meeting()}/decisions", form={"text": "Beschluss"}),
        owner=None,
    ),
    api(
        "POST",
        "/meetings/{meeting_id:int}",
        "change a meeting (form)",
        lambda w: _form_of(
            w,
            f"/api/meetings/{w.meeting()}",
            "/meetings/{}",
            {
                "title": w.unique("Sitzung"),
                "day": str(w.today + timedelta(days=4)),
                "starts": "10:00",
                "status": "planned",
            },
        ),
        owner=None,
    ),
    api(
        "POST",
        "/meetings/{meeting_id:int}/minutes",
        "write minutes (form)",
        lambda w: (
            lambda m: Sent(
                f"/meetings/{m}/minutes",
                form={"minutes": "Protokoll", "version": w.version(f"/api/meetings/{m}")},
            )
        )(w.meeting()),
        owner=None,
    ),
    api(
        "POST",
        "/conferences",
        "plan a conference (form)",
        lambda w: Sent("/conferences", form=_conference_form(w, key=w.unique("fachtag"))),
        owner=None,
    ),
    api(
        "POST",
        "/conferences/{conference_id:int}",
        "change a conference (form)",
        lambda w: _form_of(
            w, f"/api/conferences/{w.conference()}", "/conferences/{}", _conference_form(w)
        ),
        owner=None,
    ),
    api(
        "POST",
        "/conferences/{conference_id:int}/registrations",
        "register (form)",
        lambda w: Sent(f"/conferences/{w.conference()}/registrations", form=w.person()),
        owner=None,
    ),
    api(
        "POST",
        "/conferences/{conference_id:int}/registrations/{registration_id:int}/cancel",
        "cancel a registration (form)",
        lambda w: (lambda c, r: Sent(f"/conferences/{c}/registrations/{r}/cancel", form={}))(
            *w.registration()
        ),
    ),
    api(
        "POST",
        "/conferences/{conference_id:int}/registrations/{registration_id:int}/check-in",
        "check in (form)",
        lambda w: (lambda c, r: Sent(f"/conferences/{c}/registrations/{r}/check-in", form={}))(
            *w.registration()
        ),
        owner=None,
    ),
    api(
        "POST",
        "/projects",
        "record a project (form)",
        lambda w: Sent(
            "/projects",
            form={
                "key": w.unique("projekt"),
                "title": "Idee",
                "project_type": "prevention_offer",
                "details.topic": "Alkohol",
                "details.sessions": "6",
            },
        ),
        owner=None,
    ),
    api(
        "POST",
        "/projects/{project_id:int}/funding",
        "apply for funding (form)",
        lambda w: Sent(
            f"/projects/{w.project()}/funding", form={"source": "esf", "requested": "1000"}
        ),
        owner=None,
    ),
    api(
        "POST",
        "/projects/{project_id:int}/funding/{funding_id:int}/{action:str}",
        "decide on funding (form)",
        lambda w: (lambda p: Sent(f"/projects/{p}/funding/{w.funding(p)}/submit", form={}))(
            w.project()
        ),
        owner=None,
        action="submit",
    ),
    api(
        "POST",
        "/projects/{project_id:int}/{action:str}",
        "move a project (form)",
        lambda w: Sent(f"/projects/{w.project()}/conceive", form={"reason": "Konzept"}),
        owner=None,
        action="conceive",
    ),
    api(
        "POST",
        "/catalogue/needs",
        "record a need (form)",
        lambda w: Sent("/catalogue/needs", form=w.need_body()),
        owner=None,
    ),
    api(
        "POST",
        "/catalogue/needs/{need_id:int}",
        "change a need (form)",
        lambda w: _form_of(
            w,
            f"/api/needs/{w.made('/api/needs', w.need_body())['id']}",
            "/catalogue/needs/{}",
            {**w.need_body(), "people": "7"},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/catalogue/offers",
        "record the counselling service's offer (form)",
        lambda w: Sent("/catalogue/offers", form=_offer_form(w.offer_body())),
    ),
    api(
        "POST",
        "/catalogue/offers/{offer_id:int}",
        "change the counselling service's offer (form)",
        lambda w: _form_of(
            w,
            f"/api/offers/{w.offer()}",
            "/catalogue/offers/{}",
            {**_offer_form(w.offer_body()), "title": w.unique("Angebot"), "active": "1"},
        ),
    ),
    api(
        "POST",
        "/chains",
        "build a service chain (form)",
        lambda w: Sent("/chains", form=_chain_form(w, key=w.unique("kette"))),
        owner=None,
    ),
    api(
        "POST",
        "/chains/{chain_id:int}",
        "change a service chain (form)",
        lambda w: _form_of(
            w, f"/api/service-chains/{w.chain()}", "/chains/{}", {**_chain_form(w), "active": "1"}
        ),
        owner=None,
    ),
    api(
        "POST",
        "/chains/{chain_id:int}/agreements",
        "record an agreement (form)",
        lambda w: Sent(
            f"/chains/{w.chain()}/agreements",
            form={"partner_id": w.network.counselling.id, "agreed_by": "Leitung"},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/chains/{chain_id:int}/instances",
        "put a case on a chain (form)",
        lambda w: Sent(f"/chains/{w.chain(agreed=True)}/instances", form=w.chain_start()),
        owner=None,
    ),
    api(
        "POST",
        "/chain-instances/{instance_id:int}/advance",
        "hand a person on (form)",
        lambda w: _form_of(
            w,
            f"/api/chain-instances/{w.chain_instance(contacted=True)}",
            "/chain-instances/{}/advance",
            {},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/chain-instances/{instance_id:int}/drop-out",
        "record a drop-out (form)",
        lambda w: _form_of(
            w,
            f"/api/chain-instances/{w.chain_instance()}",
            "/chain-instances/{}/drop-out",
            {"reason": "abgebrochen"},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/fields/{key:str}/goals",
        "set a goal (form)",
        lambda w: Sent("/fields/health/goals", form={**GOAL_FORM, "key": w.unique("ziel")}),
        owner=None,
    ),
    api(
        "POST",
        "/goals/{key:str}",
        "change a goal (form)",
        lambda w: (
            lambda goal: Sent(
                f"/goals/{goal['key']}",
                form={**GOAL_FORM, "version": goal["version"], "title": w.unique("Ziel")},
            )
        )(w.made("/api/goals", {**GOAL_FORM, "key": w.unique("ziel"), "working_field": "health"})),
        owner=None,
    ),
    api(
        "POST",
        "/projects/{project_id:int}",
        "change a project (form)",
        lambda w: _form_of(
            w,
            f"/api/projects/{w.project()}",
            "/projects/{}",
            {"title": w.unique("Projekt"), "details.topic": "Alkohol", "details.sessions": "6"},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/catalogue/appraisal/{kind:str}/{subject_id:int}",
        "rate an offer (form)",
        lambda w: Sent(
            f"/catalogue/appraisal/offers/{w.offer()}", form={"score.bedarfsgerecht": "4"}
        ),
        owner=None,
    ),
    api(
        "POST",
        "/catalogue/appraisal/resources",
        "record resources (form)",
        lambda w: Sent(
            "/catalogue/appraisal/resources",
            form={"offer_id": w.offer(), "year": w.today.year, "money": "1000"},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/single_parents/households/{household_id:int}/sponsorships",
        "record a sponsorship (form)",
        lambda w: Sent(
            f"/single_parents/households/{w.household()}/sponsorships",
            form={"sponsor": "Patin", "started_on": str(w.today)},
        ),
        owner=None,
        decides=(KEEP_COACHING,),
    ),
    api(
        "POST",
        "/single_parents/sponsorships/{sponsorship_id:int}/end",
        "end a sponsorship (form)",
        lambda w: Sent(
            "/single_parents/sponsorships/{}/end".format(
                w.made(
                    f"/api/single_parents/households/{w.household()}/sponsorships",
                    {"sponsor": "Patin", "started_on": str(w.today)},
                )["id"]
            ),
            form={"ended_on": str(w.today)},
        ),
        owner=None,
        decides=(KEEP_COACHING,),
    ),
    api(
        "POST",
        "/single_parents/households/{household_id:int}/barriers",
        "record a barrier (form)",
        lambda w: Sent(
            f"/single_parents/households/{w.household()}/barriers",
            form={"kind": "childcare", "noted_on": str(w.today)},
        ),
        owner=None,
        decides=(KEEP_COACHING,),
    ),
    api(
        "POST",
        "/workflows/{key:str}/runs",
        "start a run (form)",
        lambda w: Sent(
            "/workflows/health_addiction_chain/runs",
            form={"subject": w.unique("F"), "partner_id": w.network.counselling.id},
        ),
    ),
    api(
        "POST",
        "/runs/{run_id:int}/{action:str}",
        "move a run (form)",
        lambda w: Sent(f"/runs/{w.run()}/give_consent", form={"reason": "ja"}),
        action="give_consent",
    ),
    api(
        "POST",
        "/fields/{key:str}/values",
        "enter an indicator's value (form)",
        lambda w: Sent(
            "/fields/health/values",
            form={
                "indicator": "health_self_help_groups",
                "start": f"{w.today.year}-02-01",
                "end": f"{w.today.year}-02-28",
                "value": next(w.numbers),
            },
        ),
        owner=None,
    ),
    api(
        "POST",
        "/cases/{case_id:int}",
        "change a case (form)",
        lambda w: _form_of(w, f"/api/cases/{w.case()}", "/cases/{}", {"note": w.unique("Notiz")}),
        owner=None,
    ),
    api(
        "POST",
        "/cases/{case_id:int}/workers",
        "assign a scout (form)",
        lambda w: Sent(
            f"/cases/{w.case()}/workers",
            form={"person_id": w.network.counsellor.id, "role": "scout"},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/cases/{case_id:int}/workers/{worker_id:int}/end",
        "release a scout (form)",
        lambda w: (
            lambda c: Sent(
                f"/cases/{c}/workers/{w.made(f'/api/cases/{c}/workers', {'person_id': w.network.counsellor.id, 'role': 'scout'})['id']}/end",
                form={},
            )
        )(w.case()),
        owner=None,
    ),
    api(
        "POST",
        "/cases/{case_id:int}/identity",
        "write direct identifiers (form)",
        lambda w: Sent(f"/cases/{w.case()}/identity", form={"name": w.unique("Erika")}),
        owner=None,
        decides=(permissions.CASE_IDENTITY, permissions.CASE_CHANGE),
    ),
    api(
        "POST",
        "/single_parents/households",
        "take a household into coaching (form)",
        lambda w: Sent("/single_parents/households", form=w.household_body()),
        owner=None,
        decides=(KEEP_COACHING,),
    ),
    api(
        "POST",
        "/single_parents/households/{household_id:int}/left-benefits",
        "record an exit from benefits (form)",
        lambda w: Sent(
            f"/single_parents/households/{w.household()}/left-benefits", form={"on": str(w.today)}
        ),
        owner=None,
        decides=(KEEP_COACHING,),
    ),
    api(
        "POST",
        "/health/trainings",
        "record a training (form)",
        lambda w: Sent(
            "/health/trainings", form={"title": w.unique("Schulung"), "held_on": str(w.today)}
        ),
        owner=None,
        decides=(RECORD_TRAINING,),
    ),
    api(
        "POST",
        "/fields/readings",
        "keep the indicators' values (form)",
        lambda w: Sent(
            "/fields/readings",
            form={"start": f"{w.today.year}-01-01", "end": f"{w.today.year}-01-31"},
        ),
        owner=None,
    ),
    *(_referral_move(action, web=True) for action in REFERRAL_MOVES),
    api(
        "POST",
        "/cases",
        "open a case (form)",
        lambda w: Sent("/cases", form={"pseudonym": w.unique("F")}),
        owner=None,
    ),
    api(
        "POST",
        "/cases/{case_id:int}/referrals",
        "refer (form)",
        lambda w: (
            lambda c: (
                w.consent(c, "clinic"),
                Sent(
                    f"/cases/{c}/referrals",
                    form={
                        "from_partner_id": w.network.counselling.id,
                        "to_partner_id": w.network.clinic.id,
                        "data_categories": ["basic"],
                    },
                ),
            )[1]
        )(w.case(holder="counselling")),
    ),
    api(
        "POST",
        "/cases/{case_id:int}/consents",
        "record a consent (form)",
        lambda w: Sent(
            f"/cases/{w.case()}/consents",
            form={"partner_id": w.network.clinic.id, "purpose": "Reha", "categories": ["basic"]},
        ),
        owner=None,
    ),
    api(
        "POST",
        "/cases/{case_id:int}/consents/{consent_id:int}/revoke",
        "revoke a consent (form)",
        lambda w: (
            lambda c: Sent(
                f"/cases/{c}/consents/{w.consent(c, 'clinic')}/revoke",
                form={"reason": "widerrufen"},
            )
        )(w.case()),
        owner=None,
    ),
    api(
        "POST",
        "/survey",
        "answer the survey (form)",
        lambda w: Sent("/survey", form={"exchange": "4", "synergies": "3", "effectiveness": "5"}),
        owner=None,
    ),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, migrated_templates: Any) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("routes")
    (folder / "deployment.toml").write_text(CONFIG, encoding="utf-8")
    with scratch_database(folder) as url:
        deployment = load(folder, database_url=url)
        migrated_templates.migrate(deployment)
        network, overdue, clinic = web_network(deployment)
        with deployment.transaction() as session:
            users = {user.username: user for user in list_users(session, actor=OPERATOR)}
            by_role = {role: users[role.replace("_", "-")] for role in ROLES}
            tokens = {
                role: create_token(session, user, "routes", actor=OPERATOR).secret
                for role, user in by_role.items()
            }
            actors = {role: Actor.of(user) for role, user in by_role.items()}
        web = Web(create_app(deployment), deployment, network, overdue, clinic)
        browsers = {role: web.sign_in(role) for role in ROLES}
        client = web.anonymous().client
        try:
            yield World(deployment, network, tokens, browsers, actors, client)
        finally:
            web.close()
            deployment.dispose()


def write_routes(world: World) -> dict[tuple[str, str], Any]:
    """Every write route of the app, with its handler."""
    found = {}
    for route in world.client.app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for method in handler.http_methods:
                if method in WRITES:
                    found[(method, route.path)] = handler
    return found


def test_every_write_route_names_its_permission_and_has_an_example(world: World) -> None:
    routes = write_routes(world)
    examples = {(example.method, example.route) for example in EXAMPLES}
    unnamed = [
        key
        for key, handler in routes.items()
        if key not in PUBLIC | set(FORMER) and route_permission(handler) is None
    ]
    assert unnamed == [], "write routes that name no permission (guards=permitted(…))"
    missing = sorted(set(routes) - PUBLIC - set(FORMER) - examples)
    assert missing == [], "write routes without an example here"
    stale = sorted(examples - set(routes))
    assert stale == [], "examples of routes that do not exist"
    declared = world.deployment.registry.permissions
    for example in EXAMPLES:
        permitted = route_permission(routes[(example.method, example.route)])
        named = permitted.of({"action": example.action})  # type: ignore[union-attr]
        assert named is not None and declared[named.key].value == named, example.name


def _expected(world: World, example: Example, role: str, route: Any) -> bool:
    """What the deployment's matrix says of ``role`` sending the example."""
    matrix = {permission.key: permission for permission in matrix_of(world.deployment)}
    deciding = example.decides or (route_permission(route).of({"action": example.action}),)  # type: ignore[union-attr]
    owner = {}
    if example.owner_user is not None:
        owner["user_id"] = world.user_id(example.owner_user)
    elif example.owner is not None:
        owner["partner_id"] = world.actors[example.owner].partner_id
    return all(matrix[p.key].allows(world.actors[role], **owner) for p in deciding)


def _send(world: World, example: Example, role: str, sent: Sent) -> Any:
    if example.web:
        browser = world.browsers[role]
        files = {"files": sent.files} if sent.files else {}
        return browser.post(sent.path, sent.form or {}, follow_redirects=False, **files)
    kw: dict[str, Any] = {"files": sent.files} if sent.files else {"json": sent.json}
    return world.api(example.method, sent.path, role, **kw)


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{e.method} {e.route} {e.name}" for e in EXAMPLES]
)
def test_the_answer_and_the_database_agree_with_the_matrix(world: World, example: Example) -> None:
    route = write_routes(world)[(example.method, example.route)]
    for role in ROLES:
        sent = example.prepare(world)
        allowed = _expected(world, example, role, route)
        before = snapshot(world.deployment)
        answer = _send(world, example, role, sent)
        after = snapshot(world.deployment)
        if allowed:
            assert answer.status_code < 400, f"{role} may: {answer.status_code} {answer.text[:500]}"
            if example.writes:
                assert after != before, f"{role} may, but nothing changed"
            else:
                assert after == before, f"{example.name} must not write"
        else:
            assert answer.status_code == 403, (
                f"{role} may not: {answer.status_code} {answer.text[:500]}"
            )
            assert after == before, f"{role} may not, but the database changed"


@pytest.mark.parametrize(("route", "target"), FORMER.items(), ids=[" ".join(k) for k in FORMER])
def test_former_addresses_redirect_and_change_nothing(
    world: World, route: tuple[str, str], target: str
) -> None:
    method, _ = route
    old = target.replace("/api/workflow-runs", "/api/workflow-instances").replace(
        "/runs", "/instances"
    )
    before = snapshot(world.deployment)
    answer = world.client.request(
        method,
        f"{old}?x=1",
        headers={"Authorization": f"Bearer {world.tokens['viewer']}"},
        json={},
        follow_redirects=False,
    )
    assert answer.status_code == 308
    assert answer.headers["location"] == f"{target}?x=1"
    assert snapshot(world.deployment) == before


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_shows_each_role_the_pages_it_may_open(world: World, role: str) -> None:
    """An entry is in a role's navigation exactly when its page answers that role."""
    browser = world.browsers[role]
    shown = set(re.findall(r'<a[^>]*href="([^"?#]+)"', browser.get("/").text))
    for contributed in world.deployment.registry.navigation.values():
        entry = contributed.value
        answer = browser.get(entry.path)
        assert answer.status_code in (200, 403), f"{entry.path}: {answer.status_code}"
        assert (entry.path in shown) == (answer.status_code == 200), (role, entry.path)
