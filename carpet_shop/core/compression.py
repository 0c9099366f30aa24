"""gzip for answers above 1 KB when the client accepts it: phones on weak mobile data.

Starlette's GZipMiddleware does the work (streamed answers are compressed as they stream;
event streams, images and archives are left alone). Requests that do not accept gzip skip
it entirely, and files that are already compressed (XLSX is a zip, PDF streams are deflated)
are sent as they are.
"""

from __future__ import annotations

from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipResponder
from starlette.types import ASGIApp, Receive, Scope, Send

MINIMUM_SIZE = 1024
# zlib level 6: nearly all of level 9's saving on JSON at a fraction of its CPU.
LEVEL = 6
EXCLUDED = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def _accepts_gzip(scope: Scope) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"accept-encoding":
            return b"gzip" in value.lower()
    return False


class CompressionMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _accepts_gzip(scope):
            await self.app(scope, receive, send)
            return
        responder = GZipResponder(
            self.app, MINIMUM_SIZE, compresslevel=LEVEL, exclude_content_types=EXCLUDED
        )
        await responder(scope, receive, send)
