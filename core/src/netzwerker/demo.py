"""``netzwerker demo``: the example deployment with realistic sample data.

Partners come from the deployment's data files; circles, coordinators and tasks are
generated deterministically from a seed, relative to today, through the same services every
other change goes through (so each task has a complete history). Most tasks are done, some
are overdue, a few partners carry many tasks.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker import schema
from netzwerker.commands.support import fail
from netzwerker.datafiles import load_listed_files
from netzwerker.deployment import DATABASE_FILE, Deployment, default_database_url, load_problems
from netzwerker.domain.circles.models import Circle, CirclePartner
from netzwerker.domain.partners.models import Partner, PartnerWorkingField, Person
from netzwerker.domain.tasks.escalation import escalate
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.report import accountability_report, render_report
from netzwerker.domain.tasks.services import TaskDraft, create_task, transition_task
from netzwerker.domain.users.models import Role
from netzwerker.domain.users.permissions import Actor
from netzwerker.domain.users.services import UserDraft, add_user, create_token
from netzwerker.plugins import call_each
from netzwerker.structuring import InvalidInput, Problem

#: Who sets the demo up, in the records it makes.
DEMO = Actor.operator("demo")

CIRCLES = [
    ("suchtarbeitskreis", "Suchtarbeitskreis", "health"),
    ("psychosozialer_ak", "Psychosozialer Arbeitskreis", "health"),
    ("demenznetzwerk", "Demenznetzwerk", "health"),
    ("ak_gewalt", "Arbeitskreis „Gewalt in engen sozialen Bezügen“", "health"),
    ("ak_praevention", "AK Prävention", "health"),
    ("pflegekonferenz", "Regionale Pflegekonferenz", "health"),
    ("schuldnerberatung", "AK Schuldnerberatung", "debt"),
]

COORDINATORS = [("Sabine Netz", "Netzwerkerin Gesundheit"), ("Ali Brücke", "Netzwerker Migration")]

TITLES = {
    "health": [
        "Beratungseinheit Alkohol im Jobcenter anbieten",
        "Termin für Erstgespräch Suchtberatung innerhalb von 14 Tagen sichern",
        "Onlineschulung „Alkohol im Beratungsgespräch“ abstimmen",
        "Resilienzkonferenz: Referentin zusagen",
        "MYKvital: Stand für Gesundheitsförderung organisieren",
        "Betreuung substituierter Menschen (AIDA) fortschreiben",
        "Präventivangebot Spielsucht für Jugendliche planen",
        "Selbsthilfegruppe SGB II: Räume bereitstellen",
        "Demenzhelfer für SGB-II-Leistungsberechtigte öffnen",
        "Ernährungsberatung „Sinnvolle Ernährung bei wenig Geld“ konzipieren",
        "Fallbesprechung psychisch belasteter Kundinnen und Kunden",
        "Statistik Wartezeiten Therapieplätze zuliefern",
    ],
    "debt": [
        "Schuldenvorsortierung für Neukundinnen anbieten",
        "Gestuftes System der Schuldnerberatung abstimmen",
        "Energiesparberatung in Sprechstunde integrieren",
        "Krisenintervention bei drohender Stromsperre regeln",
    ],
    "migration": [
        "Brückenbauer für Arztbesuche vermitteln",
        "Dolmetscherpool für Beratungsgespräche aktualisieren",
        "Interkulturelle Öffnung: Schulung für Teamleitungen",
    ],
    "single_parents": [
        "Kinderbetreuung für Qualifizierung sicherstellen",
        "Patenschaften für Alleinerziehende vermitteln",
        "Fachtagung Alleinerziehende vorbereiten",
    ],
    "delinquency": [
        "Übergangsmanagement nach Haftentlassung abstimmen",
        "Gewaltprävention an Schulen: Termine vereinbaren",
    ],
    "citizen_work": [
        "Einsatzstellen für Vereinshelfer akquirieren",
        "Ernährungsberatung im Zyklus der Bürgerarbeit starten",
    ],
}

REASONS = {
    "decline": [
        "Keine personellen Kapazitäten in diesem Quartal",
        "Nicht unser Zuständigkeitsbereich (SGB V statt SGB II)",
    ],
    "block": [
        "Warten auf Datenschutzfreigabe",
        "Finanzierungszusage des Landes steht aus",
    ],
    "cancel": ["Maßnahme vom Kreistag gestrichen", "Doppelstruktur: Angebot existiert bereits"],
}


def _fresh_database(deployment: Deployment) -> None:
    """Start from an empty database: delete the demo's own SQLite file, refuse anything else."""
    if deployment.database_url == default_database_url(deployment.folder):
        deployment.dispose()  # loading it may have opened the file that is deleted now
        for suffix in ("", "-wal", "-shm"):
            Path(str(deployment.folder / DATABASE_FILE) + suffix).unlink(missing_ok=True)
        return
    inspector = sa.inspect(deployment.engine)
    if inspector.has_table("partner"):
        with deployment.engine.connect() as connection:
            if connection.execute(sa.text("SELECT count(*) FROM partner")).scalar():
                fail(
                    [
                        "the database at DATABASE_URL holds partners already; the demo "
                        "only fills an empty database"
                    ]
                )


