"""The domain as tables (SQLAlchemy 2 typed ORM).

Design rules that every table follows:

* Natural keys from the source data (``task_key`` = ``T002-07`` …) are unique, so imports upsert.
* Every fact keeps its provenance: ``source`` is the deck and slide it came from, ``import_id``
  the import that last wrote it.
* A fuzzy date is stored as four columns: the text as written (``*_raw``), the earliest and
  latest day it can mean and its precision (see :mod:`kombitbot.dates`), so a period query is
  plain SQL and an answer can still quote the slide.
* Statuses are closed vocabularies held in CHECK constraints, portable to SQLite and PostgreSQL.
  "unknown" is a real state, different from "missing", and derived values are flagged.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from kombitbot.dates import FuzzyDate, Precision

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class TaskStatus(enum.StrEnum):
    """A municipality's progress on a KLIK task (Fuldført / Påbegyndt / Ikke påbegyndt)."""

    COMPLETED = "completed"
    STARTED = "started"
    NOT_STARTED = "not_started"
    UNKNOWN = "unknown"


class SignatureStatus(enum.StrEnum):
    """A municipality's signature on an agreement; ``unknown`` is not ``missing``."""

    SIGNED = "signed"
    MISSING = "missing"
    UNKNOWN = "unknown"


class AgreementKind(enum.StrEnum):
    TILSLUTNINGSAFTALE = "tilslutningsaftale"
    DATABEHANDLERAFTALE = "databehandleraftale"
    DATAUDVEKSLINGSAFTALE = "dataudvekslingsaftale"
    SERVICEAFTALE = "serviceaftale"
    OTHER = "anden"


