"""``/api/me``, ``/api/users`` and ``/api/tokens``: who signs in, and with what."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from netzwerker.domain.users import permissions
from netzwerker.domain.users.schemas import (
    NewTokenOut,
    TokenOut,
    TokenRequest,
    UserChanges,
    UserOut,
)
from netzwerker.domain.users.services import (
    UserDraft,
    add_user,
    create_token,
    get_token,
    get_user,
    list_tokens,
    list_users,
    revoke_token,
    token_owner,
    update_user,
)
from netzwerker.http import bodies
from netzwerker.http.bodies import Update
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment


@get("/api/me", tags=["users"], sync_to_thread=False, summary="The user making the request")
def me(deployment: CurrentDeployment, actor: CurrentActor) -> UserOut:
    with deployment.session() as session:
        return UserOut.of(get_user(session, actor.user_id))  # type: ignore[arg-type]


class UserController(Controller):
    path = "/api/users"
    tags = ("users",)

    @get("/", sync_to_thread=False)
    def list_users(self, deployment: CurrentDeployment, actor: CurrentActor) -> list[UserOut]:
        with deployment.session() as session:
            return [UserOut.of(user) for user in list_users(session, actor=actor)]

    @post(
        "/",
        dto=bodies.Body[UserDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.USER_MANAGE),
    )
    def add(
        self, data: JSONBody[UserDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> UserOut:
        with deployment.transaction() as session:
            return UserOut.of(add_user(session, data, actor=actor))

    @patch(
        "/{user_id:int}",
        dto=bodies.Changes[UserChanges],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.USER_MANAGE),
    )
    def update(
        self,
        user_id: FromPath[int],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> UserOut:
        """Change a user; ``active: false`` disables it and every token it has."""
        with deployment.transaction() as session:
            user = get_user(session, user_id)
            return UserOut.of(
                update_user(session, user, data.values, actor=actor, expected_version=data.version)
            )


class TokenController(Controller):
    path = "/api/tokens"
    tags = ("users",)

    @get("/", sync_to_thread=False, summary="Your tokens (admins: any user's)")
    def list_tokens(
        self,
        deployment: CurrentDeployment,
        actor: CurrentActor,
        user_id: Annotated[int | None, QueryParameter(description="admins only")] = None,
    ) -> list[TokenOut]:
        with deployment.session() as session:
            return [TokenOut.of(t) for t in list_tokens(session, actor=actor, user_id=user_id)]

    @post(
        "/",
        dto=bodies.Body[TokenRequest],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.TOKEN_MANAGE),
    )
    def create(
        self, data: JSONBody[TokenRequest], deployment: CurrentDeployment, actor: CurrentActor
    ) -> NewTokenOut:
        with deployment.transaction() as session:
            owner = token_owner(session, data.user_id, actor=actor)
            new = create_token(session, owner, data.name, actor=actor, valid_days=data.valid_days)
            return NewTokenOut(TokenOut.of(new.token), new.secret)

    @post(
        "/{token_id:int}/revoke",
        sync_to_thread=False,
        status_code=200,
        guards=permitted(permissions.TOKEN_MANAGE),
    )
    def revoke(
        self, token_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> TokenOut:
        with deployment.transaction() as session:
            token = get_token(session, token_id)
            return TokenOut.of(revoke_token(session, token, actor=actor))
