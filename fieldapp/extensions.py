"""Unbound Flask extensions, attached to the app in create_app()."""

from typing import TYPE_CHECKING, ClassVar

from flask_babel import Babel
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase

from fieldapp.compression import Compress


class Base(DeclarativeBase):
    """Declarative base shared by every model."""


db = SQLAlchemy(model_class=Base)

# The models' base class. It is db.Model; a type checker cannot take an attribute of an
# instance as a base class, so it is told what db.Model is: Base with Flask-SQLAlchemy's helpers.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        __abstract__ = True
        __table__: ClassVar[Table]  # every model names its table
else:
    Model = db.Model

migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
htmx = HTMX()
compress = Compress()