def run_demo(
    folder: Path, *, seed: int, echo: Callable[[str], None], address: str = "http://127.0.0.1:8000"
) -> list[DemoLogin]:
    """Set up the example; returns the logins it created (also printed)."""
    deployment, problems = load_problems(folder)
    if deployment is None or problems:
        fail(problems, f"{folder}: the deployment has {len(problems)} problem(s):")
    _fresh_database(deployment)
    echo(f"Deployment: {deployment.name} ({folder})")
    for line in schema.migrate(deployment)[0]:
        echo(f"  schema {line}")
    today = deployment.today()
    with deployment.transaction() as session:
        try:
            for loaded in load_listed_files(session, deployment, actor=DEMO):
                echo(f"  {loaded.path.name}: {loaded.summary()}")
        except InvalidInput as exc:
            fail(exc.problems, f"{folder}: the data files have {len(exc.problems)} problem(s):")
        tasks = generate_tasks(session, random.Random(seed), today)
        echo(f"  {tasks} tasks generated, in every state")
        echo("  " + generate_results(session, deployment, random.Random(seed), today))
        echo("  " + generate_casework(session, deployment, random.Random(seed), today))
        for plugin, said in call_each(
            deployment.manager,
            "generate_demo_data",
            session=session,
            deployment=deployment,
            rng=random.Random(seed),
            today=today,
        ):
            if said:
                echo(f"  {plugin}: {said}")
    with deployment.transaction() as session:
        result = escalate(session, deployment.config.escalation, today=today)
    echo("  escalate: " + ", ".join(f"{step} {count}" for step, count in result.counts.items()))
    with deployment.session() as session:
        by_partner = accountability_report(session, by="partner", today=today)
        by_field = accountability_report(session, by="working_field", today=today)
    overdue = sum(row.overdue for row in by_partner)
    echo("")
    echo(f"Rechenschaftsbericht nach Arbeitsfeld (Stand {today:%d.%m.%Y})")
    echo(render_report(by_field, "table", "working_field"))
    echo("Rechenschaftsbericht nach Partner")
    echo(render_report(by_partner, "table", "partner"))
    echo(f"{overdue} überfällige Aufgaben.")
    with deployment.transaction() as session:
        logins = create_logins(session)
    echo("")
    echo(
        f"Weboberfläche: {address}/   API: {address}/api   Dokumentation: {address}/schema/swagger"
    )
    echo("Anmeldungen (Passwort für die Weboberfläche, Token für die API):")
    for login in logins:
        echo(f"  {login.username:<16} {login.role:<15} Passwort {login.password}")
        echo(f"  {'':<16} {'':<15} Token    {login.token}")
    member = next(login for login in logins if login.role == "partner_member")
    echo("")
    echo("Zum Beispiel die überfälligen Aufgaben des Partners:")
    echo(f'  curl -H "Authorization: Bearer {member.token}" "{address}/api/tasks?overdue=true"')
    return logins


@attrs.frozen
class DemoLogin:
    username: str
    role: str
    password: str = attrs.field(repr=False)
    token: str = attrs.field(repr=False)


