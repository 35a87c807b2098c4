"""State machines: one definition class for every workflow in netzwerker.

The task status machine, the project lifecycle and every workflow a plugin contributes are
:class:`Workflow` definitions. A definition is checked when its plugin loads
(:meth:`Workflow.problems`), and :meth:`Workflow.apply` is the single place where a transition
is allowed or refused. Runs of a workflow are stored by
:mod:`netzwerker.domain.workflows`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs

from netzwerker.validators import string_set, strings


class TransitionRefused(Exception):
    """A transition the workflow forbids, or one that lacks what it requires."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _actions(actions: Iterable[Callable[[Any], None]]) -> tuple[Callable[[Any], None], ...]:
    return tuple(actions)


@attrs.frozen
class Transition:
    """A named move from one of ``sources`` to ``target``.

    ``requires_reason``: the move must say why (declining, blocking, cancelling).
    ``guard``: optional callable ``guard(subject) -> str | None``; a returned string is the
    reason the move is refused for that subject. For a stored workflow run the subject
    is a :class:`netzwerker.domain.workflows.services.Step`.
    ``hands_over``: the move names the partner who takes over (a referral, a handover).
    ``actions``: callables ``action(step)`` run in the same transaction after the move, e.g.
    :func:`netzwerker.domain.workflows.actions.create_task`.
    ``label``: what the button that makes the move says, a verb ("Zusagen", "Blockieren");
    the state it leads to has its own label in the workflow's ``labels``.
    """

    name: str
    sources: tuple[str, ...] = attrs.field(converter=strings)
    target: str
    requires_reason: bool = False
    guard: Callable[[Any], str | None] | None = None
    label: str = ""
    hands_over: bool = False
    actions: tuple[Callable[[Any], None], ...] = attrs.field(default=(), converter=_actions)


def _transitions(transitions: Iterable[Transition]) -> tuple[Transition, ...]:
    return tuple(transitions)


@attrs.frozen
class Workflow:
    """A state machine: states, an initial state, final states and named transitions.

    ``labels`` names the states in German for the UI; ``name`` names the workflow.
    ``data``: an attrs class a run's data is structured into (validated with cattrs,
    so a wrong value is reported with its path); ``None`` means no data.
    ``max_days``: the longest a run should wait in a state, in days (usually from the
    plugin's settings); a run past it is overdue in that step.
    ``priority``: optional ``priority(data) -> int`` that ranks a new run from its data
    (a crisis first); the higher of it and the priority asked for wins.
    ``internal``: the core drives it through records of its own (a task's status, a project's
    lifecycle); the workflow API neither starts nor moves its runs.
    """

    key: str
    states: tuple[str, ...] = attrs.field(converter=strings)
    initial: str
    final: frozenset[str] = attrs.field(converter=string_set)
    transitions: tuple[Transition, ...] = attrs.field(converter=_transitions)
    labels: dict[str, str] = attrs.field(factory=dict)
    name: str = ""
    working_field: str | None = None
    data: type | None = None
    max_days: dict[str, int] = attrs.field(factory=dict)
    priority: Callable[[Any], int] | None = None
    internal: bool = False

    def problems(self) -> list[str]:
        """Everything wrong with this definition, as readable sentences (empty when sound)."""
        problems: list[str] = []
        known = set(self.states)
        if len(known) != len(self.states):
            problems.append(f"workflow {self.key!r}: a state is listed twice")
        if self.initial not in known:
            problems.append(f"workflow {self.key!r}: initial state {self.initial!r} is unknown")
        if not self.final:
            problems.append(f"workflow {self.key!r}: has no end state")
        problems.extend(
            f"workflow {self.key!r}: end state {state!r} is unknown"
            for state in sorted(self.final - known)
        )
        names: set[str] = set()
        for transition in self.transitions:
            for state in (*transition.sources, transition.target):
                if state not in known:
                    problems.append(
                        f"workflow {self.key!r}: transition {transition.name!r} "
                        f"uses unknown state {state!r}"
                    )
            problems.extend(
                f"workflow {self.key!r}: transition {transition.name!r} leaves end state {source!r}"
                for source in transition.sources
                if source in self.final
            )
            names.add(transition.name)
        if len(names) != len(self.transitions):
            problems.append(f"workflow {self.key!r}: a transition name is used twice")
        for state, days in sorted(self.max_days.items()):
            if state not in known:
                problems.append(f"workflow {self.key!r}: max_days names unknown state {state!r}")
            elif state in self.final:
                problems.append(f"workflow {self.key!r}: end state {state!r} cannot have max_days")
            if not isinstance(days, int) or days < 0:
                problems.append(
                    f"workflow {self.key!r}: max_days of {state!r} must be a whole number >= 0"
                )
        if self.data is not None and not attrs.has(self.data):
            problems.append(f"workflow {self.key!r}: data must be an attrs class")
        problems.extend(
            f"workflow {self.key!r}: state {state!r} is unreachable from {self.initial!r}"
            for state in self.states
            if state not in self.reachable()
        )
        problems.extend(
            f"workflow {self.key!r}: no end state can be reached from {state!r}"
            for state in self.states
            if state in self.reachable() and not (self.reachable(state) & self.final)
        )
        return problems

    def reachable(self, start: str | None = None) -> set[str]:
        """The states reachable from ``start`` (default: the initial state), itself included."""
        seen = {start or self.initial}
        frontier = [start or self.initial]
        while frontier:
            state = frontier.pop()
            for transition in self.transitions:
                if state in transition.sources and transition.target not in seen:
                    seen.add(transition.target)
                    frontier.append(transition.target)
        return seen

    def label(self, state: str) -> str:
        return self.labels.get(state, state)

    def transition(self, name: str) -> Transition:
        for transition in self.transitions:
            if transition.name == name:
                return transition
        raise TransitionRefused(
            "action",
            f"unknown action {name!r}; known: {', '.join(t.name for t in self.transitions)}",
        )

    def allowed(self, state: str) -> list[Transition]:
        """The transitions that may leave ``state``."""
        return [t for t in self.transitions if state in t.sources]

    def apply(
        self, state: str, name: str, *, reason: str | None = None, subject: Any = None
    ) -> str:
        """The state after transition ``name`` from ``state``; raises TransitionRefused."""
        transition = self.transition(name)
        if state not in transition.sources:
            allowed = ", ".join(t.name for t in self.allowed(state)) or "none"
            raise TransitionRefused(
                "action",
                f"{name!r} is not allowed in state {state!r} (allowed: {allowed})",
            )
        if transition.requires_reason and not (reason and reason.strip()):
            raise TransitionRefused("reason", f"{name!r} requires a reason")
        if transition.guard is not None:
            refusal = transition.guard(subject)
            if refusal:
                raise TransitionRefused("action", refusal)
        return transition.target
