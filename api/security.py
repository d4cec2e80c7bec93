"""Bearer tokens with roles. Only a SHA-256 of each token is stored."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import TokenRow

ROLES = ("planner", "team_leader")


@dataclass(frozen=True)
class Principal:
    token_id: int
    role: str
    team_id: str | None

    @property
    def is_planner(self) -> bool:
        return self.role == "planner"

    def may_see_team(self, team_id: str) -> bool:
        return self.is_planner or self.team_id == team_id


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, role: str, team_id: str | None, label: str = "") -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "team_leader" and not team_id:
        raise ValueError("a team leader token needs --team")
    token = "vx_" + secrets.token_urlsafe(32)
    session.add(TokenRow(token_hash=hash_token(token), role=role,
                         team_id=team_id if role == "team_leader" else None, label=label))
    session.commit()
    return token


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_principal(request: Request, session: SessionDep) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token",
                            headers={"WWW-Authenticate": "Bearer"})
    row = session.scalar(select(TokenRow).where(TokenRow.token_hash == hash_token(token.strip())))
    if row is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown token",
                            headers={"WWW-Authenticate": "Bearer"})
    return Principal(row.id, row.role, row.team_id)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_planner(principal: PrincipalDep) -> Principal:
    if not principal.is_planner:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "planner role required")
    return principal


PlannerDep = Annotated[Principal, Depends(require_planner)]
