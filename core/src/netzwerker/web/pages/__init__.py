"""The core's pages, one module per part of the network; :data:`PAGES` lists their routes."""

from __future__ import annotations

from typing import Any

from netzwerker.web.pages import (
    account,
    admin,
    appraisal,
    calendars,
    cases,
    catalogue,
    chains,
    circles,
    conferences,
    evaluation,
    fields,
    mail,
    network,
    partners,
    projects,
    runs,
    start,
    survey,
    tasks,
    users,
)

PAGES: list[Any] = [
    *account.ROUTES,
    *start.ROUTES,
    *tasks.ROUTES,
    *partners.ROUTES,
    *network.ROUTES,
    *fields.ROUTES,
    *circles.ROUTES,
    *conferences.ROUTES,
    *projects.ROUTES,
    *catalogue.ROUTES,
    *appraisal.ROUTES,
    *chains.ROUTES,
    *cases.ROUTES,
    *runs.ROUTES,
    *evaluation.ROUTES,
    *survey.ROUTES,
    *admin.ROUTES,
    *mail.ROUTES,
    *calendars.ROUTES,
    *users.ROUTES,
]
