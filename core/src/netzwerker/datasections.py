"""The core's sections of a network data file (see :mod:`netzwerker.datafiles`).

Each entry is the draft the API takes, with references by key or name; a few entries carry
what happened to the record since (``recorded_on``, a project's ``funding`` and ``moves``, a
task's ``moves``, a registration's ``checked_in``), so a deployment can start from its
network's history. ``docs/data-files.md`` lists every section with an example.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import col

from netzwerker.clock import utcnow
from netzwerker.contributions import DataSection
from netzwerker.datafiles import Loader
from netzwerker.domain.appraisal import services as appraisal
from netzwerker.domain.cases import referrals
from netzwerker.domain.cases import services as cases
from netzwerker.domain.cases.models import Case
from netzwerker.domain.catalogue import services as catalogue
from netzwerker.domain.catalogue.models import Offer
from netzwerker.domain.chains import services as chains
from netzwerker.domain.circles import services as circles
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.conferences import services as conferences
from netzwerker.domain.conferences.models import Conference
from netzwerker.domain.fields.models import Goal
from netzwerker.domain.meetings import services as meetings
from netzwerker.domain.partners import services as partners
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.projects import services as projects
from netzwerker.domain.projects.models import Project
from netzwerker.domain.tasks import services as tasks
from netzwerker.errors import InvalidInput, Problem

PARTNER = {"partner": ("partner_id", Partner)}


@attrs.frozen
class Move:
    """A step a record took, for ``moves = ["commit", {action = "complete", on = …}]``."""

    action: str
    on: date | None = None
    reason: str = ""
    outcome: str = ""  # a referral's, when it is closed


@attrs.frozen
class Funding:
    """A funding application and, if decided, its decision."""

    source: projects.FundingSource
    requested: Decimal
    programme: str = ""
    submitted_on: date | None = None
    note: str = ""
    decision: str | None = None  # grant, grant_partially, reject, withdraw
    decided_on: date | None = None
    granted: Decimal | None = None
    reason: str = ""


def _split(entry: dict[str, Any], *names: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The entry without ``names``, and those names' values."""
    extras = {name: entry[name] for name in names if name in entry}
    return {k: v for k, v in entry.items() if k not in names}, extras


def _moves(loader: Loader, extras: dict[str, Any]) -> list[Move]:
    raw = [{"action": item} if isinstance(item, str) else item for item in extras.get("moves", [])]
    return loader.value({"moves": raw}, "moves", list[Move], [])


def _resolved(
    loader: Loader, items: Any, name: str, references: Mapping[str, tuple[str, type]]
) -> list[dict[str, Any]]:
    """A list of tables inside an entry, each with its references resolved."""
    return loader.each(items, name, lambda item: loader.resolve(item, references))


def load_person(loader: Loader, entry: dict[str, Any]) -> None:
    values, extras = _split(entry, "partner")
    partner_id = loader.find(Partner, extras.get("partner"), "partner")
    draft = loader.draft(values, partners.ContactDraft, {})
    if loader.session.scalar(
        sa.select(col(Person.id)).where(
            col(Person.partner_id) == partner_id, col(Person.name) == draft.name
        )
    ):
        raise InvalidInput([Problem("name", f"{extras['partner']} has a {draft.name!r} already")])
    partner = partners.get_partner_by_id(loader.session, partner_id)
    partners.add_contact(loader.session, partner, draft, actor=loader.actor)


def load_circle(loader: Loader, entry: dict[str, Any]) -> None:
    values, extras = _split(entry, "recorded_on")
    draft = loader.draft(
        values,
        circles.CircleDraft,
        {
            "lead": ("lead_partner_id", Partner),
            "partners": ("partners", Partner),
            "people": ("people", Person),
        },
    )
    when = loader.value(extras, "recorded_on", date, draft.founded_on)
    circles.create_circle(loader.session, draft, actor=loader.actor, now=loader.moment(when))


