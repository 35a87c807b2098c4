"""Users and tokens: the admins' list of users, and every user's own account (its password
and its tokens)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.domain.calendars.services import NewFeed, create_feed
from netzwerker.domain.mail.compose import choices_of, choose_own, writes_mail
from netzwerker.domain.references import partner_key_choices
from netzwerker.domain.users import permissions
from netzwerker.domain.users import services as users
from netzwerker.domain.users.models import Role, User
from netzwerker.domain.users.throttle import lift
from netzwerker.errors import InvalidInput, Problem
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.forms import Form, FormField, PostedForm, read_form, save
from netzwerker.web.i18n import mark
from netzwerker.web.pages.account import local_path
from netzwerker.web.pages.calendars import feeds_context
from netzwerker.web.pages.mail import CHOICE_FIELDS, CHOICE_SAVED, choice_context
from netzwerker.web.rendering import ROLE_LABELS, notify, page, redirect, translate
from netzwerker.web.sessions import start_session

ROLES = tuple(role.value for role in Role)
USER_FIELDS = (
    FormField("username", required=True),
    FormField("display_name"),
    FormField("email", "email"),
    FormField("role", "choice", required=True, choices=ROLES),
    FormField("partner"),
)
CHANGE_FIELDS = (
    FormField("display_name"),
    FormField("email", "email"),
    FormField("role", "choice", required=True, choices=ROLES),
    FormField("active", "flag"),
    FormField("version", "int", required=True),
)
TOKEN_FIELDS = (FormField("name", required=True), FormField("valid_days", "int"))
PASSWORD_FIELDS = (
    FormField("current", required=True),
    FormField("password", required=True),
    FormField("repeated", required=True),
)
USER_CHANGED = mark("The user was saved.")
SESSIONS_ENDED = mark("The user is signed out in every browser.")
UNLOCKED = mark("The sign-in lock was lifted: the user may sign in again at once.")
PASSWORD_CHANGED = mark("Your password was changed.")
TOKEN_REVOKED = mark("The token was revoked: it no longer works.")
#: The account service's own words for a password's problems, so the catalogue translates them.
PASSWORD_MESSAGES = (
    mark("is not your current password"),
    mark("does not match the new password"),
    mark("must differ from the current one"),
    mark("must have at least 10 characters"),
    mark("2 to 80 characters: lowercase letters, digits, '.', '_', '@' and '-'"),
    mark("a partner member needs the key of an existing partner"),
    mark("only partner members belong to a partner"),
    mark("a partner member keeps its role; add a new user instead"),
    mark("a user without a partner cannot become a partner member"),
)


def _role_choices(request: Request[Any, Any, Any]) -> list[tuple[str, str]]:
    return [(role, translate(request, ROLE_LABELS[role])) for role in ROLES]


def _users_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    form: Form | None = None,
    *,
    new_user: Any = None,
    one_time_password: str = "",
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        lines = users.user_lines(session, actor=actor)
        partners = partner_key_choices(session)
    return page(
        request,
        "admin/users.html",
        status=status,
        lines=lines,
        form=form or Form.showing({"role": "coordinator"}),
        roles=_role_choices(request),
        role_labels=ROLE_LABELS,
        partners=partners,
        new_user=new_user,
        one_time_password=one_time_password,
    )


@get("/admin/users", sync_to_thread=False, guards=permitted(permissions.USER_MANAGE))
def user_list(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    return _users_page(request, deployment, actor)


@post("/admin/users", sync_to_thread=False, guards=permitted(permissions.USER_MANAGE))
def add_user(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    """A new user with a one-time password, shown this once: it sets its own when it signs
    in."""
    entered = read_form(request, form, USER_FIELDS)
    password = users.one_time_password()

    def add(session: Any) -> Any:
        draft = users.UserDraft(
            username=entered.values["username"],
            role=Role(entered.values["role"]),
            display_name=entered.values["display_name"],
            email=entered.values["email"] or "",
            partner=entered.values["partner"] or None,
            password=password,
            password_must_change=True,
        )
        return users.add_user(session, draft, actor=actor)

    added = save(request, entered, deployment, add) if entered.valid else None
    if added is None:
        return _users_page(request, deployment, actor, entered, status=422)
    return _users_page(
        request, deployment, actor, new_user=added, one_time_password=password, status=201
    )


def _user_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    user_id: int,
    form: Form | None = None,
    *,
    one_time_password: str = "",
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        line, tokens = users.user_record(session, user_id, actor=actor)
    user = line.user
    if form is None or form.stale:
        shown = {field.name: getattr(user, field.name) for field in CHANGE_FIELDS}
        form = Form.showing(shown, form.errors if form else None)
    return page(
        request,
        "admin/user.html",
        status=status,
        line=line,
        tokens=tokens,
        form=form,
        roles=_role_choices(request),
        role_labels=ROLE_LABELS,
        one_time_password=one_time_password,
    )


@get("/admin/users/{user_id:int}", sync_to_thread=False, guards=permitted(permissions.USER_MANAGE))
def user_detail(
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _user_page(request, deployment, actor, user_id)


@post("/admin/users/{user_id:int}", sync_to_thread=False, guards=permitted(permissions.USER_MANAGE))
def change_user(
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Change a user's name, e-mail, role, or disable it (every token stops working)."""
    entered = read_form(request, form, CHANGE_FIELDS)
    changes = {
        key: Role(value) if key == "role" else (value or "" if key == "email" else value)
        for key, value in entered.changes.items()
    }

    def change(session: Any) -> Any:
        user = users.get_user(session, user_id)
        return users.update_user(
            session, user, changes, actor=actor, expected_version=entered.values["version"]
        )

    if not entered.valid or save(request, entered, deployment, change) is None:
        status = 409 if entered.stale else 422
        return _user_page(request, deployment, actor, user_id, entered, status=status)
    notify(request, USER_CHANGED)
    return redirect(request, f"/admin/users/{user_id}")


