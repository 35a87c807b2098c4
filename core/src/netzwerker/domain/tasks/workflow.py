"""The status machine of a task: an explicit commitment before work, a reason for every no."""

from __future__ import annotations

from netzwerker.workflow import Transition, Workflow

#: Statuses in which a task is still someone's open commitment (and can become overdue).
OPEN_STATUSES = ("proposed", "committed", "in_progress", "blocked")

TASK_WORKFLOW = Workflow(
    key="task",
    name="Aufgabe",
    internal=True,
    states=["proposed", "committed", "in_progress", "blocked", "done", "declined", "cancelled"],
    initial="proposed",
    final=["done", "cancelled"],
    transitions=[
        Transition("commit", ["proposed"], "committed", label="Zusagen"),
        Transition("start", ["committed"], "in_progress", label="Beginnen"),
        Transition("complete", ["committed", "in_progress"], "done", label="Als erledigt melden"),
        Transition(
            "decline",
            ["proposed", "committed"],
            "declined",
            requires_reason=True,
            label="Ablehnen",
        ),
        Transition(
            "block",
            ["committed", "in_progress"],
            "blocked",
            requires_reason=True,
            label="Blockieren",
        ),
        Transition("resume", ["blocked"], "in_progress", label="Fortsetzen"),
        Transition(
            "cancel",
            ["proposed", "committed", "in_progress", "blocked", "declined"],
            "cancelled",
            requires_reason=True,
            label="Aufgabe abbrechen",
        ),
        # Changing who is responsible, or the due date, withdraws a commitment: it was given
        # by one partner for one date. A declined task comes back this way when reassigned.
        Transition(
            "repropose",
            ["committed", "in_progress", "blocked", "declined"],
            "proposed",
            requires_reason=True,
            label="Neu vorschlagen",
        ),
    ],
    labels={
        "proposed": "vorgeschlagen",
        "committed": "zugesagt",
        "in_progress": "in Arbeit",
        "blocked": "blockiert",
        "done": "erledigt",
        "declined": "abgelehnt",
        "cancelled": "abgebrochen",
    },
)

#: Transitions a user may ask for; ``repropose`` follows from an update, never on its own.
REQUESTED_ACTIONS = tuple(t.name for t in TASK_WORKFLOW.transitions if t.name != "repropose")
