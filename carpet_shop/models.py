"""Every table of the service, imported in one place for Alembic and the test suite."""

from carpet_shop.audit.models import AuditLog
from carpet_shop.auth.models import AuthSession, LoginAttempt
from carpet_shop.branches.models import Branch
from carpet_shop.catalog.models import Collection, Product, ProductSize, Size
from carpet_shop.core.models import Base
from carpet_shop.inventory.models import StockMovement
from carpet_shop.sales.models import IdempotencyRecord, ReceiptCounter, Sale, SaleItem, SalePayment
from carpet_shop.transfers.models import Transfer
from carpet_shop.users.models import User

__all__ = [
    "AuditLog",
    "AuthSession",
    "Base",
    "Branch",
    "Collection",
    "IdempotencyRecord",
    "LoginAttempt",
    "Product",
    "ProductSize",
    "ReceiptCounter",
    "Sale",
    "SaleItem",
    "SalePayment",
    "Size",
    "StockMovement",
    "Transfer",
    "User",
]
