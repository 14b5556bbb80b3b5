"""The organisation: power companies, their teams, and the people who use the app."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from fieldapp.extensions import Model
from fieldapp.models.types import UTCDateTime

ROLES = ("crew", "desk", "team_lead", "company", "admin")
DESKS = ("operations", "business")


class Company(Model):
    """A power company (CTĐL), one per province."""

    __tablename__ = "companies"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    teams: Mapped[list["Team"]] = relationship(back_populates="company", order_by="Team.code")


class Team(Model):
    """An area power management team (ĐQLĐKV)."""

    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    company: Mapped[Company] = relationship(back_populates="teams")


class User(UserMixin, Model):
    """A person who signs in: crew, desk clerk, team leader, company staff or admin."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    desk: Mapped[str | None] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped to end every session of the user (logout everywhere, disabling).
    session_version: Mapped[int] = mapped_column(default=1)

    team: Mapped[Team | None] = relationship()
    company: Mapped[Company | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def visible_team_ids(self) -> list[int] | None:
        """Teams whose tickets this user may read; None means every team."""
        if self.role == "admin":
            return None
        if self.role == "company":
            return [t.id for t in self.company.teams] if self.company else []
        return [self.team_id] if self.team_id else []


class AdminAudit(Model):
    """One change an administrator made to an account: who, to whom, what, when; never edited."""

    __tablename__ = "admin_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))  # rules.labels "audit"
    # What changed, as {field: [before, after]}; a password never appears, only that it changed.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    user: Mapped[User] = relationship(foreign_keys=[user_id])
