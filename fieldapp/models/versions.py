"""Version numbers of data that processes keep a copy of (services.reference)."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.extensions import Model


class CacheVersion(Model):
    """Bumped in the transaction that changes the named data, so every process's copy of it
    can tell it is out of date from one number."""

    __tablename__ = "cache_versions"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
