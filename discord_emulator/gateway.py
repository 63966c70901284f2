"""The fake gateway: HELLO/IDENTIFY/RESUME, heartbeats, sharding, intents and event replay.

Frames are plain JSON text (discord.py only inflates binary frames, so asking for
``compress=zlib-stream`` is accepted and ignored). Each shard's session numbers its dispatches
and keeps them, so a RESUME replays what the bot missed while its socket was down.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from discord_emulator.models import user_payload

if TYPE_CHECKING:
    from discord_emulator.state import World

_log = logging.getLogger(__name__)

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
DIRECT_MESSAGES = 1 << 12
DIRECT_MESSAGE_REACTIONS = 1 << 13
MESSAGE_CONTENT = 1 << 15
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
HISTORY = 10_000
MEMBER_CHUNK = 1000
HEARTBEAT_ACK_DELAY = 0.02  # seconds: a short network round trip


def _frame(op: int, d: Any, *, t: str | None = None, s: int | None = None) -> str:
    return json.dumps({"op": op, "d": d, "s": s, "t": t}, separators=(",", ":"))


@dataclass(eq=False)
class Connection:
    """One websocket; a writer task sends queued frames in order."""

    ws: web.WebSocketResponse
    queue: asyncio.Queue[tuple[int | None, str] | int] = field(default_factory=asyncio.Queue)
    session: Session | None = None
    sent_seq: int = 0
    writer: asyncio.Task[None] | None = None

    def send(self, frame: str, seq: int | None = None) -> None:
        """Queue a frame."""
        self.queue.put_nowait((seq, frame))

    def close(self, code: int) -> None:
        """Queue a close after the frames already queued."""
        self.queue.put_nowait(code)


@dataclass(eq=False)
class Session:
    """A gateway session of one shard."""

    id: str
    shard_id: int
    shard_count: int
    intents: int
    seq: int = 0
    history: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=HISTORY))
    conn: Connection | None = None
    ready: bool = False

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Number, keep and (if connected) send a dispatch."""
        self.seq += 1
        frame = _frame(0, data, t=event, s=self.seq)
        self.history.append((self.seq, frame))
        if self.conn is not None:
            self.conn.send(frame, self.seq)


