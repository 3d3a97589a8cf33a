"""Flask extensions, created unbound so that any module can import them without a circular import."""

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from clinic.db import Base

# Objects stay loaded after the request's one commit, so rendering the page does not reload them.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Models subclass `Model`: at run time Flask-SQLAlchemy's `db.Model` (built on `Base`), and for the
# type checker the declarative base itself, whose `Mapped[...]` columns mypy understands.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
