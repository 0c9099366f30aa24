"""Every table of the service, imported in one place for Alembic and the test suite."""

from carpet_shop.audit.models import AuditLog
from carpet_shop.auth.models import AuthSession, LoginAttempt
from carpet_shop.branches.models import Branch
from carpet_shop.core.models import Base
from carpet_shop.users.models import User

__all__ = ["AuditLog", "AuthSession", "Base", "Branch", "LoginAttempt", "User"]
