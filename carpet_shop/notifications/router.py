"""Notifications (CONTRACT.md "Notifications"), their settings, and inventory alert rules."""

from __future__ import annotations

import functools
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from carpet_shop.auth import service as auth_service
from carpet_shop.auth.dependencies import (
    AdminActor,
    CurrentActor,
    ProductEditor,
    Scope,
    bearer,
)
from carpet_shop.core.actor import Actor
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.errors import Conflict, Unauthorized
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession, read_first
from carpet_shop.notifications import alerts, service
from carpet_shop.notifications import stream as live_stream
from carpet_shop.notifications.live import LiveHub
from carpet_shop.notifications.models import NotificationType
from carpet_shop.notifications.schemas import (
    AlertCreate,
    AlertRead,
    AlertUpdate,
    CustomerRemindersRead,
    CustomerRemindersUpdate,
    NotificationListEnvelope,
    NotificationPageMeta,
    NotificationRead,
    ReadAllResult,
    SettingsRead,
    SettingsUpdate,
    ShopSettingsRead,
    ShopSettingsUpdate,
    TelegramLinkCodeRead,
    UnreadCount,
)
from carpet_shop.notifications.telegram import service as telegram_service

router = APIRouter(prefix="/api/notifications", tags=["notifications"], route_class=SessionRoute)
alerts_router = APIRouter(
    prefix="/api/inventory/alerts", tags=["inventory"], route_class=SessionRoute
)


@router.get(
    "",
    response_model=NotificationListEnvelope,
    responses=errors(*AUTHED),
    summary="The caller's notifications, newest first; meta.unread counts all unread",
)
def list_notifications(
    actor: CurrentActor,
    session: ReadSession,
    page: Page,
    is_read: bool | None = None,
    type: Annotated[NotificationType | None, Query(description="Only this type")] = None,
) -> NotificationListEnvelope:
    rows, total, unread = service.list_notifications(
        session, actor, page, is_read=is_read, kind=type
    )
    return NotificationListEnvelope(
        data=[NotificationRead.model_validate(n) for n in rows],
        meta=NotificationPageMeta(
            page=page.page, page_size=page.page_size, total=total, unread=unread
        ),
    )


@router.get(
    "/unread-count",
    response_model=Envelope[UnreadCount],
    responses=errors(*AUTHED),
    summary="How many of the caller's notifications are unread (the badge)",
)
def unread_count(actor: CurrentActor, session: ReadSession) -> Envelope[UnreadCount]:
    return ok(UnreadCount(unread=service.unread_count(session, actor)))


# What a client reads: the retry hint, a heartbeat, then one event per new notification.
_STREAM_EXAMPLE = (
    "retry: 3000\n\n"
    ": ping\n\n"
    "id: 0193a1b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b\n"
    "event: notification\n"
    'data: {"id": "0193a1b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b", "type": "LOW_STOCK", '
    '"title": "Low stock", "message": "Kashan 2×3: 2 pcs left (threshold 3)", '
    '"is_read": false, "branch_id": "0193a1b2-0000-7000-8000-000000000001", '
    '"related_entity_type": "product", '
    '"related_entity_id": "0193a1b2-0000-7000-8000-000000000002", '
    '"data": {"stock": 2, "threshold": 3, "unit": "pcs"}, '
    '"created_at": "2026-01-08T10:30:00Z"}\n\n'
)
STREAM_PATH = "/api/notifications/stream"
# A Last-Event-ID longer than a notification's id names none: the stream starts afresh.
_EVENT_ID_MAX = 64