def create_logins(session: Session) -> list[DemoLogin]:
    """An admin, a coordinator, a member of the busiest partner (without tasks, the first
    partner) and a viewer, with fresh random passwords and tokens (printed once, like any new
    token)."""
    coordinator = session.exec(
        select(Person)
        .join(Partner)
        .where(col(Partner.kind) == "jobcenter")
        .order_by(col(Person.id))
    ).first()
    busiest = (
        session.exec(
            select(col(Partner.key))
            .join(Task, col(Task.responsible_partner_id) == col(Partner.id))
            .where(col(Partner.kind) != "jobcenter")
            .group_by(col(Partner.key))
            .order_by(sa.func.count().desc(), col(Partner.key))
        ).first()
        or session.exec(
            select(col(Partner.key))
            .where(col(Partner.kind) != "jobcenter")
            .order_by(col(Partner.key))
        ).first()
    )
    wanted = [
        ("admin", Role.ADMIN, None, None),
        ("netzwerkerin", Role.COORDINATOR, None, coordinator.id if coordinator else None),
        (f"{busiest}"[:60], Role.PARTNER_MEMBER, busiest, None),
        ("leitung", Role.VIEWER, None, None),
    ]
    logins = []
    for username, role, partner, person_id in wanted:
        password = secrets.token_urlsafe(9)
        draft = UserDraft(username, role, partner=partner, person_id=person_id, password=password)
        added = add_user(session, draft, actor=DEMO)
        secret = create_token(session, added, "demo", actor=DEMO).secret
        logins.append(DemoLogin(username, role.value, password, secret))
    return logins


