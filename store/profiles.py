"""Who a Teams user is: the municipality they are programme leader for (per AAD object id)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.models import Municipality, UserProfile


@dataclass(frozen=True, slots=True)
class Profile:
    aad_object_id: str
    name: str
    municipality: str
    role: str
    updated_at: dt.datetime


class Profiles:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, aad_object_id: str) -> Profile | None:
        if not aad_object_id:
            return None
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(UserProfile, Municipality.name)
                    .join(Municipality)
                    .where(UserProfile.aad_object_id == aad_object_id)
                )
            ).first()
        if row is None:
            return None
        profile, municipality = row
        return Profile(
            profile.aad_object_id, profile.name, municipality, profile.role, profile.updated_at
        )

    async def register(
        self,
        aad_object_id: str,
        *,
        name: str,
        teams_user_id: str,
        municipality: str,
        now: dt.datetime,
    ) -> Profile:
        """Create or change the user's municipality (one profile per AAD object id)."""
        async with self._sessions() as session, session.begin():
            municipality_id = await session.scalar(
                select(Municipality.id).where(Municipality.name == municipality)
            )
            if municipality_id is None:
                raise LookupError(municipality)
            profile = await session.scalar(
                select(UserProfile).where(UserProfile.aad_object_id == aad_object_id)
            )
            if profile is None:
                profile = UserProfile(
                    aad_object_id=aad_object_id, created_at=now.astimezone(dt.UTC)
                )
                session.add(profile)
            profile.name = name
            profile.teams_user_id = teams_user_id
            profile.municipality_id = municipality_id
            profile.role = "programleder"
            profile.updated_at = now.astimezone(dt.UTC)
        return Profile(aad_object_id, name, municipality, "programleder", now)

    async def forget(self, aad_object_id: str) -> bool:
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(UserProfile).where(UserProfile.aad_object_id == aad_object_id)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]
