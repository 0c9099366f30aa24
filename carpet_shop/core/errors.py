"""Domain errors: each carries its CONTRACT.md code and HTTP status; one handler renders them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from carpet_shop.core.i18n import Message


class ErrorCode(StrEnum):
    """Every `error.code` an answer can carry (CONTRACT.md "Envelopes"); clients switch on it."""

    BAD_REQUEST = "BAD_REQUEST"
    UNAUTHORIZED = "UNAUTHORIZED"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    FORBIDDEN = "FORBIDDEN"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    CONFLICT = "CONFLICT"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    PAYMENT_EXCEEDS_REMAINING = "PAYMENT_EXCEEDS_REMAINING"
    PRICE_BELOW_COST = "PRICE_BELOW_COST"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"


class AppError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "BAD_REQUEST"
    default_message: ClassVar[str] = "The request cannot be processed"
    # Most failures roll the request's transaction back. A few must keep what was written
    # before they were raised (a failed login records the attempt that counts toward a lock).
    keeps_writes: ClassVar[bool] = False

    # `message` is an English message id of the catalogs (core.i18n), or a Message with values;
    # the error handler says it in the client's language.
    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        self.message = message or self.default_message
        self.details = details or {}
        super().__init__(self.message)


def keeps_writes(error: BaseException) -> bool:
    """Whether the request that raised `error` keeps what it wrote (see `AppError`)."""
    return isinstance(error, AppError) and error.keeps_writes


class BadRequest(AppError):
    pass


class Unauthorized(AppError):
    status_code = 401
    code = "UNAUTHORIZED"
    default_message = "Authentication required"


class TokenExpired(AppError):
    status_code = 401
    code = "TOKEN_EXPIRED"
    default_message = "The token has expired"


class InvalidCredentials(AppError):
    status_code = 401
    code = "INVALID_CREDENTIALS"
    default_message = "Wrong username or password"
    keeps_writes = True


class Forbidden(AppError):
    status_code = 403
    code = "FORBIDDEN"
    default_message = "You are not allowed to do this"


class AccountLocked(AppError):
    status_code = 403
    code = "ACCOUNT_LOCKED"
    default_message = "The account is locked after too many failed logins"
    keeps_writes = True


class NotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    default_message = "Not found"

    @classmethod
    def of(cls, entity: str, entity_id: object) -> NotFound:
        return cls(
            Message("{entity} {id} not found", entity=Message(entity), id=entity_id),
            details={"entity": entity, "id": str(entity_id)},
        )


class MethodNotAllowed(AppError):
    status_code = 405
    code = "METHOD_NOT_ALLOWED"
    default_message = "Method not allowed"


class Conflict(AppError):
    status_code = 409
    code = "CONFLICT"
    default_message = "The request conflicts with the current state"


class InsufficientStock(AppError):
    status_code = 409
    code = "INSUFFICIENT_STOCK"
    default_message = "Not enough stock"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"
    default_message = "The request body is too large"


class ValidationFailed(AppError):
    status_code = 422
    code = "VALIDATION_ERROR"
    default_message = "The request is not valid"

    @classmethod
    def field(cls, field: str, message: str) -> ValidationFailed:
        return cls(message, details={"fields": [{"field": field, "message": message}]})


class PaymentExceedsRemaining(AppError):
    status_code = 422
    code = "PAYMENT_EXCEEDS_REMAINING"
    default_message = "The payment is more than what is still owed"


class PriceBelowCost(AppError):
    status_code = 422
    code = "PRICE_BELOW_COST"
    default_message = "A seller cannot sell below the buy price"


class RateLimited(AppError):
    status_code = 429
    code = "RATE_LIMITED"
    default_message = "Too many requests"

    def __init__(self, retry_after_seconds: int, message: str | None = None):
        super().__init__(message, details={"retry_after": retry_after_seconds})
        self.retry_after_seconds = retry_after_seconds


class ServiceUnavailable(AppError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"
    default_message = "The service is not available"


class ItemRefused(Exception):
    """One item of a batch was refused (`catalog.service.create_products`): which one (its
    index) and the error a call for that item alone raises. Not an answer: the batch's
    caller says which of its own lines it was."""

    def __init__(self, index: int, error: AppError):
        self.index = index
        self.error = error
        super().__init__(index, error.message)