def _check_in(column: str, values: type[enum.StrEnum], name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


def _precision_check(prefix: str) -> CheckConstraint:
    return _check_in(f"{prefix}_precision", Precision, f"{prefix}_precision")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def fuzzy(self, prefix: str) -> FuzzyDate | None:
        """The fuzzy date stored under ``prefix`` (``deadline`` → ``deadline_raw`` …)."""
        raw = getattr(self, f"{prefix}_raw")
        if not raw:
            return None
        precision = getattr(self, f"{prefix}_precision")
        return FuzzyDate(
            raw=raw,
            earliest=getattr(self, f"{prefix}_earliest"),
            latest=getattr(self, f"{prefix}_latest"),
            precision=Precision(precision),
            year_inferred=bool(getattr(self, f"{prefix}_year_inferred")),
        )


class Import(Base):
    """One import run that changed something: the built-in dataset, a file, or a chat upload."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    imported_by: Mapped[str | None] = mapped_column(Text)
    rows_inserted: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)


class Provenance:
    """Mixin: where a fact came from."""

    source: Mapped[str] = mapped_column(Text, default="")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class Municipality(Provenance, Base):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    official_name: Mapped[str] = mapped_column(String(128))
    region: Mapped[str] = mapped_column(String(64))
    region_official: Mapped[str] = mapped_column(String(128))
    seen_in_seeds: Mapped[str] = mapped_column(Text, default="")

    aliases: Mapped[list[MunicipalityAlias]] = relationship(
        back_populates="municipality", cascade="all, delete-orphan", order_by="MunicipalityAlias.id"
    )


class MunicipalityAlias(Base):
    """Another spelling of a municipality; ``alias_key`` (case-folded) is unique across all."""

    __tablename__ = "municipality_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(128))
    alias_key: Mapped[str] = mapped_column(String(128), unique=True)
    seen_in_seeds: Mapped[bool] = mapped_column(default=False)

    municipality: Mapped[Municipality] = relationship(back_populates="aliases")


class Solution(Provenance, Base):
    """A KOMBIT solution or project (SAPA, KY, FLIS …) as named on the slides."""

    __tablename__ = "solutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    code: Mapped[str] = mapped_column(String(128))
    full_name: Mapped[str] = mapped_column(Text, default="")
    full_name_basis: Mapped[str] = mapped_column(Text, default="")
    aliases: Mapped[str] = mapped_column(Text, default="")


class Meeting(Provenance, Base):
    """A programme-leader meeting (a deck, or a meeting a deck refers to)."""

    __tablename__ = "meetings"
    __table_args__ = (_precision_check("date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    date_raw: Mapped[str] = mapped_column(Text, default="")
    date_earliest: Mapped[dt.date | None] = mapped_column(Date)
    date_latest: Mapped[dt.date | None] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(20), default=Precision.UNKNOWN.value)
    date_year_inferred: Mapped[bool] = mapped_column(default=False)
    date_basis: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    participants_count: Mapped[str] = mapped_column(Text, default="")
    participants_raw: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status_as_of_raw: Mapped[str] = mapped_column(Text, default="")
    status_as_of: Mapped[dt.date | None] = mapped_column(Date)

    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )


class AgendaItem(Base):
    __tablename__ = "meeting_agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    time_raw: Mapped[str] = mapped_column(String(32), default="")
    title: Mapped[str] = mapped_column(Text)
    presenters: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")


class KlikTask(Provenance, Base):
    __tablename__ = "klik_tasks"
    __table_args__ = (_precision_check("start"), _precision_check("end"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id"), index=True)
    project_as_written: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str] = mapped_column(String(64), default="", index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    start_raw: Mapped[str] = mapped_column(Text, default="")
    start_earliest: Mapped[dt.date | None] = mapped_column(Date)
    start_latest: Mapped[dt.date | None] = mapped_column(Date)
    start_precision: Mapped[str] = mapped_column(String(20), default=Precision.UNKNOWN.value)
    start_year_inferred: Mapped[bool] = mapped_column(default=False)
    end_raw: Mapped[str] = mapped_column(Text, default="")
    end_earliest: Mapped[dt.date | None] = mapped_column(Date, index=True)
    end_latest: Mapped[dt.date | None] = mapped_column(Date, index=True)
    end_precision: Mapped[str] = mapped_column(String(20), default=Precision.UNKNOWN.value)
    end_year_inferred: Mapped[bool] = mapped_column(default=False)
    year_inferred: Mapped[str] = mapped_column(String(16), default="")
    mandatory: Mapped[bool | None] = mapped_column()
    target_role: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)

    solution: Mapped[Solution | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()


class KlikTaskStatusCount(Provenance, Base):
    """Aggregate counts where the slide gives only counts ("31 fuldført, 8 påbegyndt …")."""

    __tablename__ = "klik_task_status_counts"
    __table_args__ = (UniqueConstraint("task_id", "status_as_of_raw"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("klik_tasks.id", ondelete="CASCADE"))
    completed: Mapped[int | None] = mapped_column(Integer)
    started: Mapped[int | None] = mapped_column(Integer)
    not_started: Mapped[int | None] = mapped_column(Integer)
    status_as_of_raw: Mapped[str] = mapped_column(Text, default="")
    status_as_of: Mapped[dt.date | None] = mapped_column(Date)


class KlikTaskStatus(Provenance, Base):
    """One municipality's status on one KLIK task."""

    __tablename__ = "klik_task_statuses"
    __table_args__ = (
        UniqueConstraint("task_id", "municipality_id"),
        _check_in("status", TaskStatus, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("klik_tasks.id", ondelete="CASCADE"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    derived: Mapped[bool] = mapped_column(default=False)
    status_as_of_raw: Mapped[str] = mapped_column(Text, default="")
    status_as_of: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class Agreement(Provenance, Base):
    __tablename__ = "agreements"
    __table_args__ = (
        _precision_check("sent"),
        _precision_check("deadline"),
        _check_in("kind", AgreementKind, "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id"), index=True)
    solution_as_written: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    kind_as_written: Mapped[str] = mapped_column(Text, default="")
    sent_raw: Mapped[str] = mapped_column(Text, default="")
    sent_earliest: Mapped[dt.date | None] = mapped_column(Date)
    sent_latest: Mapped[dt.date | None] = mapped_column(Date)
    sent_precision: Mapped[str] = mapped_column(String(20), default=Precision.UNKNOWN.value)
    sent_year_inferred: Mapped[bool] = mapped_column(default=False)
    sent_to: Mapped[str] = mapped_column(Text, default="")
    deadline_raw: Mapped[str] = mapped_column(Text, default="")
    deadline_earliest: Mapped[dt.date | None] = mapped_column(Date, index=True)
    deadline_latest: Mapped[dt.date | None] = mapped_column(Date, index=True)
    deadline_precision: Mapped[str] = mapped_column(String(20), default=Precision.UNKNOWN.value)
    deadline_year_inferred: Mapped[bool] = mapped_column(default=False)
    year_inferred: Mapped[str] = mapped_column(String(16), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    related_task_id: Mapped[int | None] = mapped_column(ForeignKey("klik_tasks.id"))
    status_as_of_raw: Mapped[str] = mapped_column(Text, default="")
    status_as_of: Mapped[dt.date | None] = mapped_column(Date)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)

    solution: Mapped[Solution | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    related_task: Mapped[KlikTask | None] = relationship()


class AgreementSignature(Provenance, Base):
    """One municipality's signature status; ``derived`` marks statuses inferred, not stated."""

    __tablename__ = "agreement_signatures"
    __table_args__ = (
        UniqueConstraint("agreement_id", "municipality_id"),
        _check_in("status", SignatureStatus, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    derived: Mapped[bool] = mapped_column(default=False)
    name_as_written: Mapped[str] = mapped_column(Text, default="")
    status_as_of_raw: Mapped[str] = mapped_column(Text, default="")
    status_as_of: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    agreement: Mapped[Agreement] = relationship()
    municipality: Mapped[Municipality] = relationship()


class FrozenZone(Provenance, Base):
    """A window in which shared infrastructure is closed (frozen zone, cut-over, service window)."""

    __tablename__ = "frozen_zones"
    __table_args__ = (_precision_check("start"), _precision_check("end"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id"))
    system_as_written: Mapped[str] = mapped_column(Text)
    environment: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(Text)
    start_raw: Mapped[str] = mapped_column(Text, default="")
    start_earliest: Mapped[dt.date | None] = mapped_column(Date)
    start_latest: Mapped[dt.date | None] = mapped_column(Date)
    start_precision: Mapped[str] = mapped_column(String(20), default=Precision.UNKNOWN.value)
    start_year_inferred: Mapped[bool] = mapped_column(default=False)
    end_raw: Mapped[str] = mapped_column(Text, default="")
    end_earliest: Mapped[dt.date | None] = mapped_column(Date)
    end_latest: Mapped[dt.date | None] = mapped_column(Date)
    end_precision: Mapped[str] = mapped_column(String(20), default=Precision.UNKNOWN.value)
    end_year_inferred: Mapped[bool] = mapped_column(default=False)
    calendar_shown: Mapped[str] = mapped_column(Text, default="")
    closed_access: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status_as_of_raw: Mapped[str] = mapped_column(Text, default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))

    solution: Mapped[Solution | None] = relationship()
    blocked_actions: Mapped[list[BlockedAction]] = relationship(
        back_populates="frozen_zone",
        cascade="all, delete-orphan",
        order_by="BlockedAction.position",
    )


class BlockedAction(Base):
    """One thing a municipality can NOT do during a frozen zone."""

    __tablename__ = "frozen_zone_blocked_actions"
    __table_args__ = (UniqueConstraint("frozen_zone_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    frozen_zone_id: Mapped[int] = mapped_column(ForeignKey("frozen_zones.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(Text)

    frozen_zone: Mapped[FrozenZone] = relationship(back_populates="blocked_actions")


class Contact(Provenance, Base):
    """A KOMBIT person or mailbox for a topic, as mentioned at a meeting."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("address", "name", "meeting_id", "role_or_topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    name: Mapped[str] = mapped_column(String(255), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    role_or_topic: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(64), default="")
    organisation: Mapped[str] = mapped_column(String(128), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))


class RolloutWave(Provenance, Base):
    """A go-live wave of a programme, one row per municipality where named."""

    __tablename__ = "rollout_waves"
    __table_args__ = (
        UniqueConstraint("programme", "wave", "municipality_name", "name_as_written"),
        _precision_check("go_live"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(128))
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id"))
    wave: Mapped[str] = mapped_column(String(128))
    go_live_raw: Mapped[str] = mapped_column(Text, default="")
    go_live_earliest: Mapped[dt.date | None] = mapped_column(Date)
    go_live_latest: Mapped[dt.date | None] = mapped_column(Date)
    go_live_precision: Mapped[str] = mapped_column(String(20), default=Precision.UNKNOWN.value)
    go_live_year_inferred: Mapped[bool] = mapped_column(default=False)
    year_inferred: Mapped[str] = mapped_column(String(16), default="")
    municipality_name: Mapped[str] = mapped_column(String(64), default="")
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    name_as_written: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status_as_of_raw: Mapped[str] = mapped_column(Text, default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))


class RecordedPoll(Provenance, Base):
    """A poll or evaluation question shown in a deck (real examples for live polls)."""

    __tablename__ = "recorded_polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    question: Mapped[str] = mapped_column(Text)
    statement: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))


class ProgrammeLeaderAction(Provenance, Base):
    """An "opgave for jer" announced at a meeting."""

    __tablename__ = "programme_leader_actions"
    __table_args__ = (_precision_check("deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    action: Mapped[str] = mapped_column(Text)
    deadline_raw: Mapped[str] = mapped_column(Text, default="")
    deadline_earliest: Mapped[dt.date | None] = mapped_column(Date)
    deadline_latest: Mapped[dt.date | None] = mapped_column(Date)
    deadline_precision: Mapped[str] = mapped_column(String(20), default=Precision.UNKNOWN.value)
    deadline_year_inferred: Mapped[bool] = mapped_column(default=False)
    year_inferred: Mapped[str] = mapped_column(String(16), default="")
    topic: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status_as_of_raw: Mapped[str] = mapped_column(Text, default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)

    meeting: Mapped[Meeting | None] = relationship()


class MunicipalityVisit(Provenance, Base):
    """KOMBIT's visits to municipal management (held, planned, interest shown)."""

    __tablename__ = "municipality_visits"
    __table_args__ = (
        UniqueConstraint("municipality_id", "status", "date_raw"),
        _precision_check("date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    name_as_written: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(64))
    date_raw: Mapped[str] = mapped_column(Text, default="")
    date_earliest: Mapped[dt.date | None] = mapped_column(Date)
    date_latest: Mapped[dt.date | None] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(20), default=Precision.UNKNOWN.value)
    date_year_inferred: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    status_as_of_raw: Mapped[str] = mapped_column(Text, default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))


class DataVersion(Base):
    """One row whose number goes up with every write to the facts.

    Every instance keeps an in-memory snapshot of the (small) dataset to answer within a
    millisecond; comparing this number tells it when another instance changed something.
    """

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class UserProfile(Base):
    """Who a Teams user is for the bot: "jeg er programleder i Vejle"."""

    __tablename__ = "user_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    aad_object_id: Mapped[str] = mapped_column(String(64), unique=True)
    teams_user_id: Mapped[str] = mapped_column(String(255), default="")
    name: Mapped[str] = mapped_column(String(255), default="")
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    role: Mapped[str] = mapped_column(String(64), default="programleder")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    municipality: Mapped[Municipality] = relationship()


class AuditEntry(Base):
    """Every change made from chat or cards: who, what, when, before and after (JSON text)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_aad_object_id: Mapped[str] = mapped_column(String(64), default="")
    actor_name: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_key: Mapped[str] = mapped_column(String(255), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("audit_log.id"))


class PendingAction(Base):
    """A change the bot proposed on a card and waits to have confirmed.

    The card carries only this row's random id, so a forged or replayed submit cannot inject a
    change: the server-side row says what, for whom, in which conversation, until when.
    """

    __tablename__ = "pending_actions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    aad_object_id: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audit_log.id"))


class Poll(Base):
    """A live poll posted as a card in one conversation (issue #5).

    The id is random: the card's buttons carry it, and a vote is accepted only for an open
    poll of the conversation the vote comes from. ``version`` goes up with every vote (on
    PostgreSQL a first vote counts in :class:`PollShard` instead: the poll's version is this
    column plus its shards');
    ``shown_version`` and ``card_updated_at`` let any instance decide whether the posted card
    needs an update and keep updates to at most one per interval across instances.
    """

    __tablename__ = "polls"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # choice / evaluation / rating
    lang: Mapped[str] = mapped_column(String(2), default="da")
    title: Mapped[str] = mapped_column(Text)
    multiple: Mapped[bool] = mapped_column(default=False)
    anonymous: Mapped[bool] = mapped_column(default=True)
    results_hidden: Mapped[bool] = mapped_column(default=False)
    tenant_id: Mapped[str] = mapped_column(String(64), default="")
    conversation_id: Mapped[str] = mapped_column(String(512), index=True)
    conversation_type: Mapped[str] = mapped_column(String(32), default="")
    conversation_reference: Mapped[str] = mapped_column(Text, default="")  # JSON
    activity_id: Mapped[str] = mapped_column(String(255), default="")
    teams_meeting_id: Mapped[str] = mapped_column(String(512), default="", index=True)
    meeting_key: Mapped[str] = mapped_column(String(64), default="")
    created_by_aad: Mapped[str] = mapped_column(String(64), default="")
    created_by_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    closes_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str] = mapped_column(String(255), default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    shown_version: Mapped[int] = mapped_column(Integer, default=-1)
    card_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    questions: Mapped[list[PollQuestion]] = relationship(
        order_by="PollQuestion.position", cascade="all, delete-orphan"
    )


class PollQuestion(Base):
    """One question (or evaluation statement) of a poll."""

    __tablename__ = "poll_questions"
    __table_args__ = (UniqueConstraint("poll_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[str] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    options: Mapped[list[PollOption]] = relationship(
        order_by="PollOption.position", cascade="all, delete-orphan"
    )


class PollOption(Base):
    """An answer option and its running count (the counts live here, apart from ballots).

    ``score`` is the option's value on a scale (Helt uenig = 1 … Helt enig = 5, a rating's
    stars); None for options that are not on a scale, such as "Ved ikke".
    """

    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("question_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("poll_questions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    score: Mapped[int | None] = mapped_column(Integer)
    votes: Mapped[int] = mapped_column(Integer, default=0)


POLL_SHARDS = 16  # PostgreSQL: slices of each poll's vote counter (see PollShard)


class PollShard(Base):
    """PostgreSQL: a slice of a poll's vote counter, so first votes do not queue for one row.

    A first vote bumps the shard its voter key falls in, instead of the poll row, and counts its
    option in the same shard of :class:`PollOptionShard`: people voting at once then lock
    different rows (with one hot row, each vote waited for the one before it to commit, and
    PostgreSQL spent most of a vote's CPU on that queue). ``closed`` is set on every shard
    when the poll closes; a vote checks it on the row it locks, so a vote is either committed
    before the close or refused. The rows are made with the poll. SQLite writes one vote at a
    time anyway and keeps counting on the poll and option rows; it has no shards.
    """

    __tablename__ = "poll_shards"

    poll_id: Mapped[str] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[bool] = mapped_column(default=False)


class PollOptionShard(Base):
    """PostgreSQL: a slice of an option's count (see :class:`PollShard`); the option's count
    is ``PollOption.votes`` plus its shards'."""

    __tablename__ = "poll_option_shards"

    option_id: Mapped[int] = mapped_column(
        ForeignKey("poll_options.id", ondelete="CASCADE"), primary_key=True
    )
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    votes: Mapped[int] = mapped_column(Integer, default=0)


class PollBallot(Base):
    """That a voter has answered a question, and what, kept apart from the counts.

    ``voter_key`` is a keyed hash (HMAC with a secret that is not in the database) of poll and
    voter: enough to stop double voting and to find the ballot again when the voter changes
    their mind. In an anonymous poll the choice is only stored sealed with a key derived from
    the same secret and the voter's id, so the database alone links no one to an option; the
    named columns stay empty. In a named poll they hold who chose what, for the creator's export.
    """

    __tablename__ = "poll_ballots"
    __table_args__ = (UniqueConstraint("poll_id", "question_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique constraint above (poll_id first) serves lookups by poll.
    poll_id: Mapped[str] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("poll_questions.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(String(64))
    sealed_choice: Mapped[str] = mapped_column(Text, default="")
    voter_aad_object_id: Mapped[str] = mapped_column(String(64), default="")
    voter_name: Mapped[str] = mapped_column(String(255), default="")
    choice: Mapped[str] = mapped_column(String(255), default="")  # option ids, comma-separated
    voted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class BotConversation(Base):
    """A conversation the bot may speak in: installed there, and not removed since (#4).

    Stored from ``conversationUpdate`` (bot in ``membersAdded``) and ``installationUpdate``
    (add); removal, or Teams answering 403/404 to a send, makes it inactive. ``reference`` is
    the Bot Framework conversation reference (JSON) that proactive sends continue from.
    """

    __tablename__ = "bot_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(512), unique=True)
    conversation_type: Mapped[str] = mapped_column(
        String(32), default=""
    )  # personal/groupChat/channel
    tenant_id: Mapped[str] = mapped_column(String(64), default="")
    team_id: Mapped[str] = mapped_column(String(512), default="")
    name: Mapped[str] = mapped_column(String(255), default="")  # channel or chat name if known
    service_url: Mapped[str] = mapped_column(String(512), default="")
    reference: Mapped[str] = mapped_column(Text, default="")
    user_aad_object_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    active: Mapped[bool] = mapped_column(default=True)
    inactive_reason: Mapped[str] = mapped_column(String(64), default="")
    installed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReminderSubscription(Base):
    """What a conversation wants to be reminded of: everything, or one municipality, region,
    solution (project), or frozen zones only ("abonnér på Vejle")."""

    __tablename__ = "reminder_subscriptions"
    __table_args__ = (
        UniqueConstraint("conversation_id", "kind", "value"),
        CheckConstraint(
            "kind IN ('all', 'municipality', 'region', 'solution', 'frozen_zones')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("bot_conversations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(255), default="")
    created_by_aad: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReminderSender(Base):
    """A process that sends reminders: a claim of one that is dead is taken over at once.

    Dead means its pid is gone on the same host (a restart after a crash sees that at once) or
    its heartbeat, renewed while it sends, is older than the ledger's staleness limit.
    """

    __tablename__ = "reminder_senders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReminderDelivery(Base):
    """The delivery ledger: one row per (rule, item, conversation, occasion), written before
    the send and completed after it, so no reminder is sent twice and none is forgotten.

    ``state``: ``pending`` (claimed, being sent; ``claimed_until`` is the lease), ``sent``,
    ``failed`` (will be retried), ``gone`` (the conversation answered 403/404). ``items`` is the
    JSON list of reminder identities in the card, so a posted card can be updated later.
    """

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sent', 'failed', 'gone')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(512), unique=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("bot_conversations.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The sender process holding the claim (reminder_senders.id); "" for rows claimed before
    # senders were recorded, which wait for their lease.
    claimed_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    activity_id: Mapped[str] = mapped_column(String(255), default="")
    items: Mapped[str] = mapped_column(Text, default="")
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReminderSnooze(Base):
    """ "Påmind mig igen mandag": no personal reminder of this item for this person until then."""

    __tablename__ = "reminder_snoozes"
    __table_args__ = (UniqueConstraint("aad_object_id", "item_kind", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    aad_object_id: Mapped[str] = mapped_column(String(64))
    item_kind: Mapped[str] = mapped_column(String(16))
    item_key: Mapped[str] = mapped_column(String(64))
    until: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReminderAck(Base):
    """ "Set" on a frozen-zone notice: who acknowledged it, counted per conversation."""

    __tablename__ = "reminder_acks"
    __table_args__ = (UniqueConstraint("delivery_id", "aad_object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("reminder_deliveries.id", ondelete="CASCADE"), index=True
    )
    aad_object_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReminderControl(Base):
    """One row: reminders paused by an admin ("pause påmindelser") or running."""

    __tablename__ = "reminder_control"

    id: Mapped[int] = mapped_column(primary_key=True)
    paused: Mapped[bool] = mapped_column(default=False)
    changed_by: Mapped[str] = mapped_column(String(255), default="")
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SchedulerJob(Base):
    """APScheduler 3's SQLAlchemy job store table, created here so that the schema is made only
    by migrations (the job store is configured not to create it)."""

    __tablename__ = "apscheduler_jobs"

    id: Mapped[str] = mapped_column(String(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)


__all__ = [
    "AgendaItem",
    "Agreement",
    "AgreementKind",
    "AgreementSignature",
    "AuditEntry",
    "Base",
    "BlockedAction",
    "BotConversation",
    "Contact",
    "DataVersion",
    "FrozenZone",
    "Import",
    "KlikTask",
    "KlikTaskStatus",
    "KlikTaskStatusCount",
    "Meeting",
    "Municipality",
    "MunicipalityAlias",
    "MunicipalityVisit",
    "PendingAction",
    "Poll",
    "PollBallot",
    "PollOption",
    "PollQuestion",
    "ProgrammeLeaderAction",
    "RecordedPoll",
    "ReminderAck",
    "ReminderControl",
    "ReminderDelivery",
    "ReminderSnooze",
    "ReminderSubscription",
    "RolloutWave",
    "SchedulerJob",
    "SignatureStatus",
    "Solution",
    "TaskStatus",
    "UserProfile",
]