@post(
    "/admin/users/{user_id:int}/password",
    sync_to_thread=False,
    guards=permitted(permissions.USER_MANAGE),
)
def reset_password(
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    """A one-time password for the user, shown this once."""
    with deployment.transaction() as session:
        password = users.reset_password(session, user_id, actor=actor)
    return _user_page(request, deployment, actor, user_id, one_time_password=password)


@post(
    "/admin/users/{user_id:int}/unlock",
    sync_to_thread=False,
    guards=permitted(permissions.USER_MANAGE),
)
def unlock_user(
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Lift the locks that failed sign-ins put on the user."""
    with deployment.transaction() as session:
        lift(session, users.get_user(session, user_id).username, actor=actor)
    notify(request, UNLOCKED)
    return redirect(request, f"/admin/users/{user_id}")


@post(
    "/admin/users/{user_id:int}/sessions/end",
    sync_to_thread=False,
    guards=permitted(permissions.USER_MANAGE),
)
def end_user_sessions(
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Sign the user out of every browser."""
    with deployment.transaction() as session:
        users.end_sessions(session, user_id, actor=actor)
    notify(request, SESSIONS_ENDED)
    return redirect(request, f"/admin/users/{user_id}")


# Every user's own account -------------------------------------------------------------


def _account_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    token_form: Form | None = None,
    *,
    new_secret: str = "",
    choice_form: Form | None = None,
    made_feed: NewFeed | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        tokens = users.list_tokens(session, actor=actor)
        user = session.get(User, actor.user_id) if actor.user_id is not None else None
        email = user.email.lower() if user is not None else ""
        choice = choices_of(session, [email])[email] if email else "single"
    feeds = (
        feeds_context(deployment, actor, user_id=actor.user_id, made=made_feed)
        if actor.user_id is not None
        else {"feeds": [], "new_feed_url": ""}
    )
    return page(
        request,
        "account.html",
        status=status,
        tokens=tokens,
        token_form=token_form
        or Form.showing({"valid_days": deployment.config.api.token_days or ""}),
        new_secret=new_secret,
        role_labels=ROLE_LABELS,
        email=email,
        sends_mail=writes_mail(deployment),
        **choice_context(request, deployment, choice_form or Form.showing({"choice": choice})),
        **feeds,
    )


@get("/account", sync_to_thread=False)
def account(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    return _account_page(request, deployment, actor)


@get("/account/password", sync_to_thread=False)
def password_form(request: Request[Any, Any, Any]) -> Template:
    first = bool(request.scope["state"].get("password_must_change"))
    return page(request, "password.html", form=Form.showing({}), first=first)


@post("/account/password", sync_to_thread=False, guards=permitted(permissions.PASSWORD_CHANGE))
def change_password(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Set an own password: the current one, and the new one twice."""
    entered = read_form(request, form, PASSWORD_FIELDS)
    changed = (
        save(
            request,
            entered,
            deployment,
            users.change_own_password,
            entered.values["current"],
            entered.values["password"],
            entered.values["repeated"],
            actor=actor,
        )
        if entered.valid
        else None
    )
    for field in PASSWORD_FIELDS:
        entered.raw[field.name] = ""  # a password is never shown again
    if changed is None:
        first = bool(request.scope["state"].get("password_must_change"))
        return page(request, "password.html", status=422, form=entered, first=first)
    start_session(request, changed)  # the other sessions ended with the old password
    notify(request, PASSWORD_CHANGED)
    return redirect(request, "/account")


@post("/account/tokens", sync_to_thread=False, guards=permitted(permissions.TOKEN_MANAGE))
def create_token(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    """A token of one's own for a script or another system: its secret is shown once."""
    entered = read_form(request, form, TOKEN_FIELDS)

    def create(session: Any) -> Any:
        owner = users.token_owner(session, None, actor=actor)
        return users.create_token(
            session,
            owner,
            entered.values["name"],
            actor=actor,
            valid_days=entered.values["valid_days"],
        )

    made = save(request, entered, deployment, create) if entered.valid else None
    if made is None:
        return _account_page(request, deployment, actor, entered, status=422)
    return _account_page(request, deployment, actor, new_secret=made.secret, status=201)


@post(
    "/account/tokens/{token_id:int}/revoke",
    sync_to_thread=False,
    guards=permitted(permissions.TOKEN_MANAGE),
)
def revoke_token(
    request: Request[Any, Any, Any],
    token_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Revoke one's own token, or an admin any user's; back to the page it was revoked on."""
    with deployment.transaction() as session:
        users.revoke_token(session, users.get_token(session, token_id), actor=actor)
    notify(request, TOKEN_REVOKED)
    return redirect(request, local_path(str(form.get("back") or "/account")))


@post("/account/mail", sync_to_thread=False, guards=permitted(permissions.MAIL_CHOOSE))
def choose_mail(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """A signed-in user's choice of mails for the address of its account."""
    entered = read_form(request, form, CHOICE_FIELDS)
    chosen = (
        save(request, entered, deployment, choose_own, entered.values["choice"], actor=actor)
        if entered.valid
        else None
    )
    if chosen is not None:
        notify(request, CHOICE_SAVED)
        return redirect(request, "/account#mail-heading")
    return _account_page(request, deployment, actor, choice_form=entered, status=422)


@post("/account/calendars", sync_to_thread=False, guards=permitted(permissions.CALENDAR_OWN))
def create_own_feed(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    """A calendar address of one's own dates; shown this once."""
    if actor.user_id is None:
        raise InvalidInput([Problem("user", "an operator has no calendar of its own")])
    with deployment.transaction() as session:
        made = create_feed(session, actor=actor, user_id=actor.user_id)
    return _account_page(request, deployment, actor, made_feed=made, status=201)


ROUTES = [
    choose_mail,
    create_own_feed,
    user_list,
    add_user,
    user_detail,
    change_user,
    reset_password,
    unlock_user,
    end_user_sessions,
    account,
    password_form,
    change_password,
    create_token,
    revoke_token,
]
