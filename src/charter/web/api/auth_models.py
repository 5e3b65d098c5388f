"""Bodies and answers of the account endpoints under ``/api/v1/auth``: API tokens and passwords."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from charter.services import NewToken
from charter.store.records import TokenInfo


class TokenOut(BaseModel):
    """An API token as its owner sees it: never its secret, which only its creation shows."""

    name: str
    scope: Literal["read", "write"]
    created_at: dt.datetime
    expires_at: dt.datetime | None = Field(description="None: the token never expires.")
    last_used_at: dt.datetime | None = Field(description="To the minute; None: never used.")
    revoked_at: dt.datetime | None
    user: str

    @classmethod
    def of(cls, token: TokenInfo) -> TokenOut:
        return cls(
            name=token.name,
            scope="write" if token.scope == "write" else "read",
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
            user=token.user,
        )


class NewTokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, examples=["laptop"])
    scope: Literal["read", "write"]
    expires_in_days: int | None = Field(
        default=None, ge=1, le=3650, description="Leave out for a token that never expires."
    )


class NewTokenOut(TokenOut):
    secret: str = Field(
        description="Send as `Authorization: Bearer <secret>`. Shown only this once: Charter keeps "
        "only a hash of it."
    )

    @classmethod
    def made(cls, token: NewToken) -> NewTokenOut:
        return cls(**TokenOut.of(token.info).model_dump(), secret=token.secret)


class PasswordBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)