def load_chain(loader: Loader, entry: dict[str, Any]) -> None:
    """A service chain; ``agreements`` are the step partners' agreements to it (a chain is
    binding, and takes cases, once every step partner has agreed)."""
    values, extras = _split(entry, "agreements")
    if "steps" in values:
        values["steps"] = _resolved(
            loader, values["steps"], "steps", {**PARTNER, "offer": ("offer_id", Offer)}
        )
    agreements = loader.each(
        extras.get("agreements", []),
        "agreements",
        lambda item: loader.draft(item, chains.AgreementDraft, PARTNER),
    )
    draft = loader.draft(values, chains.ChainDraft, {})
    chain = chains.create_chain(loader.session, draft, actor=loader.actor)
    for agreed in agreements:
        chains.record_agreement(
            loader.session,
            chain.id,
            agreed,
            today=agreed.agreed_on or loader.deployment.today(),
            actor=loader.actor,
        )


def load_conference(loader: Loader, entry: dict[str, Any]) -> None:
    """A conference, with the ``registrations`` it had (each as ``[[registrations]]`` takes
    it, without ``conference``)."""
    values, extras = _split(entry, "registrations")
    draft = loader.draft(values, conferences.ConferenceDraft, {})
    conference = conferences.create_conference(
        loader.session, loader.deployment, draft, actor=loader.actor
    )
    loader.each(
        extras.get("registrations", []),
        "registrations",
        lambda item: _register(loader, conference, item),
    )


def load_registration(loader: Loader, entry: dict[str, Any]) -> None:
    values, extras = _split(entry, "conference")
    conference_id = loader.find(Conference, extras.get("conference"), "conference")
    _register(loader, conferences.get_conference(loader.session, conference_id), values)


def _register(loader: Loader, conference: Conference, entry: dict[str, Any]) -> None:
    """A registration; ``registered_on`` defaults to the day before registration closed, and
    ``checked_in = true`` records the person at the door."""
    values, extras = _split(entry, "registered_on", "checked_in")
    draft = loader.draft(values, conferences.RegistrationDraft, PARTNER)
    closes = conference.registration_closes_at or conference.starts_at
    day = loader.value(extras, "registered_on", date, None)
    when = loader.moment(day) if day else closes - timedelta(days=1)
    registration = conferences.register(
        loader.session, conference.id, draft, actor=loader.actor, now=when
    )
    if loader.value(extras, "checked_in", bool, False):
        conferences.check_in(
            loader.session,
            conference.id,
            registration.id,
            actor=loader.actor,
            now=conference.starts_at,
        )


def load_project(loader: Loader, entry: dict[str, Any]) -> None:
    values, extras = _split(entry, "recorded_on", "funding", "moves")
    if "partners" in values:
        values["partners"] = _resolved(loader, values["partners"], "partners", PARTNER)
    draft = loader.draft(values, projects.ProjectDraft, {})
    when = loader.value(extras, "recorded_on", date, None)
    funding = loader.value(extras, "funding", list[Funding], [])
    moves = _moves(loader, extras)
    session, deployment, actor = loader.session, loader.deployment, loader.actor
    project = projects.create_project(
        session, deployment, draft, actor=actor, now=loader.moment(when)
    )

    def apply_for(item: Funding) -> None:
        application = projects.add_funding(
            session,
            project.id,
            projects.FundingDraft(
                item.source, item.requested, item.programme, item.submitted_on, item.note
            ),
            actor=actor,
        )
        if item.decision:
            decision = projects.FundingDecision(
                item.decision, item.decided_on, item.granted, item.reason
            )
            projects.decide_funding(
                session, project.id, application.id, decision, today=deployment.today(), actor=actor
            )

    loader.each(funding, "funding", apply_for)
    for move in moves:
        projects.move_project(
            session, deployment, project.id, move.action, actor=actor, reason=move.reason
        )


