"""``deployment.toml``: the configuration of one jobcenter's deployment, as attrs classes.

Reading a file yields a :class:`DeploymentConfig` or an :class:`InvalidInput` naming every
problem with its path. What can only be judged with the plugins loaded (their settings, keys
they contribute) is checked in :mod:`netzwerker.deployment`.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import cattrs

from netzwerker.contributions import KEY_PATTERN
from netzwerker.structuring import InvalidInput, Problem, make_converter, structure
from netzwerker.validators import EMAIL

CONFIG_FILE = "deployment.toml"
GOAL_STATUSES = ("active", "achieved", "missed", "dropped")
IMPORT_KINDS = ("partners", "network")


@attrs.frozen
class DeploymentInfo:
    """``[deployment]``: who runs this deployment."""

    name: str
    region: str = ""
    timezone: str = "Europe/Berlin"
    #: The period the evaluation reports when none is asked for (both days, or neither:
    #: then the year so far), e.g. the years a sample network's document describes.
    period_start: date | None = None
    period_end: date | None = None


@attrs.frozen
class DatabaseConfig:
    """``[database]``: empty ``url`` means the SQLite file ``netzwerker.db`` beside the config."""

    url: str = ""


@attrs.frozen
class PluginConfig:
    """``[plugins.<name>]``: a listed plugin is enabled unless ``enabled = false``."""

    enabled: bool = True
    settings: dict[str, Any] = attrs.Factory(dict)


@attrs.frozen
class EscalationConfig:
    """``[escalation]``: when ``netzwerker escalate`` reminds, escalates and reports.

    A rule set to ``-1`` is switched off.
    """

    remind_days_before_due: int = 3
    escalate_days_after_due: int = 7
    report_days_after_due: int = 14


@attrs.frozen
class WorkingFieldConfig:
    """``[[working_fields]]``: a working field declared by the deployment, not by a plugin."""

    key: str
    name: str
    description: str = ""


@attrs.frozen
class GoalConfig:
    """``[[goals]]``: a goal of a working field, measurable through an indicator."""

    key: str
    working_field: str
    title: str
    start: date
    end: date
    description: str = ""
    indicator: str = ""
    target: float | None = None
    status: str = "active"


@attrs.frozen
class DataFile:
    """``[[imports]]``: a data file ``netzwerker import`` loads, relative to the config."""

    kind: str
    path: str


#: Roles that may be allowed to read a case's direct identifiers (never partner members).
STAFF_ROLES = ("admin", "coordinator", "viewer")


@attrs.frozen
class PrivacyConfig:
    """``[privacy]``: who may read the direct identifiers of a case (name, address…).

    Cases are pseudonymised; where a deployment must keep identifiers, only these roles read
    them, and every read is written to the audit log.
    """

    identity_readers: list[str] = attrs.Factory(lambda: ["coordinator"])


@attrs.frozen
class ApiConfig:
    """``[api]``: a new API token is valid for ``token_days`` days unless its maker says
    otherwise (0: until it is revoked)."""

    token_days: int = 365


@attrs.frozen
class BackupConfig:
    """``[backup]``: the age public keys (``age1…``) backups are encrypted to. Without one a
    backup is a plain zip file (readable by its owner alone); with them only the holder of a
    matching private key, kept outside the server, restores it (``restore --identity``)."""

    recipients: list[str] = attrs.Factory(list)


@attrs.frozen
class WebConfig:
    """``[web]``: the coordinators' web interface.

    A signed-in browser session ends after ``session_minutes`` without a request, and after
    ``session_hours`` in any case. ``secure_cookies`` sends the session cookie over HTTPS only:
    switch it on behind a TLS-terminating reverse proxy. Admins switch plugins on and off in
    the interface; ``coordinators_switch_plugins`` lets coordinators do it too.
    """

    session_minutes: int = 60
    session_hours: int = 10
    secure_cookies: bool = False
    language: str = "de"
    coordinators_switch_plugins: bool = False
    #: The address under which users reach the web interface, for the links in mails
    #: (``https://netzwerk.jobcenter-beispiel.de``).
    public_url: str = "http://localhost:8000"
    #: The reverse proxies (their addresses) whose ``X-Forwarded-For`` names the client:
    #: failed sign-ins are counted per client address, not per proxy.
    trusted_proxies: list[str] = attrs.Factory(list)


#: How the connection to the mail relay is secured.
MAIL_SECURITY = ("starttls", "tls", "none")
#: An age X25519 public key: ``age1`` and 58 characters of bech32.
AGE_RECIPIENT = re.compile(r"age1[02-9ac-hj-np-z]{58}")
#: The kinds of mail netzwerker writes (each a template in ``netzwerker/domain/mail/
#: templates``); ``[mail] mandatory`` names those a recipient cannot turn off.
MAIL_KINDS = (
    "task_proposed",
    "task_reminder",
    "task_overdue",
    "task_changed",
    "task_escalated",
    "task_declined",
    "task_blocked",
    "meeting_invitation",
    "meeting_cancelled",
    "meeting_minutes",
    "conference_registered",
    "conference_waitlisted",
    "conference_moved_up",
    "conference_cancelled",
    "referral_sent",
    "referral_arrived",
    "referral_closed",
    "digest",
)


@attrs.frozen
class MailConfig:
    """``[mail]``: the relay through which netzwerker sends its mails.

    The never stands in this file: ``password_env`` names an environment variable that
    holds it, ``password_file`` a file (a systemd credential, say; relative to the deployment
    folder). ``security`` is ``starttls`` (port 587), ``tls`` (port 465) or ``none`` (a relay
    on the same machine). A sent mail is kept ``keep_days`` days, then deleted. Without
    ``host`` no mail is written either: an outbox that nobody empties would only grow.
    """

    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    password_env: str = ""
    password_file: str = ""
    sender: str = ""
    reply_to: str = ""
    keep_days: int = 90
    timeout_seconds: int = 30
    #: How often the sender inside ``netzwerker serve`` looks for mails to send.
    interval_seconds: int = 60
    #: The day of the week (1 Monday … 7 Sunday) on which the weekly digests go out.
    digest_weekday: int = 1
    #: Kinds of mail (:data:`MAIL_KINDS`) sent even to a recipient who chose none.
    mandatory: list[str] = attrs.Factory(list)

    def password(self, folder: Path) -> str | None:
        """The relay's password from where the configuration says it is; None without one.
        Raises :class:`InvalidInput` when the variable or the file is missing."""
        if self.password_env:
            value = os.environ.get(self.password_env)
            if value is None:
                raise InvalidInput(
                    [Problem("mail.password_env", f"the variable {self.password_env} is not set")]
                )
            return value
        if self.password_file:
            path = folder / self.password_file
            try:
                return path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise InvalidInput(
                    [Problem("mail.password_file", f"cannot read {path}: {exc.strerror}")]
                ) from None
        return None


@attrs.frozen
class Criterion:
    """One criterion of a rating scheme, with its weight in the weighted score."""

    key: str
    name: str
    weight: float = 1.0
    description: str = ""


@attrs.frozen
class RatingScheme:
    """Criteria rated from 1 to ``scale`` (higher is better)."""

    criteria: list[Criterion] = attrs.Factory(list)
    scale: int = 5


@attrs.frozen
class AppraisalConfig:
    """``[appraisal]``: the deployment's scheme for rating the quality of offers
    (``[appraisal.quality]``, Systematik zur Qualitätsbewertung) and for setting priorities
    among proposed measures (``[appraisal.priorities]``, Prioritätensetzung)."""

    quality: RatingScheme | None = None
    priorities: RatingScheme | None = None


@attrs.frozen
class DeploymentConfig:
    deployment: DeploymentInfo
    database: DatabaseConfig = DatabaseConfig()
    plugins: dict[str, PluginConfig] = attrs.Factory(dict)
    escalation: EscalationConfig = EscalationConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    web: WebConfig = WebConfig()
    mail: MailConfig = MailConfig()
    backup: BackupConfig = BackupConfig()
    api: ApiConfig = ApiConfig()
    appraisal: AppraisalConfig = AppraisalConfig()
    working_fields: list[WorkingFieldConfig] = attrs.Factory(list)
    goals: list[GoalConfig] = attrs.Factory(list)
    imports: list[DataFile] = attrs.Factory(list)

    @property
    def enabled_plugins(self) -> list[str]:
        return [name for name, plugin in self.plugins.items() if plugin.enabled]


def converter() -> cattrs.Converter:
    return make_converter()


def parse_config(data: dict[str, Any]) -> DeploymentConfig:
    """Structure and check a configuration mapping; raises :class:`InvalidInput`."""
    mail = data.get("mail")
    if isinstance(mail, dict) and "password" in mail:
        raise InvalidInput(
            [
                Problem(
                    "mail.password",
                    "never in deployment.toml: name an environment variable (password_env) "
                    "or a file (password_file) that holds it",
                )
            ]
        )
    config = structure(converter(), data, DeploymentConfig)
    problems = config_problems(config)
    if problems:
        raise InvalidInput(problems)
    return config


def read_config(folder: Path) -> DeploymentConfig:
    """Read ``<folder>/deployment.toml``; raises :class:`InvalidInput`."""
    return parse_config(read_config_data(folder))


def parse_config_partially(data: dict[str, Any]) -> tuple[DeploymentConfig | None, list[Problem]]:
    """Every problem of ``data``, and the configuration made of its sound sections.

    A typo in one section must not hide the problems of another (say, a plugin's settings),
    so the sections with problems are left out and the rest is parsed again.
    """
    try:
        return parse_config(data), []
    except InvalidInput as exc:
        problems = exc.problems
    broken = {re.split(r"[.\[]", problem.path, maxsplit=1)[0] for problem in problems}
    sound = {key: value for key, value in data.items() if key not in broken}
    if "deployment" not in sound:
        sound["deployment"] = {"name": "?"}
    try:
        return parse_config(sound), problems
    except InvalidInput:
        return None, problems


def read_config_data(folder: Path) -> dict[str, Any]:
    """The TOML mapping of ``<folder>/deployment.toml``; raises :class:`InvalidInput`."""
    path = folder / CONFIG_FILE
    if not folder.is_dir():
        raise InvalidInput([Problem(str(folder), "no such deployment folder")])
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput([Problem(CONFIG_FILE, f"missing in {folder}")]) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput([Problem(CONFIG_FILE, f"not UTF-8 text: {exc}")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput([Problem(CONFIG_FILE, f"not valid TOML: {exc}")]) from None
    return data


def unstructure_config(config: DeploymentConfig) -> dict[str, Any]:
    """The mapping that :func:`parse_config` turns back into ``config`` (None values left out)."""
    return _drop_none(converter().unstructure(config))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def config_problems(config: DeploymentConfig) -> list[Problem]:
    """What is wrong with a well-typed configuration, judged without plugins or files."""
    problems: list[Problem] = []
    try:
        ZoneInfo(config.deployment.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            Problem("deployment.timezone", f"unknown time zone {config.deployment.timezone!r}")
        )
    if not config.deployment.name.strip():
        problems.append(Problem("deployment.name", "must not be empty"))
    for name in config.plugins:
        if not KEY_PATTERN.match(name):
            problems.append(Problem(f"plugins.{name}", "not a plugin name"))
    info = config.deployment
    if (info.period_start is None) != (info.period_end is None):
        missing = "period_end" if info.period_end is None else "period_start"
        problems.append(
            Problem(f"deployment.{missing}", "give both days of the period, or neither")
        )
    elif info.period_start and info.period_end and info.period_end < info.period_start:
        problems.append(
            Problem(
                "deployment.period_end",
                f"ends ({info.period_end}) before it starts ({info.period_start})",
            )
        )
    for field in attrs.fields(EscalationConfig):
        days = getattr(config.escalation, field.name)
        if days < -1:
            problems.append(
                Problem(f"escalation.{field.name}", f"must be 0 or more, or -1 (off), got {days}")
            )
    for name in ("quality", "priorities"):
        scheme = getattr(config.appraisal, name)
        if scheme is not None:
            problems.extend(_scheme_problems(scheme, f"appraisal.{name}"))
    for index, role in enumerate(config.privacy.identity_readers):
        if role not in STAFF_ROLES:
            problems.append(
                Problem(
                    f"privacy.identity_readers[{index}]",
                    f"{role!r} cannot read identifiers (one of {', '.join(STAFF_ROLES)})",
                )
            )
    from netzwerker.web.i18n import available_languages

    if config.web.language not in available_languages():
        problems.append(
            Problem(
                "web.language",
                f"no catalogue for {config.web.language!r} "
                f"(one of {', '.join(available_languages())})",
            )
        )
    problems.extend(_mail_problems(config.mail))
    if config.api.token_days < 0:
        problems.append(Problem("api.token_days", "must be 0 (until revoked) or more"))
    for index, recipient in enumerate(config.backup.recipients):
        if not AGE_RECIPIENT.fullmatch(recipient):
            problems.append(Problem(f"backup.recipients[{index}]", "not an age public key (age1…)"))
    if config.web.session_minutes < 1:
        problems.append(Problem("web.session_minutes", "must be at least 1"))
    if config.web.session_hours < 1:
        problems.append(Problem("web.session_hours", "must be at least 1"))
    seen: set[str] = set()
    for index, field_config in enumerate(config.working_fields):
        path = f"working_fields[{index}].key"
        if not KEY_PATTERN.match(field_config.key):
            problems.append(Problem(path, f"{field_config.key!r} is not a key (a-z, 0-9, _)"))
        if field_config.key in seen:
            problems.append(Problem(path, f"working field {field_config.key!r} is declared twice"))
        seen.add(field_config.key)
    goal_keys: set[str] = set()
    for index, goal in enumerate(config.goals):
        path = f"goals[{index}]"
        if not KEY_PATTERN.match(goal.key):
            problems.append(Problem(f"{path}.key", f"{goal.key!r} is not a key (a-z, 0-9, _)"))
        if goal.key in goal_keys:
            problems.append(Problem(f"{path}.key", f"goal {goal.key!r} is declared twice"))
        goal_keys.add(goal.key)
        if goal.end < goal.start:
            problems.append(Problem(f"{path}.end", f"{goal.end} is before start {goal.start}"))
        if goal.status not in GOAL_STATUSES:
            problems.append(
                Problem(
                    f"{path}.status",
                    f"unknown status {goal.status!r} (one of {', '.join(GOAL_STATUSES)})",
                )
            )
    for index, data_file in enumerate(config.imports):
        if data_file.kind not in IMPORT_KINDS:
            problems.append(
                Problem(
                    f"imports[{index}].kind",
                    f"unknown kind {data_file.kind!r} (one of {', '.join(IMPORT_KINDS)})",
                )
            )
    return problems


def _mail_problems(mail: MailConfig) -> list[Problem]:
    problems = []
    if mail.security not in MAIL_SECURITY:
        problems.append(
            Problem(
                "mail.security",
                f"unknown {mail.security!r} (one of {', '.join(MAIL_SECURITY)})",
            )
        )
    if not 0 < mail.port < 65536:
        problems.append(Problem("mail.port", f"not a port: {mail.port}"))
    for name in ("sender", "reply_to"):
        address = getattr(mail, name)
        if address and not EMAIL.match(address):
            problems.append(Problem(f"mail.{name}", f"not an e-mail address: {address!r}"))
    if mail.host and not mail.sender:
        problems.append(Problem("mail.sender", "required with a host: whom the mails come from"))
    if mail.password_env and mail.password_file:
        problems.append(
            Problem("mail.password_file", "give the password in one place: password_env or this")
        )
    if (mail.password_env or mail.password_file) and not mail.user:
        problems.append(Problem("mail.user", "required with a password"))
    if mail.keep_days < 1:
        problems.append(Problem("mail.keep_days", "must be at least 1"))
    if mail.timeout_seconds < 1:
        problems.append(Problem("mail.timeout_seconds", "must be at least 1"))
    if mail.interval_seconds < 1:
        problems.append(Problem("mail.interval_seconds", "must be at least 1"))
    if not 1 <= mail.digest_weekday <= 7:
        problems.append(Problem("mail.digest_weekday", "must be 1 (Monday) to 7 (Sunday)"))
    for kind in mail.mandatory:
        if kind not in MAIL_KINDS:
            problems.append(
                Problem("mail.mandatory", f"unknown kind {kind!r} (one of {', '.join(MAIL_KINDS)})")
            )
    return problems


def _scheme_problems(scheme: RatingScheme, path: str) -> list[Problem]:
    problems = []
    if not 2 <= scheme.scale <= 10:
        problems.append(Problem(f"{path}.scale", f"must be 2 to 10, got {scheme.scale}"))
    if not scheme.criteria:
        problems.append(Problem(f"{path}.criteria", "name at least one criterion"))
    seen: set[str] = set()
    for index, criterion in enumerate(scheme.criteria):
        place = f"{path}.criteria[{index}]"
        if not KEY_PATTERN.match(criterion.key):
            problems.append(Problem(f"{place}.key", "lowercase letters, digits and '_'"))
        elif criterion.key in seen:
            problems.append(Problem(f"{place}.key", f"{criterion.key!r} is named twice"))
        seen.add(criterion.key)
        if criterion.weight <= 0:
            problems.append(Problem(f"{place}.weight", "must be more than 0"))
    return problems