class Gateway:
    """Every session and socket of the fake gateway."""

    def __init__(
        self,
        world: World,
        token: str,
        *,
        heartbeat_interval: int,
        privileged_intents: int,
    ) -> None:
        self.world = world
        self.token = token
        self.heartbeat_interval = heartbeat_interval
        self.privileged_intents = privileged_intents
        self.url = ""
        self.sessions: dict[str, Session] = {}
        self.by_shard: dict[int, Session] = {}
        self.connections: set[Connection] = set()
        self.shard_count: int | None = None
        self.identified_intents: list[int] = []
        self.identifies = 0
        self.resumes = 0
        self.close_codes: list[int] = []
        # Set by an op 9 we sent: the bot is expected to IDENTIFY again shortly.
        self.reidentifying: set[int] = set()

    # ----- routing ---------------------------------------------------------------------

    def shard_for(self, guild_id: int | None) -> int | None:
        """The shard that receives a guild's events (DMs go to shard 0)."""
        if self.shard_count is None:
            return None
        return 0 if guild_id is None else (guild_id >> 22) % self.shard_count

    def dispatch(self, event: str, data: dict[str, Any], *, guild_id: int | None) -> bool:
        """Send an event to the session of the right shard, if the bot's intents allow it."""
        shard = self.shard_for(guild_id)
        session = self.by_shard.get(shard) if shard is not None else None
        if session is None:
            _log.debug("no session for %s on shard %s; dropped", event, shard)
            return False
        needed = _required_intent(event, data)
        if needed and not session.intents & needed:
            return False
        session.dispatch(event, _strip_content(event, data, session.intents, self.world))
        return True

    async def ensure_session(self, guild_id: int | None, what: str, *, required: bool) -> bool:
        """Whether the shard of ``guild_id`` has a session, waiting while it re-identifies.

        After an op 9 the bot identifies again within moments; a person acting in that gap
        simply acts a moment later. With ``required`` a bot that is not connected at all is an
        AssertionError (nobody would answer an interaction).
        """
        shard = self.shard_for(guild_id)
        if shard is not None and shard in self.by_shard:
            return True
        if shard is not None and shard in self.reidentifying:

            def present() -> bool:
                return shard in self.by_shard

            await self.world.signal.wait_for(
                present, 10.0, lambda: f"{what}: the bot did not identify again after op 9"
            )
            return True
        if required:
            raise AssertionError(f"{what}: the bot is not connected to the gateway")
        return False

    def is_ready(self) -> bool:
        """Every expected shard identified, and everything queued has been written."""
        if self.shard_count is None:
            return False
        for shard in range(self.shard_count):
            session = self.by_shard.get(shard)
            if session is None or not session.ready or session.conn is None:
                return False
            if session.conn.sent_seq < session.seq:
                return False
        return True

    async def disconnect(self, *, resume: bool) -> None:
        """Drop every shard's socket: 4000 (client resumes) or op 9 (client re-identifies)."""
        closing: list[asyncio.Task[None]] = []
        for session in list(self.by_shard.values()):
            conn = session.conn
            if conn is None:
                continue
            if resume:
                session.conn = None
                conn.session = None
                conn.close(4000)
            else:
                self._forget(session)
                self.reidentifying.add(session.shard_id)
                conn.send(_frame(9, False))
            if conn.writer is not None:
                closing.append(conn.writer)
        if closing:
            await asyncio.wait(closing, timeout=5)
        self.world.signal.fire()

    async def close(self) -> None:
        """Close every socket (emulator shutdown)."""
        for conn in list(self.connections):
            conn.close(1001)
        writers = [c.writer for c in self.connections if c.writer is not None]
        if writers:
            _, pending = await asyncio.wait(writers, timeout=5)
            for task in pending:
                task.cancel()

    # ----- the websocket ---------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """aiohttp handler for the gateway URL."""
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        conn = Connection(ws)
        conn.writer = asyncio.create_task(self._write(conn), name="emulator-gateway-writer")
        self.connections.add(conn)
        try:
            if request.query.get("v", "10") != "10":
                conn.close(4012)
            elif request.query.get("encoding", "json") != "json":
                conn.close(4002)
            else:
                conn.send(_frame(10, {"heartbeat_interval": self.heartbeat_interval}))
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    self._receive(conn, msg.data)
                elif msg.type is WSMsgType.BINARY:
                    conn.close(4002)
        finally:
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                if ws.close_code in (1000, 1001):
                    # A client closing with 1000/1001 ends its session (Discord invalidates it).
                    self._forget(session)
            conn.close(1000)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(conn.writer), 5)
            self.connections.discard(conn)
            self.world.signal.fire()
        return ws

    async def _write(self, conn: Connection) -> None:
        while True:
            item = await conn.queue.get()
            if isinstance(item, int):
                if not conn.ws.closed:
                    self.close_codes.append(item)
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(conn.ws.close(code=item), 5)
                return
            seq, frame = item
            try:
                await conn.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return
            if seq is not None:
                conn.sent_seq = max(conn.sent_seq, seq)
                self.world.signal.fire()

    def _receive(self, conn: Connection, text: str) -> None:
        try:
            payload = json.loads(text)
            op = payload["op"]
            data = payload.get("d")
        except (ValueError, KeyError, TypeError):
            conn.close(4002)
            return
        if op == 1:
            # Discord's ACK crosses a network. Answered in the same instant, it could beat
            # discord.py's heartbeat thread noting the send, which then took the whole interval
            # for latency and warned "Can't keep up ... 41.3s behind".
            asyncio.get_running_loop().call_later(HEARTBEAT_ACK_DELAY, conn.send, _frame(11, None))
        elif op == 2:
            self._identify(conn, data or {})
        elif op == 6:
            self._resume(conn, data or {})
        elif conn.session is None:
            conn.close(4003)
        elif op in (3, 4):
            return  # presence / voice state: accepted, nothing to do here
        elif op == 8:
            self._request_members(conn.session, data or {})
        else:
            conn.close(4001)

    def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if conn.session is not None:
            conn.close(4005)
            return
        if data.get("token") != self.token:
            conn.close(4004)
            return
        shard = data.get("shard") or [0, 1]
        if (
            not isinstance(shard, list)
            or len(shard) != 2
            or not all(isinstance(x, int) for x in shard)
            or not 0 <= shard[0] < shard[1]
        ):
            conn.close(4010)
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0:
            conn.close(4013)
            return
        if intents & PRIVILEGED & ~self.privileged_intents:
            conn.close(4014)
            return
        threshold = data.get("large_threshold")
        self.world.large_threshold = (
            min(max(threshold, 50), 250) if isinstance(threshold, int) else 50
        )
        self.identifies += 1
        self.reidentifying.discard(shard[0])
        self.identified_intents.append(intents)
        self.shard_count = shard[1]
        old = self.by_shard.get(shard[0])
        if old is not None:
            self._forget(old)
        session = Session(secrets.token_hex(16), shard[0], shard[1], intents, conn=conn)
        conn.session = session
        self.sessions[session.id] = session
        self.by_shard[session.shard_id] = session
        guilds = [
            g
            for g in self.world.guilds.values()
            if not g.removed and (g.id >> 22) % shard[1] == shard[0]
        ]
        session.dispatch("READY", self._ready_payload(session, guilds))
        for guild in guilds:
            if intents & GUILDS:
                session.dispatch("GUILD_CREATE", self.world.guild_create_payload(guild))
        session.ready = True
        self.world.signal.fire()

    def _ready_payload(self, session: Session, guilds: list[Any]) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.world.bot_user,
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "shard": [session.shard_id, session.shard_count],
            "application": {"id": str(self.world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "auth": {},
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
            "_trace": ["emulator"],
        }

    def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        if conn.session is not None:
            conn.close(4005)
            return
        if data.get("token") != self.token:
            conn.close(4004)
            return
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq")
        oldest = session.history[0][0] if session and session.history else 1
        if session is None or not isinstance(seq, int) or seq > session.seq or seq < oldest - 1:
            conn.send(_frame(9, False))
            return
        if session.conn is not None:
            stale = session.conn
            stale.session = None
            stale.close(4000)
        for number, frame in session.history:
            if number > seq:
                conn.send(frame, number)
        conn.session = session
        session.conn = conn
        self.resumes += 1
        session.dispatch("RESUMED", {"_trace": ["emulator"]})
        self.world.signal.fire()

    def _request_members(self, session: Session, data: dict[str, Any]) -> None:
        guild = self.world.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        query = str(data.get("query") or "").lower()
        members = []
        for user_id in guild.members:
            user = self.world.user(user_id)
            if user is None or (wanted and user_id not in wanted):
                continue
            if query and not user["username"].lower().startswith(query):
                continue
            members.append(guild.member_payload(user, user_id))
        for number, user_id in enumerate(guild.extra_member_ids()):
            name = f"member{number}"
            if (wanted and user_id not in wanted) or (query and not name.startswith(query)):
                continue
            members.append(guild.member_payload(user_payload(user_id, name), user_id))
        # Discord sends at most 1,000 members per chunk.
        parts = [members[i : i + MEMBER_CHUNK] for i in range(0, len(members), MEMBER_CHUNK)]
        for index, part in enumerate(parts or [[]]):
            chunk: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": part,
                "chunk_index": index,
                "chunk_count": max(1, len(parts)),
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    def _forget(self, session: Session) -> None:
        self.sessions.pop(session.id, None)
        if self.by_shard.get(session.shard_id) is session:
            del self.by_shard[session.shard_id]


def _required_intent(event: str, data: dict[str, Any]) -> int:
    if event.startswith(("GUILD_MEMBER_", "GUILD_MEMBERS_")) and event != "GUILD_MEMBERS_CHUNK":
        return GUILD_MEMBERS
    if event.startswith("MESSAGE_REACTION_"):
        return GUILD_MESSAGE_REACTIONS if data.get("guild_id") else DIRECT_MESSAGE_REACTIONS
    if event.startswith("MESSAGE_"):
        return GUILD_MESSAGES if data.get("guild_id") else DIRECT_MESSAGES
    if event.startswith(("GUILD_", "CHANNEL_")):
        return GUILDS
    return 0


def _strip_content(event: str, data: dict[str, Any], intents: int, world: World) -> dict[str, Any]:
    """Without MESSAGE_CONTENT, guild messages from others arrive without their content."""
    if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or intents & MESSAGE_CONTENT:
        return data
    return strip_content(data, world)


def strip_content(data: dict[str, Any], world: World) -> dict[str, Any]:
    """A message as an app without the message content intent sees it (gateway and REST).

    DMs, the bot's own messages and messages mentioning the bot keep their content.
    """
    if not data.get("guild_id"):
        return data
    author = data.get("author") or {}
    if author.get("id") == str(world.bot_user_id):
        return data
    if any(m.get("id") == str(world.bot_user_id) for m in data.get("mentions") or []):
        return data
    return {**data, "content": "", "embeds": [], "attachments": [], "components": []}