async def stream(request: Request) -> StreamingResponse:
    """The caller's new notifications, live (Server-Sent Events).

    A plain route, not an API route with a session (core.sessions): a stream lasts for hours
    and must hold no connection, so it checks the token in a read of its own and then reads
    the table briefly when woken. Documented in the OpenAPI document by `STREAM_DOCS`.
    """
    access = await bearer(request) or request.query_params.get("token")
    if not access:
        raise Unauthorized("Sign in first: send 'Authorization: Bearer <access token>'")
    state = request.app.state
    user, _ = await read_first(
        request, auth_service.authenticate, state.clock, state.auth_policy, access
    )
    last_event_id = request.headers.get("last-event-id")
    if last_event_id is not None and len(last_event_id) > _EVENT_ID_MAX:
        last_event_id = None
    hub: LiveHub = state.live
    return StreamingResponse(
        live_stream.events(hub, functools.partial(read_first, request), user.id, last_event_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


_ERROR = {"$ref": "#/components/schemas/ErrorEnvelope"}
# The stream's operation as FastAPI would have written it (core.openapi.install adds it).
STREAM_DOCS: dict[str, Any] = {
    "get": {
        "tags": ["notifications"],
        "summary": "The caller's new notifications, live (Server-Sent Events); send "
        "Last-Event-ID to get what was missed",
        "operationId": "notifications_stream",
        "security": [{"OAuth2PasswordBearer": []}],
        "parameters": [
            {
                "name": "token",
                "in": "query",
                "required": False,
                "description": "The access token, for clients that cannot set headers",
                "schema": {"type": "string"},
            },
            {
                "name": "Last-Event-ID",
                "in": "header",
                "required": False,
                "description": "The id of the last event received: the stream sends every "
                "notification made after it",
                "schema": {"type": "string", "maxLength": _EVENT_ID_MAX},
            },
        ],
        "responses": {
            "200": {
                "description": "Events `notification` (id: the notification's id, data: the "
                "notification as JSON) and `: ping` heartbeats",
                "content": {
                    "text/event-stream": {
                        "schema": {"type": "string"},
                        "example": _STREAM_EXAMPLE,
                    }
                },
            },
            "401": {
                "description": "UNAUTHORIZED or TOKEN_EXPIRED: no valid access token",
                "content": {"application/json": {"schema": _ERROR}},
            },
        },
    }
}


@router.put(
    "/read-all",
    response_model=Envelope[ReadAllResult],
    responses=errors(*AUTHED),
    summary="Mark all the caller's notifications read",
)
def read_all(
    actor: CurrentActor, session: WriteSession, clock: AppClock
) -> Envelope[ReadAllResult]:
    marked = service.mark_all_read(session, actor, clock)
    return ok(ReadAllResult(marked=marked), "Notifications marked read")


@router.get(
    "/settings",
    response_model=Envelope[SettingsRead],
    responses=errors(*AUTHED),
    summary="Which notification types the caller receives in the app and on Telegram",
)
def read_settings(actor: CurrentActor, session: ReadSession) -> Envelope[SettingsRead]:
    return ok(_settings(session, actor))


@router.put(
    "/settings",
    response_model=Envelope[SettingsRead],
    responses=errors(*AUTHED),
    summary="Choose the types received in the app and on Telegram, and the language",
)
def update_settings(
    body: SettingsUpdate, actor: CurrentActor, session: WriteSession, clock: AppClock
) -> Envelope[SettingsRead]:
    service.update_settings(
        session,
        actor,
        clock,
        language=body.language,
        in_app_types=body.in_app_types,
        telegram_types=body.telegram_types,
    )
    return ok(_settings(session, actor), "Settings saved")


def _settings(session: Session, actor: Actor) -> SettingsRead:
    chosen = service.settings_of(session, actor)
    return SettingsRead(
        language=chosen.language,
        in_app_types=[NotificationType(t) for t in chosen.in_app_types],
        telegram_types=[NotificationType(t) for t in chosen.telegram_types],
        telegram_linked=service.telegram_chat_of(session, actor.id) is not None,
    )


@router.get(
    "/shop-settings",
    response_model=Envelope[ShopSettingsRead],
    responses=errors(*AUTHED, 403),
    summary="The director's shop-wide choices: large-sale threshold, due-soon days, reminders",
)
def shop_settings(actor: AdminActor, session: ReadSession) -> Envelope[ShopSettingsRead]:
    return ok(ShopSettingsRead(**vars(service.shop_settings(session))))


@router.put(
    "/shop-settings",
    response_model=Envelope[ShopSettingsRead],
    responses=errors(*AUTHED, 403),
    summary="Change the shop-wide choices (director); a null threshold turns large-sale "
    "notifications off",
)
def set_shop_settings(
    body: ShopSettingsUpdate, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[ShopSettingsRead]:
    changes = body.model_dump(exclude_unset=True)
    for name in ("debt_due_soon_days", "customer_reminders"):
        if name in changes and changes[name] is None:
            del changes[name]
    saved = service.update_shop_settings(session, actor, clock, changes)
    return ok(ShopSettingsRead(**vars(saved)), "Settings saved")


@router.post(
    "/telegram/link",
    response_model=Envelope[TelegramLinkCodeRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, s409="CONFLICT: the shop has no Telegram bot set up"),
    summary="A one-time code to link the caller's Telegram chat: send `/start CODE` to the "
    "shop's bot (or open start_link)",
)
def telegram_link(
    actor: CurrentActor, session: WriteSession, clock: AppClock, settings: AppSettings
) -> Envelope[TelegramLinkCodeRead]:
    if not settings.telegram_bot_token:
        raise Conflict("Telegram is not set up for this shop (TELEGRAM_BOT_TOKEN)")
    code = telegram_service.create_link_code(session, actor, clock)
    bot = settings.telegram_bot_username
    return ok(
        TelegramLinkCodeRead(
            code=code.code,
            expires_at=code.expires_at,
            bot_username=bot,
            start_link=f"https://t.me/{bot}?start={code.code}" if bot else None,
        ),
        "Send the code to the shop's bot",
    )


@router.delete(
    "/telegram/link",
    response_model=Envelope[None],
    responses=errors(*AUTHED),
    summary="Stop sending the caller's notifications to Telegram",
)
def telegram_unlink(actor: CurrentActor, session: WriteSession) -> Envelope[None]:
    telegram_service.unlink(session, actor)
    return ok(None, "Telegram unlinked")


@router.put(
    "/customers/{customer_id}/reminders",
    response_model=Envelope[CustomerRemindersRead],
    responses=errors(*AUTHED, 403, 404),
    summary="Turn a customer's debt reminders on Telegram on or off (director)",
)
def customer_reminders(
    customer_id: uuid.UUID,
    body: CustomerRemindersUpdate,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
) -> Envelope[CustomerRemindersRead]:
    row = telegram_service.set_customer_reminders(
        session, actor, clock, customer_id, body.reminders
    )
    return ok(
        CustomerRemindersRead(
            customer_id=customer_id,
            reminders=row.reminders,
            telegram_linked=row.chat_id is not None,
        ),
        "Reminders saved",
    )


@router.put(
    "/{notification_id}/read",
    response_model=Envelope[NotificationRead],
    responses=errors(*AUTHED, 404),
    summary="Mark one of the caller's notifications read",
)
def mark_read(
    notification_id: uuid.UUID, actor: CurrentActor, session: WriteSession, clock: AppClock
) -> Envelope[NotificationRead]:
    notification = service.mark_read(session, actor, clock, notification_id)
    return ok(NotificationRead.model_validate(notification), "Notification marked read")


@router.delete(
    "/{notification_id}",
    response_model=Envelope[None],
    responses=errors(*AUTHED, 404),
    summary="Delete one of the caller's notifications",
)
def delete_one(
    notification_id: uuid.UUID, actor: CurrentActor, session: WriteSession
) -> Envelope[None]:
    service.delete_notification(session, actor, notification_id)
    return ok(None, "Notification deleted")


# Inventory alert rules (specification 1D)


def _alert(view: alerts.AlertView) -> AlertRead:
    a = view.alert
    return AlertRead(
        id=a.id,
        product_id=a.product_id,
        product_name=view.product_name,
        branch_id=a.branch_id,
        size=a.size or None,
        alert_type=a.alert_type,
        threshold=a.threshold,
        is_active=a.is_active,
        last_triggered=a.last_triggered,
        created_at=a.created_at,
        updated_at=a.updated_at,
    )


@alerts_router.get(
    "",
    response_model=ListEnvelope[AlertRead],
    responses=errors(*AUTHED, 403),
    summary="Stock alert rules of the caller's branch (the director: every branch)",
)
def list_alerts(
    actor: ProductEditor,
    scope: Scope,
    session: ReadSession,
    page: Page,
    product_id: uuid.UUID | None = None,
) -> ListEnvelope[AlertRead]:
    views, total = alerts.list_alerts(session, scope, page, product_id)
    return page_of([_alert(v) for v in views], page, total)


@alerts_router.post(
    "",
    response_model=Envelope[AlertRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 404, s409="CONFLICT: the product has a rule of this type"),
    summary="Give a product its own LOW_STOCK or OUT_OF_STOCK level, or turn the alert off",
)
def create_alert(
    body: AlertCreate, actor: ProductEditor, session: WriteSession, clock: AppClock
) -> Envelope[AlertRead]:
    return ok(_alert(alerts.create_alert(session, actor, clock, body)), "Alert created")


@alerts_router.get(
    "/{alert_id}",
    response_model=Envelope[AlertRead],
    responses=errors(*AUTHED, 403, 404),
    summary="One stock alert rule",
)
def read_alert(
    alert_id: uuid.UUID, actor: ProductEditor, session: ReadSession
) -> Envelope[AlertRead]:
    return ok(_alert(alerts.read_alert(session, actor, alert_id)))


@alerts_router.put(
    "/{alert_id}",
    response_model=Envelope[AlertRead],
    responses=errors(*AUTHED, 403, 404),
    summary="Change a rule's threshold, or turn it on or off",
)
def update_alert(
    alert_id: uuid.UUID,
    body: AlertUpdate,
    actor: ProductEditor,
    session: WriteSession,
    clock: AppClock,
) -> Envelope[AlertRead]:
    return ok(_alert(alerts.update_alert(session, actor, clock, alert_id, body)), "Alert updated")


@alerts_router.delete(
    "/{alert_id}",
    response_model=Envelope[None],
    responses=errors(*AUTHED, 403, 404),
    summary="Remove a rule: the product goes back to its threshold or the shop's default",
)
def delete_alert(
    alert_id: uuid.UUID, actor: ProductEditor, session: WriteSession, clock: AppClock
) -> Envelope[None]:
    alerts.delete_alert(session, actor, clock, alert_id)
    return ok(None, "Alert deleted")
