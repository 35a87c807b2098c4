"""The core's web interface, registered like a plugin's pages (entry point group
``netzwerker.core``): its pages and its navigation."""

from __future__ import annotations

from typing import Any

from netzwerker.contributions import NavigationEntry
from netzwerker.domain.users import permissions
from netzwerker.hookspecs import hookimpl


@hookimpl
def register_web_routes() -> list[Any]:
    """The core's pages: imported here so that the command line never loads Litestar."""
    from netzwerker.web.pages import PAGES

    return PAGES


@hookimpl
def register_navigation() -> list[NavigationEntry]:
    # Labels are the interface's source text; the catalogues translate them.
    return [
        NavigationEntry("start", "Overview", "/", order=10),
        NavigationEntry("tasks", "Tasks", "/tasks", order=20),
        NavigationEntry("partners", "Partners", "/partners", order=30),
        NavigationEntry("network", "Network", "/network", order=35),
        NavigationEntry("fields", "Working fields", "/fields", order=40),
        NavigationEntry("circles", "Circles", "/circles", order=50),
        NavigationEntry("conferences", "Conferences", "/conferences", order=55),
        NavigationEntry("projects", "Projects", "/projects", order=56),
        NavigationEntry("catalogue", "Offers and needs", "/catalogue", order=57),
        NavigationEntry("chains", "Service chains", "/chains", order=58),
        NavigationEntry("referrals", "Cases and referrals", "/referrals", order=59),
        NavigationEntry("runs", "Runs", "/runs", order=62, permission=permissions.RUN_READ),
        NavigationEntry("survey", "Survey", "/survey", order=65),
        NavigationEntry(
            "evaluation",
            "Evaluation",
            "/evaluation",
            order=70,
            permission=permissions.EVALUATION_READ,
        ),
        NavigationEntry(
            "admin",
            "Administration",
            "/admin/plugins",
            order=90,
            permission=permissions.PLUGIN_SWITCH,
        ),
        NavigationEntry(
            "mail", "Mails", "/admin/mail", order=92, permission=permissions.MAIL_OUTBOX
        ),
    ]