def generate_results(
    session: Session, deployment: Deployment, rng: random.Random, today: date
) -> str:
    """What the evaluation reports: a funded project, a conference held, survey answers."""
    from netzwerker.domain.conferences.models import Conference, Registration
    from netzwerker.domain.projects.services import (
        FundingDecision,
        FundingDraft,
        FundingSource,
        ProjectDraft,
        add_funding,
        create_project,
        decide_funding,
    )
    from netzwerker.domain.survey.services import AnswerDraft, give_answer

    start = date(today.year, 1, 1)
    project = create_project(
        session,
        deployment,
        ProjectDraft(
            key="suchtpraevention",
            project_type="prevention_offer",
            title="Suchtprävention im Jobcenter",
            details={"topic": "Alkohol im Beratungsgespräch", "sessions": 6, "places": 60},
            start_on=start,
            people_reached=rng.randint(40, 80),
        ),
        actor=DEMO,
    )
    application = add_funding(
        session,
        project.id,
        FundingDraft(FundingSource.ESF, Decimal("48000"), programme="ESF Plus", submitted_on=start),
        actor=DEMO,
    )
    decide_funding(
        session,
        project.id,
        application.id,
        FundingDecision("grant", on=min(start + timedelta(days=45), today)),
        today=today,
        actor=DEMO,
    )
    held = _at(today - timedelta(days=rng.randint(20, 60)), rng).replace(hour=9, minute=0)
    conference = Conference(
        key="fachtag-gesundheit",
        title="Fachtag Gesundheit und Arbeit",
        working_field="health",
        venue="Kreishaus",
        starts_at=held,
        ends_at=held + timedelta(hours=7),
        capacity=120,
    )
    session.add(conference)
    session.flush()
    attended = 0
    for index in range(rng.randint(60, 110)):
        came = rng.random() < 0.85
        attended += came
        session.add(
            Registration(
                conference_id=conference.id,
                name=f"Teilnehmende {index + 1}",
                email=f"teilnahme{index + 1}@example.org",
                status="registered",
                registered_at=held - timedelta(days=30),
                checked_in_at=held if came else None,
                registered_by="demo",
            )
        )
        conference.seats_taken += 1
    partners = list(
        session.scalars(
            select(col(Partner.id)).where(col(Partner.active)).order_by(col(Partner.id))
        )
    )
    answered = rng.sample(partners, min(len(partners), 20))
    for partner_id in answered:
        give_answer(
            session,
            AnswerDraft(
                survey=str(today.year),
                partner_id=partner_id,
                exchange=rng.choice([3, 4, 4, 5, 5]),
                synergies=rng.choice([2, 3, 4, 4, 5]),
                effectiveness=rng.choice([3, 3, 4, 4, 5]),
            ),
            today=today,
            actor=DEMO,
        )
    return (
        f"1 funded project, a conference with {attended} participants, "
        f"{len(answered)} survey answers"
    )


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment on ``day``, in UTC."""
    return datetime.combine(day, time(7 + rng.randrange(9), rng.randrange(60)), tzinfo=UTC)


def generate_tasks(session: Session, rng: random.Random, today: date, count: int = 90) -> int:
    """Tasks across the fields, with their full history up to today."""
    jobcenter = session.exec(select(Partner).where(Partner.kind == "jobcenter")).first()
    if jobcenter is None:
        raise InvalidInput([Problem("partners", "the demo needs a partner of kind 'jobcenter'")])
    coordinators = []
    for name, role in COORDINATORS:
        person = session.exec(
            select(Person).where(Person.partner_id == jobcenter.id, Person.name == name)
        ).first()
        if person is None:
            person = Person(partner_id=jobcenter.id, name=name, role=role)
            session.add(person)
        coordinators.append(person)
    circles = []
    for key, name, field in CIRCLES:
        circle = Circle(key=key, name=name, working_field=field, lead_partner_id=jobcenter.id)
        session.add(circle)
        circles.append(circle)
    session.flush()
    members: dict[str, list[int]] = {}
    for link in session.exec(select(PartnerWorkingField)):
        if link.partner_id != jobcenter.id:
            members.setdefault(link.working_field, []).append(link.partner_id)
    for circle in circles:
        # A circle brings the jobcenter together with some partners of its field.
        field_members = sorted(members.get(circle.working_field or "", []))
        chosen = rng.sample(field_members, min(len(field_members), rng.randint(3, 7)))
        for partner_id in [jobcenter.id, *chosen]:
            session.add(CirclePartner(circle_id=circle.id, partner_id=partner_id))
    fields = [field for field in TITLES if members.get(field)]
    weights = [4 if field == "health" else 1 for field in fields]
    for _ in range(count):
        field = rng.choices(fields, weights)[0]
        candidates = sorted(members[field])
        # A few partners carry many tasks: the first candidates of a field weigh most.
        partner_id = rng.choices(candidates, [1 / (i + 1) for i in range(len(candidates))])[0]
        due = today + timedelta(days=rng.randint(-60, 45))
        created = min(today, due - timedelta(days=rng.randint(14, 50)))
        accountable = rng.random()
        draft = TaskDraft(
            title=rng.choice(TITLES[field]),
            working_field=field,
            responsible_partner_id=partner_id,
            due_date=due,
            accountable_person_id=rng.choice(coordinators).id if accountable < 0.6 else None,
            accountable_circle_id=(
                rng.choice([c for c in circles if c.working_field == field] or circles).id
                if accountable >= 0.6
                else None
            ),
            consulted=rng.sample(candidates, k=min(len(candidates), rng.randint(0, 2))),
            informed=[jobcenter.id],
            origin=rng.choice(["", "Sitzung Suchtarbeitskreis", "Netzwerktreffen", "Fachtagung"]),
        )
        task = create_task(session, draft, actor="Sabine Netz", now=_at(created, rng))
        _live(session, rng, task, created, today)
    return count


def _live(session: Session, rng: random.Random, task: Task, created: date, today: date) -> None:
    """Walk a task through a plausible life up to today."""
    partner = f"Partner {task.responsible_partner_id}"
    day = created

    def step(action: str, after: int, actor: str = partner, reason: str = "") -> None:
        nonlocal day
        day = min(today, day + timedelta(days=after))
        transition_task(
            session,
            task.id,
            action,
            actor=Actor.operator(actor),
            today=day,
            reason=reason,
            now=_at(day, rng),
        )

    past_due = task.due_date < today
    fate = rng.random()
    if fate < 0.07:
        step("decline", rng.randint(1, 5), reason=rng.choice(REASONS["decline"]))
        return
    if fate < 0.11:
        step("cancel", rng.randint(1, 10), "Sabine Netz", rng.choice(REASONS["cancel"]))
        return
    if fate < (0.22 if past_due else 0.40):
        return  # still waiting for the partner's commitment
    step("commit", rng.randint(1, 6))
    if fate < (0.30 if past_due else 0.60):
        return
    step("start", rng.randint(1, 10))
    if fate < (0.36 if past_due else 0.80):
        return
    if fate < (0.40 if past_due else 0.85):
        step("block", rng.randint(1, 5), reason=rng.choice(REASONS["block"]))
        return
    # Done: mostly on time, some late.
    span = max(0, (task.due_date - day).days)
    late = past_due and rng.random() < 0.25
    after = (task.due_date - day).days + rng.randint(1, 15) if late else rng.randint(0, span)
    if day + timedelta(days=max(after, 0)) > today:
        return
    step("complete", max(after, 0))


#: The catalogue: key, partner, title, target groups, problem areas, social areas, places a
#: year, working field, legal domain. Two addiction offers overlap on purpose (a possible
#: duplicate structure for the catalogue to find).
OFFERS = [
    (
        "sucht-erstgespraech",
        "drogenberatung",
        "Erstgespräch Suchtberatung binnen 14 Tagen",
        ["Langzeitarbeitslose", "SGB-II-Leistungsberechtigte"],
        ["Sucht"],
        ["Musterstadt-Mitte"],
        240,
        "health",
        "SGB II",
    ),
    (
        "ambulante-beratung-sucht",
        "suchthilfe",
        "Ambulante Suchtberatung und Nachsorge",
        ["SGB-II-Leistungsberechtigte"],
        ["Sucht"],
        ["Musterstadt-Süd"],
        80,
        "health",
        "SGB V",
    ),
    (
        "entgiftung",
        "fachklinik",
        "Qualifizierte Entgiftung",
        ["Suchtkranke"],
        ["Sucht"],
        [],
        120,
        "health",
        "SGB V",
    ),
    (
        "adaption",
        "adaptionshaus",
        "Adaption nach der Entwöhnung",
        ["Suchtkranke"],
        ["Sucht", "Arbeit"],
        ["Musterstadt-Nord"],
        24,
        "health",
        "SGB VI",
    ),
    (
        "schuldnerberatung",
        "caritas",
        "Schuldner- und Insolvenzberatung",
        ["Überschuldete Haushalte"],
        ["Schulden"],
        [],
        150,
        "debt",
        "SGB II",
    ),
    (
        "energiesparberatung",
        "verbraucherzentrale",
        "Energiesparberatung in der Sprechstunde",
        ["Überschuldete Haushalte"],
        ["Schulden", "Energie"],
        ["Musterstadt-Mitte"],
        None,
        "debt",
        None,
    ),
    (
        "mbe",
        "migrationsberatung",
        "Migrationsberatung für Erwachsene",
        ["Zugewanderte"],
        ["Sprache", "Aufenthalt"],
        [],
        200,
        "migration",
        None,
    ),
    (
        "coaching-alleinerziehende",
        "chance",
        "Coaching für Alleinerziehende (ein Coach für zehn)",
        ["Alleinerziehende"],
        ["Kinderbetreuung", "Arbeit"],
        ["Musterstadt-Nord"],
        30,
        "single_parents",
        "SGB II",
    ),
    (
        "elternkurs",
        "fbs",
        "Elternkurs „Starke Eltern – starke Kinder“",
        ["Alleinerziehende", "Familien"],
        ["Erziehung"],
        ["Musterstadt-Mitte"],
        48,
        "single_parents",
        "SGB VIII",
    ),
]

#: Needs found in the region: title, target group, problem area, social area, people,
#: working field, where the need was found.
NEEDS = [
    (
        "Betreuung vor 8 und nach 16 Uhr",
        "Alleinerziehende",
        "Kinderbetreuung",
        "Musterstadt-Nord",
        40,
        "single_parents",
        "Sozialraumkonferenz Nord",
    ),
    (
        "Suchtberatung für Leistungsberechtigte",
        "SGB-II-Leistungsberechtigte",
        "Sucht",
        "",
        260,
        "health",
        "Statistik der Fachkräfte",
    ),
    (
        "Schuldnerberatung ohne Wartezeit",
        "Überschuldete Haushalte",
        "Schulden",
        "",
        400,
        "debt",
        "AK Schuldnerberatung",
    ),
    (
        "Deutsch für den Beruf",
        "Zugewanderte",
        "Sprache",
        "",
        120,
        "migration",
        "Migrationsberatung",
    ),
    ("Prävention Glücksspiel", "Jugendliche", "Spielsucht", "", 60, "health", "Jugendamt"),
]

#: The service chain of the addiction field: step title, partner, legal domain, longest wait.
CHAIN = [
    ("Erstgespräch in der Suchtberatung", "drogenberatung", "SGB II", 14),
    ("Qualifizierte Entgiftung", "fachklinik", "SGB V", 21),
    ("Adaption und Arbeitserprobung", "adaptionshaus", "SGB VI", 28),
    ("Rückkehr in die Vermittlung", "markt-integration", "SGB II", 14),
]


def generate_casework(
    session: Session, deployment: Deployment, rng: random.Random, today: date
) -> str:
    """The catalogue, the suchtarbeitskreis's meetings, a binding service chain with people
    on it, and cases referred between partners in every state of the loop: each through its
    service, dated back from today so that waits and histories read as lived."""
    from netzwerker.domain.cases.referrals import (
        ReferralDraft,
        ReferralMove,
        move_referral,
        send_referral,
    )
    from netzwerker.domain.cases.services import CaseDraft, ConsentDraft, create_case, give_consent
    from netzwerker.domain.catalogue.services import (
        NeedDraft,
        OfferDraft,
        create_offer,
        record_need,
    )
    from netzwerker.domain.chains.services import (
        AgreementDraft,
        ChainDraft,
        ChainStart,
        Handover,
        StepDraft,
        advance_instance,
        create_chain,
        current_referral,
        record_agreement,
        start_instance,
    )
    from netzwerker.domain.meetings.services import MeetingDraft, create_meeting, record_minutes
    from netzwerker.domain.partners.models import LegalDomain

    partner = {
        key: id_ for key, id_ in session.execute(sa.select(col(Partner.key), col(Partner.id)))
    }
    for key, owner, title, groups, problems, areas, places, field, domain in OFFERS:
        create_offer(
            session,
            OfferDraft(
                key=key,
                title=title,
                partner_id=partner[owner],
                target_groups=groups,
                problem_areas=problems,
                social_areas=areas,
                capacity=places,
                working_field=field,
                legal_domain=LegalDomain(domain) if domain else None,
            ),
            actor=DEMO,
        )
    for title, group, problem, area, people, field, source in NEEDS:
        record_need(
            session,
            NeedDraft(
                title=title,
                target_group=group,
                problem_area=problem,
                social_area=area,
                people=people,
                period_start=date(today.year, 1, 1),
                period_end=date(today.year, 12, 31),
                working_field=field,
                source=source,
            ),
            actor=DEMO,
        )

    circle = session.exec(select(Circle).where(Circle.key == "suchtarbeitskreis")).one()
    members = list(
        session.scalars(
            select(col(CirclePartner.partner_id)).where(CirclePartner.circle_id == circle.id)
        )
    )
    held = create_meeting(
        session,
        deployment,
        MeetingDraft(
            title="Sitzung des Suchtarbeitskreises",
            starts_at=_at(today - timedelta(days=21), rng).replace(hour=14, minute=0),
            location="Kreishaus, Raum 112",
            agenda=["Wartezeiten auf das Erstgespräch", "Entlassmanagement der Fachklinik"],
            circle_id=circle.id,
        ),
        actor=DEMO,
    )
    record_minutes(
        session,
        deployment,
        held.id,
        "Die Wartezeit auf das Erstgespräch liegt bei elf Tagen. Die Fachklinik meldet "
        "Entlassungen künftig eine Woche vorher an das Jobcenter.",
        [member for member in members if rng.random() < 0.8],
        actor=DEMO,
    )
    create_meeting(
        session,
        deployment,
        MeetingDraft(
            title="Sitzung des Suchtarbeitskreises",
            starts_at=_at(today + timedelta(days=14), rng).replace(hour=14, minute=0),
            location="Kreishaus, Raum 112",
            agenda=["Bericht aus der Dienstleistungskette", "Fachtag im Herbst"],
            circle_id=circle.id,
        ),
        actor=DEMO,
    )

    chain = create_chain(
        session,
        ChainDraft(
            key="sucht-arbeit",
            name="Von der Sucht in Arbeit",
            target_group="Langzeitarbeitslose mit Suchterkrankung",
            working_field="health",
            steps=[
                StepDraft(title, partner[owner], LegalDomain(domain), max_wait_days=wait)
                for title, owner, domain, wait in CHAIN
            ],
        ),
        actor=DEMO,
    )
    for owner in dict.fromkeys(owner for _, owner, _, _ in CHAIN):
        record_agreement(
            session,
            chain.id,
            AgreementDraft(partner[owner], "Geschäftsführung", today - timedelta(days=120)),
            today=today,
            actor=DEMO,
        )

    jobcenter = partner["jobcenter"]
    receivers = ["drogenberatung", "suchthilfe", "caritas", "migrationsberatung", "chance"]
    consenting = {partner[key] for key in receivers} | {partner[o] for _, o, _, _ in CHAIN}
    cases = []
    for number in range(1, 25):
        opened = today - timedelta(days=rng.randint(20, 150))
        case = create_case(
            session,
            CaseDraft(
                pseudonym=f"F-{opened.year}-{number:03d}",
                opened_on=opened,
                working_field=rng.choice(["health", "health", "debt", "single_parents"]),
            ),
            today=today,
            actor=DEMO,
        )
        for partner_id in sorted(consenting):
            give_consent(
                session,
                case.id,
                ConsentDraft(partner_id, "Beratung und Vermittlung", given_on=opened),
                today=today,
                actor=DEMO,
            )
        cases.append((case, opened))

    def moment(day: date) -> datetime:
        return _at(min(day, today), rng)

    # People on the chain, at every step; some waiting now, some moved on.
    for case, opened in cases[:8]:
        started = opened + timedelta(days=rng.randint(1, 5))
        instance = start_instance(
            session,
            chain.id,
            ChainStart(from_partner_id=jobcenter, case_id=case.id),
            today=today,
            actor=DEMO,
            now=moment(started),
        )
        day = started
        for _ in range(rng.randint(0, len(CHAIN))):
            referral = current_referral(session, instance.id)
            assert referral is not None
            day += timedelta(days=rng.randint(2, 16))
            if day >= today:
                break
            for action in ("accept", "record_first_contact"):
                move_referral(
                    session,
                    referral.id,
                    action,
                    ReferralMove(),
                    today=today,
                    actor=DEMO,
                    now=moment(day),
                )
            day += timedelta(days=rng.randint(1, 6))
            if day >= today or instance.status != "active":
                break
            advance_instance(
                session, instance.id, Handover(), today=today, actor=DEMO, now=moment(day)
            )
            if instance.status != "active":
                break

    # Referrals outside the chain, in every state of the loop.
    fates = ["sent", "accepted", "first_contact", "closed", "closed", "declined", "withdrawn"]
    for index, (case, opened) in enumerate(cases[8:]):
        sent = opened + timedelta(days=rng.randint(0, 10))
        referral = send_referral(
            session,
            ReferralDraft(
                case.id,
                jobcenter,
                partner[receivers[index % len(receivers)]],
                message="Bitte um einen Termin für ein Erstgespräch.",
            ),
            today=today,
            actor=DEMO,
            now=moment(sent),
        )
        fate = fates[index % len(fates)]
        steps = {
            "sent": [],
            "accepted": ["accept"],
            "first_contact": ["accept", "record_first_contact"],
            "closed": ["accept", "record_first_contact", "close"],
            "declined": ["decline"],
            "withdrawn": ["withdraw"],
        }[fate]
        day = sent
        for action in steps:
            day += timedelta(days=rng.randint(1, 9))
            reason = {
                "decline": "Keine Plätze vor dem nächsten Quartal",
                "withdraw": "Die Person ist verzogen",
            }.get(action, "")
            move_referral(
                session,
                referral.id,
                action,
                ReferralMove(reason=reason, outcome="Beratung läuft" if action == "close" else ""),
                today=today,
                actor=DEMO,
                now=moment(day),
            )
    return (
        f"{len(OFFERS)} offers, {len(NEEDS)} needs, 2 meetings, a binding service chain, "
        f"{len(cases)} cases with referrals"
    )