def load_offer(loader: Loader, entry: dict[str, Any]) -> None:
    draft = loader.draft(entry, catalogue.OfferDraft, PARTNER)
    catalogue.create_offer(loader.session, draft, actor=loader.actor)


def load_need(loader: Loader, entry: dict[str, Any]) -> None:
    draft = loader.draft(entry, catalogue.NeedDraft, {})
    catalogue.record_need(loader.session, draft, actor=loader.actor)


TASK_REFERENCES = {
    "responsible": ("responsible_partner_id", Partner),
    "responsible_person": ("responsible_person_id", Person),
    "accountable": ("accountable_person_id", Person),
    "circle": ("accountable_circle_id", Circle),
    "goal": ("goal_id", Goal),
    "consulted": ("consulted", Partner),
    "informed": ("informed", Partner),
}


def load_tasks(loader: Loader, entries: list[dict[str, Any]]) -> None:
    """Tasks, each proposed on its ``recorded_on``; ``moves`` are the steps it took since
    (``commit``, ``start``, ``complete`` …), each on its day. A network's history holds
    tens of thousands of them: all are checked, then written together."""
    histories: list[tasks.TaskHistory] = []
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        try:
            histories.append(_task_history(loader, entry))
        except InvalidInput as exc:
            problems.extend(problem.within(f"[{index}]") for problem in exc.problems)
        loader.advance()
    if problems:
        raise InvalidInput(problems)
    tasks.create_tasks(loader.session, histories, actor=loader.actor)


def _task_history(loader: Loader, entry: dict[str, Any]) -> tasks.TaskHistory:
    values, extras = _split(entry, "recorded_on", "moves")
    draft = loader.draft(values, tasks.TaskDraft, TASK_REFERENCES)
    recorded = loader.value(extras, "recorded_on", date, None)
    steps = []
    for move in _moves(loader, extras):
        day = move.on or loader.deployment.today()
        steps.append(tasks.Step(move.action, day, loader.moment(day), move.reason))  # type: ignore[arg-type]
    return tasks.TaskHistory(draft, loader.moment(recorded) or utcnow(), tuple(steps))


def load_meeting(loader: Loader, entry: dict[str, Any]) -> None:
    values = dict(entry)
    if values.get("participants") is not None:
        values["participants"] = _resolved(
            loader,
            values["participants"],
            "participants",
            {**PARTNER, "person": ("person_id", Person)},
        )
    draft = loader.draft(
        values, meetings.MeetingDraft, {"circle": ("circle_id", Circle), "case": ("case_id", Case)}
    )
    meetings.create_meeting(loader.session, loader.deployment, draft, actor=loader.actor)


def load_case(loader: Loader, entry: dict[str, Any]) -> None:
    """A case by pseudonym with its workers and the consents the person gave."""
    values, extras = _split(entry, "consents")
    if "workers" in values:
        values["workers"] = _resolved(
            loader, values["workers"], "workers", {"person": ("person_id", Person)}
        )
    consents = loader.each(
        extras.get("consents", []),
        "consents",
        lambda item: loader.draft(item, cases.ConsentDraft, PARTNER),
    )
    draft = loader.draft(values, cases.CaseDraft, {})
    today = draft.opened_on or loader.deployment.today()
    case = cases.create_case(loader.session, draft, today=today, actor=loader.actor)
    for consent in consents:
        cases.give_consent(loader.session, case.id, consent, today=today, actor=loader.actor)


def load_consent(loader: Loader, entry: dict[str, Any]) -> None:
    """A consent a person gave for a case (by pseudonym) that exists already, e.g. a
    household a plugin's section opened."""
    values, extras = _split(entry, "case")
    case_id = loader.find(Case, extras.get("case"), "case")
    draft = loader.draft(values, cases.ConsentDraft, PARTNER)
    today = draft.given_on or loader.deployment.today()
    cases.give_consent(loader.session, case_id, draft, today=today, actor=loader.actor)


