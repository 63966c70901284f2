"""Members' private calendar feeds on ``CALENDAR_PORT``: ``GET /calendar/<token>.ics``.

Served by aiohttp, which the bot already runs on, behind the operator's reverse proxy (which
holds the TLS certificate for ``CALENDAR_FEED_URL``). The token is the secret: there is no
access log (it would write every member's link to disk), nothing about a request is logged, and
an unknown, revoked or malformed token gets the same 404 as any other path.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.clock import Clock
from bot.db import Database
from bot.services import calendar as calendar_service

log = logging.getLogger(__name__)

NOT_FOUND = "Not found. If this was your calendar link, get a new one with /me calendar."


class CalendarFeed:
    """The feed server; started in ``setup_hook`` when both calendar settings are given."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.port: int | None = None
        self._runner: web.AppRunner | None = None

    async def answer(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        token = name.removesuffix(".ics") if name.endswith(".ics") else ""
        try:
            owner = await calendar_service.feed_owner(self.db, token)
            if owner is None:
                return web.Response(status=404, text=NOT_FOUND)
            calendar = await calendar_service.member_calendar(self.db, self.clock, user_id=owner)
        except Exception:
            # Logged without the request: its path is the member's secret.
            log.exception("A calendar feed could not be served")
            return web.Response(status=503, text="Try again in a few minutes.")
        return web.Response(
            body=calendar_service.to_ics(calendar),
            headers={
                "Content-Type": "text/calendar; charset=utf-8",
                "Content-Disposition": f'inline; filename="{calendar_service.FILENAME}"',
                # Private to the member: no shared cache may keep it, apps ask again each time.
                "Cache-Control": "private, no-cache",
                "X-Robots-Tag": "noindex",
                "Referrer-Policy": "no-referrer",
            },
        )

    async def serve(self, host: str, port: int) -> None:
        """Listen on ``host:port`` (port 0: any free one, read back from ``port``)."""
        app = web.Application()
        app.router.add_get("/calendar/{name}", self.answer)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info("Calendar feeds on http://%s:%d/calendar/", host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
