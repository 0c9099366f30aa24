"""Every table of the service, imported in one place for Alembic and the test suite."""

from carpet_shop.analytics.models import (
    PaymentsDaily,
    ProductsDaily,
    ProductsMonthly,
    SalesDaily,
    SizesDaily,
)
from carpet_shop.audit.models import AuditLog
from carpet_shop.auth.models import AuthSession, LoginAttempt
from carpet_shop.branches.models import Branch
from carpet_shop.catalog.models import Collection, Product, ProductSize, Size
from carpet_shop.commissions.models import Commission
from carpet_shop.core.leases import JobLease
from carpet_shop.core.models import Base
from carpet_shop.core.scheduler import ScheduledJob
from carpet_shop.currency.models import CurrencyRate
from carpet_shop.customers.models import Customer
from carpet_shop.debts.models import Debt, Payment
from carpet_shop.discounts.models import Discount
from carpet_shop.frontend_data.models import FrontendRecord
from carpet_shop.goods_receipts.models import GoodsReceipt, GoodsReceiptLine, PurchaseSettings
from carpet_shop.imports.models import ImportPreview
from carpet_shop.inventory.models import StockMovement
from carpet_shop.notifications.models import (
    CustomerTelegram,
    InventoryAlert,
    Notification,
    NotificationEvent,
    NotificationSettings,
    ShopNotificationSettings,
    TelegramBotState,
    TelegramLink,
    TelegramLinkCode,
    TelegramOutbox,
)
from carpet_shop.numbering.models import DocumentCounter
from carpet_shop.payables.models import Payable, SupplierPayment
from carpet_shop.purchase_orders.models import PurchaseOrder, PurchaseOrderLine
from carpet_shop.returns.models import ReturnItem, SaleReturn
from carpet_shop.sales.models import IdempotencyRecord, ReceiptCounter, Sale, SaleItem, SalePayment
from carpet_shop.suppliers.models import Supplier
from carpet_shop.transfers.models import Transfer
from carpet_shop.users.models import User

__all__ = [
    "AuditLog",
    "AuthSession",
    "Base",
    "Branch",
    "Collection",
    "Commission",
    "CurrencyRate",
    "Customer",
    "CustomerTelegram",
    "Debt",
    "Discount",
    "DocumentCounter",
    "FrontendRecord",
    "GoodsReceipt",
    "GoodsReceiptLine",
    "IdempotencyRecord",
    "ImportPreview",
    "InventoryAlert",
    "JobLease",
    "LoginAttempt",
    "Notification",
    "NotificationEvent",
    "NotificationSettings",
    "Payable",
    "Payment",
    "PaymentsDaily",
    "Product",
    "ProductSize",
    "ProductsDaily",
    "ProductsMonthly",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseSettings",
    "ReceiptCounter",
    "ReturnItem",
    "Sale",
    "SaleItem",
    "SalePayment",
    "SaleReturn",
    "SalesDaily",
    "ScheduledJob",
    "ShopNotificationSettings",
    "Size",
    "SizesDaily",
    "StockMovement",
    "Supplier",
    "SupplierPayment",
    "TelegramBotState",
    "TelegramLink",
    "TelegramLinkCode",
    "TelegramOutbox",
    "Transfer",
    "User",
]