def load_referral(loader: Loader, entry: dict[str, Any]) -> None:
    """A referral sent on ``sent_on`` (refused without the person's consent, as in the API),
    and the steps of its loop since: ``moves = ["accept", "record_first_contact", {action =
    "close", outcome = "…"}]``."""
    values, extras = _split(entry, "sent_on", "moves")
    draft = loader.draft(
        values,
        referrals.ReferralDraft,
        {
            "case": ("case_id", Case),
            "from": ("from_partner_id", Partner),
            "to": ("to_partner_id", Partner),
            "offer": ("offer_id", Offer),
        },
    )
    sent_on = loader.value(extras, "sent_on", date, loader.deployment.today())
    session, actor = loader.session, loader.actor
    referral = referrals.send_referral(
        session, draft, today=sent_on, actor=actor, now=loader.moment(sent_on)
    )
    for move in _moves(loader, extras):
        day = move.on or sent_on
        referrals.move_referral(
            session,
            referral.id,
            move.action,
            referrals.ReferralMove(reason=move.reason, outcome=move.outcome),
            today=day,
            actor=actor,
            now=loader.moment(day),
        )


def load_rating(loader: Loader, entry: dict[str, Any]) -> None:
    """Scores of an offer's quality (``offer = "key"``) or of a proposed measure's priority
    (``project = "key"``): ``scores = { criterion = score, … }`` on ``rated_on``."""
    values, extras = _split(entry, "offer", "project", "scores")
    if ("offer" in extras) == ("project" in extras):
        raise InvalidInput([Problem("offer", "name either an offer or a project")])
    subject = appraisal.Subject.OFFER if "offer" in extras else appraisal.Subject.PROJECT
    model = Offer if subject is appraisal.Subject.OFFER else Project
    subject_id = loader.find(model, extras[subject.value], subject.value)
    scores = loader.value(extras, "scores", dict[str, int], {})
    common = loader.draft({"criterion": "", "score": 0, **values}, appraisal.RatingDraft, {})
    drafts = [attrs.evolve(common, criterion=key, score=score) for key, score in scores.items()]
    today = common.rated_on or loader.deployment.today()
    appraisal.rate(
        loader.session,
        loader.deployment,
        subject,
        subject_id,
        drafts,
        today=today,
        actor=loader.actor,
    )


def load_resource(loader: Loader, entry: dict[str, Any]) -> None:
    """What a provider spent on an offer in a year (``offer``, ``partner`` by key)."""
    draft = loader.draft(entry, appraisal.ResourceDraft, {"offer": ("offer_id", Offer), **PARTNER})
    appraisal.spend(loader.session, draft, actor=loader.actor)


def core_sections() -> list[DataSection]:
    return [
        DataSection("people", load_person, "Ansprechpersonen der Partner"),
        DataSection("circles", load_circle, "Koordinierungs- und Arbeitskreise"),
        DataSection("chains", load_chain, "Dienstleistungs- und Unterstützungsketten"),
        DataSection("conferences", load_conference, "Tagungen und Konferenzen"),
        DataSection("registrations", load_registration, "Anmeldungen zu Tagungen"),
        DataSection("projects", load_project, "Projekte mit Förderanträgen"),
        DataSection("offers", load_offer, "Angebote (Leistungskatalog)"),
        DataSection("needs", load_need, "Bedarfe"),
        DataSection("tasks", description="Aufgaben und Zusagen", load_all=load_tasks),
        DataSection("meetings", load_meeting, "Sitzungen und Fallkonferenzen"),
        DataSection("cases", load_case, "Fälle mit Einwilligungen"),
        DataSection("consents", load_consent, "Einwilligungen zu bestehenden Fällen"),
        DataSection("ratings", load_rating, "Qualitätsbewertungen und Prioritäten"),
        DataSection("resources", load_resource, "Mittel- und Ressourceneinsatz je Angebot"),
        DataSection("referrals", load_referral, "Verweise zwischen Partnern"),
    ]
