"""The core's API, registered like a plugin's routes (entry point group ``netzwerker.core``).

The controllers are imported when the routes are asked for, so that the command line, which
loads the core's contributions too, never loads Litestar.
"""

from __future__ import annotations

from typing import Any

from netzwerker.hookspecs import hookimpl


@hookimpl
def register_routes() -> list[Any]:
    """The core's API: imported here so that the command line never loads Litestar."""
    from netzwerker.domain.appraisal.controllers import AppraisalController
    from netzwerker.domain.audit.controllers import read_audit_log
    from netzwerker.domain.cases.controllers import (
        CaseController,
        ReferralController,
        list_caseloads,
    )
    from netzwerker.domain.catalogue.controllers import (
        CatalogueController,
        NeedController,
        OfferController,
    )
    from netzwerker.domain.chains.controllers import ChainController, ChainInstanceController
    from netzwerker.domain.circles.controllers import CircleController
    from netzwerker.domain.conferences.controllers import ConferenceController
    from netzwerker.domain.evaluation.controllers import evaluation_report
    from netzwerker.domain.fields.controllers import (
        create_goal,
        list_goals,
        list_working_fields,
        read_goal,
        update_goal,
    )
    from netzwerker.domain.indicators.controllers import IndicatorController
    from netzwerker.domain.meetings.controllers import MeetingController
    from netzwerker.domain.partners.controllers import PartnerController
    from netzwerker.domain.projects.controllers import ProjectController, list_project_types
    from netzwerker.domain.tasks.controllers import ReportController, TaskController
    from netzwerker.domain.users.controllers import TokenController, UserController, me
    from netzwerker.domain.workflows.controllers import ROUTES as WORKFLOW_ROUTES
    from netzwerker.http.system import SYSTEM_ROUTES

    return [
        *SYSTEM_ROUTES,
        evaluation_report,
        list_working_fields,
        list_goals,
        create_goal,
        read_goal,
        update_goal,
        PartnerController,
        TaskController,
        ReportController,
        me,
        UserController,
        TokenController,
        read_audit_log,
        *WORKFLOW_ROUTES,
        list_project_types,
        ProjectController,
        IndicatorController,
        CircleController,
        AppraisalController,
        MeetingController,
        ConferenceController,
        OfferController,
        NeedController,
        CatalogueController,
        CaseController,
        ReferralController,
        list_caseloads,
        ChainController,
        ChainInstanceController,
    ]
