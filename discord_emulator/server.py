"""The HTTP side: one aiohttp app serving REST under /api/v10, the gateway and attachments.

Every REST request goes through the same pipeline, in Discord's order: record it, check the
token, the global limit, injected faults, the route's bucket, then the handler. Answers are
JSON with ``Content-Type: application/json`` exactly (discord.py parses nothing else).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from aiohttp import web

from discord_emulator.errors import ApiError
from discord_emulator.ratelimit import Buckets, ConnectionDropped, Faults, GlobalLimiter
from discord_emulator.state import UploadedFile

if TYPE_CHECKING:
    from discord_emulator.gateway import Gateway
    from discord_emulator.state import World

_log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
MAJOR_PARAMS = ("channel_id", "guild_id", "webhook_id", "webhook_token")


class RequestRecord(NamedTuple):
    """One REST request as received: ``body`` is the JSON, or for multipart
    ``{"payload_json": ..., "files": [(filename, bytes), ...]}``."""

    method: str
    path: str
    body: Any
    time: float


class ErrorRecord(NamedTuple):
    """A 4xx caused by something the bot sent (invalid payload, unknown route...)."""

    method: str
    path: str
    status: int
    code: int
    message: str
    errors: dict[str, Any] | None


@dataclass
class ApiRequest:
    """What a route handler sees."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[UploadedFile] = field(default_factory=list)

    def int_param(self, name: str) -> int:
        """A snowflake path parameter (404 when it is not a number, like Discord)."""
        try:
            return int(self.params[name])
        except ValueError:
            raise ApiError(404, 0, "404: Not Found") from None

    def body(self) -> dict[str, Any]:
        """The JSON object body (400 when the body is not an object)."""
        if not isinstance(self.json, dict):
            raise ApiError(400, 50109, "The request body contains invalid JSON.", record=True)
        return self.json


Handler = Callable[[ApiRequest], Awaitable[tuple[int, Any]]]


@dataclass
class Route:
    """A registered route: method, template and options."""

    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    auth: bool
    interaction: bool


class Router:
    """Maps ``METHOD /path`` to handlers using Discord's route templates."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self,
        method: str,
        template: str,
        handler: Handler,
        *,
        auth: bool = True,
        interaction: bool = False,
    ) -> None:
        """Register ``handler`` for ``method template`` (``{name}`` parts match one segment)."""
        pattern = "".join(
            f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{\w+\})", template)
        )
        self.routes.append(
            Route(method, template, re.compile(pattern + "$"), handler, auth, interaction)
        )

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The first route matching, with its parameters."""
        for route in self.routes:
            if route.method != method:
                continue
            found = route.regex.match(path)
            if found:
                return route, found.groupdict()
        return None


@dataclass
class Hook:
    """A callback run ``before`` or ``after`` the handler of matching requests (tests use it
    to crash the bot at a chosen instant: before Discord's write, or after it)."""

    method: str
    path: re.Pattern[str]
    phase: str
    callback: Callable[[], None]


class Server:
    """The aiohttp application and the REST pipeline."""

    def __init__(
        self,
        world: World,
        gateway: Gateway,
        token: str,
        *,
        global_rate_limit: int | None,
    ) -> None:
        self.world = world
        self.gateway = gateway
        self.token = token
        self.router = Router()
        self.faults = Faults()
        self.global_limiter = GlobalLimiter(global_rate_limit)
        self.buckets = Buckets()
        self.requests: list[RequestRecord] = []
        self.errors: list[ErrorRecord] = []
        self.hooks: list[Hook] = []
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle)
        self.app.router.add_get("/attachments/{channel}/{attachment}/{filename}", self._attachment)
        self.app.router.add_get("/", gateway.handle)

    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        """Serve attachment bytes (discord.py's ``Attachment.read`` fetches the URL)."""
        wanted = request.match_info["attachment"]
        attachment = self.world.attachments.get(int(wanted)) if wanted.isdigit() else None
        if attachment is None:
            return web.Response(status=404, text="404: Not Found")
        ctype = attachment.content_type or "application/octet-stream"
        return web.Response(body=attachment.data, headers={"Content-Type": ctype})

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        method = request.method
        headers: dict[str, str] = {}
        try:
            body, files = await self._read_body(request)
            record_body: Any = body
            if files:
                record_body = {"payload_json": body, "files": [(f.filename, f.data) for f in files]}
            self.requests.append(RequestRecord(method, path, record_body, time.monotonic()))
            found = self.router.match(method, path)
            params = found[1] if found else {}
            route = found[0] if found else None
            template = f"{method} {route.template if route else path}"
            major = "+".join(params[k] for k in MAJOR_PARAMS if k in params)
            if route is None or route.auth:
                self._check_auth(request)
            if route is None or not route.interaction:
                self.global_limiter.check()
            self.faults.check(method, path, self.buckets, major, template)
            if route is None:
                raise ApiError(404, 0, "404: Not Found", record=True)
            headers.update(self.buckets.take(template, major))
            api_request = ApiRequest(method, path, params, dict(request.query), body, files)
            self._run_hooks("before", method, path)
            status, payload = await route.handler(api_request)
            self._run_hooks("after", method, path)
            self.faults.check(method, path, self.buckets, major, template, after_write=True)
        except ConnectionDropped:
            # As a reset looks to the client: the connection closes and no answer comes.
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=204)
        except ApiError as error:
            if error.record:
                self.errors.append(
                    ErrorRecord(method, path, error.status, error.code, error.message, error.errors)
                )
                _log.warning("emulator rejected %s %s: %s %s", method, path, error, error.errors)
            headers.update(error.headers)
            payload = error.body()
            if error.status == 429:
                payload = {
                    "message": error.message,
                    "retry_after": getattr(error, "retry_after", 1.0),
                    "global": getattr(error, "global_", False),
                    "code": 0,
                }
            return _json_response(error.status, payload, headers)
        if status == 204:
            return web.Response(status=204, headers=headers)
        return _json_response(status, payload, headers)

    def _run_hooks(self, phase: str, method: str, path: str) -> None:
        for hook in self.hooks:
            if hook.phase == phase and hook.method == method and hook.path.fullmatch(path):
                hook.callback()

    def _check_auth(self, request: web.Request) -> None:
        if request.headers.get("Authorization") != f"Bot {self.token}":
            raise ApiError(401, 0, "401: Unauthorized", record=True)

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
        if not request.can_read_body:
            return None, []
        ctype = request.content_type
        if ctype == "application/json":
            raw = await request.read()
            try:
                return json.loads(raw), []
            except ValueError:
                raise ApiError(
                    400, 50109, "The request body contains invalid JSON.", record=True
                ) from None
        if ctype.startswith("multipart/"):
            payload: Any = None
            files: list[UploadedFile] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                name = getattr(part, "name", None) or ""
                data = await part.read()  # type: ignore[union-attr]
                if name == "payload_json":
                    payload = json.loads(data)
                else:
                    filename = getattr(part, "filename", None) or name
                    ctype_part = part.headers.get("Content-Type")
                    files.append(UploadedFile(name, filename, bytes(data), ctype_part))
            return payload, files
        await request.read()
        return None, []


def _json_response(status: int, payload: Any, headers: dict[str, str]) -> web.Response:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return web.Response(
        status=status, body=body, headers={**headers, "Content-Type": "application/json"}
    )
