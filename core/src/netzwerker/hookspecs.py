"""Every hook a netzwerker plugin can implement, in one place.

A plugin is a Python package whose distribution registers a module under the entry point group
``netzwerker``; the entry point's name is the plugin's name, the one a deployment enables::

    [project.entry-points.netzwerker]
    health = "netzwerker_health.hooks"

The module implements some of the hooks below with ``@netzwerker.hookimpl``. An implementation
may accept fewer arguments than the specification names, so hooks can grow without breaking
plugins. Call sites always pass keyword arguments.

Hooks come in three families:

* ``register_*`` return a list of contributions; the core concatenates the lists of all
  enabled plugins and refuses two contributions with the same key.
* ``settings_class`` and ``register_migrations`` describe the plugin itself.
* event hooks (``task_*``, ``workflow_*``) are called after the change they report has
  been committed, with the record as it is then (a later change in the same transaction
  shows); their return value is ignored, and an exception in one is logged with the
  plugin's name without undoing the change.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import random
    from datetime import date

    import click
    from sqlmodel import Session

    from netzwerker.contributions import (
        DataSection,
        Indicator,
        NavigationEntry,
        PartnerKind,
        ProjectType,
        WorkingField,
    )
    from netzwerker.deployment import Deployment
    from netzwerker.domain.cases.models import Referral
    from netzwerker.domain.tasks.models import Task, TaskEvent
    from netzwerker.domain.users.permissions import Permission
    from netzwerker.domain.workflows.models import WorkflowEvent, WorkflowRun
    from netzwerker.workflow import Workflow

PROJECT_NAME = "netzwerker"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# --------------------------------------------------------------------------------------------
# The plugin itself
# --------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def settings_class() -> type | None:
    """The attrs class that the plugin's settings in ``deployment.toml`` are structured into.

    Called once per plugin when a deployment is loaded or checked. The table
    ``[plugins.<name>.settings]`` is structured into this class with the strict converter of
    the core, so ``max_wait_days = "ten"`` is reported as
    ``plugins.health.settings.max_wait_days: expected an integer, got 'ten'`` and an unknown key
    as an error that names it. Stops at the first non-None result.

    Example::

        @attrs.frozen
        class HealthSettings:
            max_wait_days: int = 14

        @hookimpl
        def settings_class():
            return HealthSettings

    The deployment's structured value is ``deployment.plugin_settings("health")``.

    :returns: an attrs class whose attributes all have defaults, or ``None`` when the plugin
        takes no settings.
    """


@hookspec(firstresult=True)
def register_migrations() -> Path | str | None:
    """The folder of the plugin's Alembic revision files, or ``None`` when it has no tables.

    Called by ``netzwerker migrate`` for every enabled plugin, after the core's schema is
    current. Each plugin's revisions form their own history, kept in the version table
    ``alembic_version_<plugin>``: disabling a plugin leaves its tables and data alone, and
    enabling it again continues where it stopped. Name tables ``<plugin>_…``. Stops at the
    first non-None result.

    Example::

        @hookimpl
        def register_migrations():
            return Path(__file__).parent / "migrations"
    """


@hookspec(firstresult=True)
def register_web_assets() -> Path | str | None:
    """The folder of the plugin's web templates, catalogues and static files, or ``None``.

    Called when the app is built. The folder may hold ``templates/`` (reachable as
    ``<plugin>/<file>.html`` and free to extend the core's ``base.html``), ``locale/`` (Babel
    catalogues, ``<language>/LC_MESSAGES/messages.po``, used where the core's have no
    translation) and ``static/`` (served under ``/static/<plugin>/``). Stops at the first
    non-None result.

    Example::

        @hookimpl
        def register_web_assets():
            return Path(__file__).parent / "web"
    """


# --------------------------------------------------------------------------------------------
# Contributions to the domain
# --------------------------------------------------------------------------------------------


@hookspec
def register_working_fields(deployment: Deployment) -> list[WorkingField]:
    """The working fields (Arbeitsfelder) this plugin contributes.

    Called when a deployment is loaded; ``netzwerker migrate`` stores them. Two plugins (or a
    plugin and the configuration) claiming the same key is an error naming both.

    :param deployment: the loaded deployment, e.g. to read the plugin's settings.
    Example::

        @hookimpl
        def register_working_fields():
            return [WorkingField("health", "Gesundheit", "Arbeitslosigkeit und Gesundheit")]

    :returns: a list of :class:`netzwerker.contributions.WorkingField`.
    """


@hookspec
def register_partner_kinds(deployment: Deployment) -> list[PartnerKind]:
    """Kinds of partner organisations this plugin knows, beside the core's general ones.

    Called when a deployment is loaded; an imported partner's ``kind`` must be one of the
    known keys. A key contributed twice is an error naming both plugins.

    Example::

        @hookimpl
        def register_partner_kinds():
            return [PartnerKind("addiction_counselling", "Suchtberatung")]

    :returns: a list of :class:`netzwerker.contributions.PartnerKind`.
    """


@hookspec
def register_project_types(deployment: Deployment) -> list[ProjectType]:
    """Project types this plugin contributes, each with the attrs class of its details.

    Called when a deployment is loaded.

    Example::

        @attrs.frozen
        class PreventionDetails:
            target_group: str = attrs.field(metadata={"label": "Zielgruppe"})
            sessions: int = attrs.field(default=1, metadata={"label": "Termine"})

        @hookimpl
        def register_project_types():
            return [ProjectType("prevention", "Präventionsangebot", PreventionDetails, "health")]

    :returns: a list of :class:`netzwerker.contributions.ProjectType`.
    """


@hookspec
def register_indicators(deployment: Deployment) -> list[Indicator]:
    """Indicators this plugin contributes: computed from stored data, or entered by hand.

    Called when a deployment is loaded. A computed indicator's ``compute(session, period,
    scope)`` should be one SQL aggregate; ``scope`` holds ``today`` and may narrow the
    computation (``working_field``, ``partner_id``). An indicator may give that aggregate as
    ``query(period, scope)`` instead, the select unexecuted: reports then ask many indicators
    and periods in one statement.

    :param deployment: the loaded deployment; an indicator may depend on the plugin's settings.

    Example::

        def referrals_completed(session, period, scope):
            return session.scalar(select(func.count()).where(...))

        def staff_trained(period, scope):
            return select(func.sum(HealthTraining.participants)).where(...)

        @hookimpl
        def register_indicators():
            return [Indicator("health_referrals", "Vermittlungen", "Anzahl", "health",
                              compute=referrals_completed),
                    Indicator("health_staff_trained", "Geschulte", "Personen", "health",
                              query=staff_trained)]

    :returns: a list of :class:`netzwerker.contributions.Indicator`.
    """


@hookspec
def register_workflows(deployment: Deployment) -> list[Workflow]:
    """State machines this plugin contributes.

    Called when a deployment is loaded; each definition is checked then (unknown states,
    unreachable states, no end state), and a problem is an error that names the plugin.

    Example::

        @hookimpl
        def register_workflows():
            return [Workflow(
                key="health_referral",
                states=["requested", "arrived", "closed"],
                initial="requested",
                final=["closed"],
                transitions=[Transition("arrive", ["requested"], "arrived"),
                             Transition("close", ["requested", "arrived"], "closed")],
            )]

    :returns: a list of :class:`netzwerker.workflow.Workflow`.
    """


@hookspec
def register_permissions(deployment: Deployment) -> list[Permission]:
    """The permissions this plugin's services ask: which roles may do each of its actions.

    Called when a deployment is loaded; the core's and every enabled plugin's permissions
    make one matrix (``netzwerker permissions`` prints it, a test walks every route against
    it). A plugin's service calls :func:`netzwerker.domain.users.permissions.authorize` with
    its own permission before it changes anything; routes and pages only translate the
    :class:`netzwerker.errors.Forbidden` it raises. Prefix the keys with the plugin's name.

    Example::

        from netzwerker.domain.users.permissions import MANAGERS, Permission

        RECORD_TRAINING = Permission("health.training", "record trainings", MANAGERS)

        @hookimpl
        def register_permissions():
            return [RECORD_TRAINING]

        def add_training(session, draft, *, actor):
            authorize(actor, RECORD_TRAINING)
            ...

    :returns: a list of :class:`netzwerker.domain.users.permissions.Permission`.
    """


@hookspec
def register_routes(deployment: Deployment) -> list[Any]:
    """HTTP route handlers or controllers this plugin adds to the deployment's API.

    Called when the app is built from a deployment (``netzwerker.app.create_app``). Paths
    start with ``/api/<plugin>/`` so plugins never collide; every route requires a token.
    The core's own API comes through this hook as well.

    Example::

        @get("/api/health/trainings", sync_to_thread=False)
        def trainings(deployment: CurrentDeployment) -> list[TrainingOut]: ...

        @hookimpl
        def register_routes():
            return [trainings]

    :returns: a list of Litestar route handlers or ``Controller`` classes.
    """


@hookspec
def register_web_routes(deployment: Deployment) -> list[Any]:
    """Pages this plugin adds to the web interface: Litestar route handlers or controllers.

    Called when the app is built. Paths start with ``/<plugin>/``. Every page requires a
    signed-in user (its actor is the ``actor`` dependency, as in the API), every form post a
    CSRF token (``{{ csrf_input }}`` in the form), and a :class:`netzwerker.errors.Forbidden`
    or :class:`netzwerker.errors.NotFound` is shown as the interface's German error page.
    Render with ``netzwerker.web.rendering.page(request, "<plugin>/<file>.html", **context)``.

    Example::

        @get("/single_parents/caseloads", sync_to_thread=False)
        def caseloads(request: Request, deployment: CurrentDeployment) -> Template:
            return page(request, "single_parents/caseloads.html", rows=...)

        @hookimpl
        def register_web_routes():
            return [caseloads]

    :returns: a list of Litestar route handlers or ``Controller`` classes.
    """


@hookspec
def register_navigation(deployment: Deployment) -> list[NavigationEntry]:
    """Entries this plugin adds to the web interface's navigation.

    Called when a deployment is loaded; a key contributed twice is an error naming both
    plugins. The core's own entries come through this hook as well.

    Example::

        @hookimpl
        def register_navigation():
            return [NavigationEntry("caseloads", "Fallzahlen", "/single_parents/caseloads",
                                    order=60, permission=SEE_COACHING)]

    :returns: a list of :class:`netzwerker.contributions.NavigationEntry`.
    """


@hookspec
def register_data_sections(deployment: Deployment) -> list[DataSection]:
    """Sections this plugin adds to a deployment's network data files.

    Called when a deployment is loaded; ``netzwerker import`` (and the rehearsal of
    ``netzwerker check``) calls a section's ``load(loader, entry)`` once per entry, inside the
    import's transaction. ``loader.draft(entry, Draft, {"coach": ("coach_person_id",
    Person)})`` resolves the file's keys and names to ids and structures the plugin's draft,
    reporting every problem with its place in the file. The core's sections (people, circles,
    projects …) come through this hook as well. A section of thousands of entries may give
    ``load_all(loader, entries)`` instead, which checks them all, then writes them together
    (the core's ``tasks`` does).

    Example::

        def load_household(loader, entry):
            draft = loader.draft(entry, HouseholdDraft, {"coach": ("coach_person_id", Person)})
            add_household(loader.session, loader.deployment, draft, actor=loader.actor)

        @hookimpl
        def register_data_sections():
            return [DataSection("households", load_household, "Bedarfsgemeinschaften")]

    :returns: a list of :class:`netzwerker.contributions.DataSection`.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``netzwerker`` command line.

    Called when the command line is asked for a command the core does not have (or for the
    list of commands), for every installed plugin that imports cleanly (the deployment is
    not known yet). Name the plugin's group after the plugin; import its commands inside the
    hook, so that loading the plugin costs nothing until they are wanted. The core's own
    commands come through this hook too (:mod:`netzwerker.commands`).

    :param cli: the root ``click`` group.

    Example::

        # netzwerker_health/commands.py
        from netzwerker.commands.support import deployment_argument, open_deployment

        @click.group(help="Arbeitsfeld Gesundheit: staff trainings.")
        def health(): ...

        @health.command("trainings")
        @deployment_argument
        def trainings(deployment):
            loaded = open_deployment(deployment)
            ...

        # netzwerker_health/hooks.py
        @hookimpl
        def register_commands(cli):
            from netzwerker_health.commands import health

            cli.add_command(health)
    """


@hookspec
def generate_demo_data(
    session: Session, deployment: Deployment, rng: random.Random, today: date
) -> str | None:
    """Add the plugin's sample records to the demo (``netzwerker demo``).

    Called once, in the demo's transaction, after the core's sample network (partners,
    circles, tasks, cases, referrals, a service chain) is stored. Write through the plugin's
    own services, dated back from ``today``, drawing every choice from ``rng`` so that a seed
    gives the same demo; the actor is the demo's operator (``Actor.operator("demo")``).
    Return one line that says what was added (printed by the demo), or None.

    Example::

        @hookimpl
        def generate_demo_data(session, deployment, rng, today):
            for index in range(3):
                add_training(session, TrainingDraft(f"Schulung {index + 1}",
                             today - timedelta(days=30 * index)), actor=Actor.operator("demo"))
            return "3 staff trainings"
    """


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------


@hookspec
def task_created(task: Task, deployment: Deployment) -> None:
    """A task was created (status ``proposed``). Called after the commit.

    Example::

        @hookimpl
        def task_created(task):
            if task.working_field == "health":
                notify_health_office(task.title)
    """


@hookspec
def task_status_changed(
    task: Task, event: TaskEvent, old_status: str, new_status: str, deployment: Deployment
) -> None:
    """A task moved through its status machine (commit, start, complete, decline, …).

    Called after the commit, once per transition, with the history entry that records it
    (who, when, why).

    Example::

        @hookimpl
        def task_status_changed(task, new_status, event):
            if new_status == "declined":
                log.info("task %s declined: %s", task.id, event.reason)
    """


@hookspec
def task_due_soon(task: Task, days_left: int, deployment: Deployment) -> None:
    """``netzwerker escalate`` reminds the responsible partner of a task due soon.

    Called once per task and reminder rule (the run is idempotent), after the commit.

    Example::

        @hookimpl
        def task_due_soon(task, days_left):
            send_mail(task.responsible_partner, f"Noch {days_left} Tage: {task.title}")
    """


@hookspec
def task_overdue(task: Task, days_overdue: int, deployment: Deployment) -> None:
    """A task became overdue: its due date passed and it is neither done nor closed.

    Called once per task by ``netzwerker escalate``, after the commit.

    Example::

        @hookimpl
        def task_overdue(task, days_overdue):
            log.warning("task %s is %d days overdue", task.id, days_overdue)
    """


@hookspec
def task_escalated(task: Task, level: str, days_overdue: int, deployment: Deployment) -> None:
    """An overdue task was escalated by ``netzwerker escalate``.

    ``level`` is ``"accountable"`` (handed to the accountable coordinator or circle) or
    ``"network"`` (listed in the network report). Called once per task and level, after the
    commit.

    Example::

        @hookimpl
        def task_escalated(task, level):
            if level == "network":
                add_to_circle_agenda(task)
    """


@hookspec
def workflow_started(run: WorkflowRun, deployment: Deployment) -> None:
    """A run of a workflow was started (a referral, a coaching, a project).

    Called after the commit, with the run in its initial state.

    Example::

        @hookimpl
        def workflow_started(run):
            if run.workflow == "debt_counselling" and run.priority > 0:
                log.warning("crisis: %s", run.subject)
    """


@hookspec
def workflow_transitioned(
    run: WorkflowRun,
    event: WorkflowEvent,
    old_state: str,
    new_state: str,
    deployment: Deployment,
) -> None:
    """A run moved from ``old_state`` to ``new_state``.

    Called after the commit, once per transition, with the history entry that records it
    (who, when, why, which partner took over). The transition's own actions (tasks, a case
    conference) have already run inside the transaction; this hook is for what lies outside
    it, such as a message to a partner's system.

    Example::

        @hookimpl
        def workflow_transitioned(run, new_state):
            if new_state == "first_contact":
                notify_referring_partner(run)
    """


@hookspec
def referral_changed(referral: Referral, action: str, deployment: Deployment) -> None:
    """A referral was sent (``action == "send"``) or moved (accept, record_first_contact,
    close, decline, withdraw).

    Called after the commit, with the referral as it was stored. This is where a plugin
    tells the referring partner's own system that the person arrived (closed loop), or
    transfers the consented data to the receiving partner's system.

    Example::

        @hookimpl
        def referral_changed(referral, action):
            if action == "record_first_contact":
                send_feedback(referral.from_partner_id, referral.id)
    """
