from __future__ import annotations

from carpet_shop.core.errors import BadRequest, Forbidden, Unauthorized


class RefreshTokenReused(Unauthorized):
    """A rotated refresh token came back: someone else may hold it, so the session ends.

    The revocation must outlive the 401, hence keeps_writes.
    """

    default_message = "This refresh token was already used; the session has been ended"
    keeps_writes = True


class AccountDeactivated(Forbidden):
    default_message = "This account is deactivated; ask the director"
    # The refused attempt is still recorded in the audit trail.
    keeps_writes = True


class InvalidResetToken(BadRequest):
    """A reset code that is unknown, already used or older than 15 minutes: one answer for
    all three. The refused attempt counts toward the address's rate limit, hence keeps_writes."""

    default_message = "This reset code is invalid, used or expired; ask for a new one"
    keeps_writes = True
