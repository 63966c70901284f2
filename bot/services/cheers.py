"""Cheers on celebrated wins: a member presses Cheer (with an optional line about what they
liked); the author hears about all of them in one DM a day, never one per cheer.

The digest for a day goes out at :data:`DIGEST_HOUR` in the author's zone with every cheer
given before then that no earlier digest carried; the ledger keys it by the author's local
day, so there is at most one a day. Cheers given in a group on a pause wait for its end.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import cheers as cheers_db
from bot.db import deliveries as deliveries_db
from bot.db import people as people_db
from bot.services.delivery import Claim, Due
from bot.services.kinds import KIND_PHRASES, WinKind
from bot.services.network import held
from bot.services.text import clean_block

log = logging.getLogger(__name__)

DIGEST_KIND = "cheer-digest"
DIGEST_HOUR = 18  # the author's evening: the day's cheers in one message
# A digest missed today (the bot was down) is simply tomorrow's: its cheers are still waiting.
DIGEST_KINDS = {DIGEST_KIND: timedelta(hours=6)}
MAX_LINE = 200
BACKSTOP = timedelta(hours=6)


class CheerStatus(StrEnum):
    OK = "ok"
    OWN = "own"  # the presser's own win
    ALREADY = "already"  # this member cheered this win before
    GONE = "gone"  # not a win celebrated on this message in this group (deleted, forged)


@dataclass(frozen=True, slots=True)
class CheerCheck:
    status: CheerStatus
    kind_phrase: str | None = None


async def check(
    db: Database, *, guild_id: int, win_id: int, user_id: int, message_id: int | None
) -> CheerCheck:
    """Whether ``user_id`` may cheer the win celebrated on ``message_id`` in ``guild_id``.
    The win id comes from a button and is not trusted: it must be a win celebrated in the
    server the press came from, on that very message once its id is recorded (a press in the
    moment between posting and recording it can only be on a celebration in that server)."""
    row = await cheers_db.celebrated_win(db, guild_id, win_id)
    if row is None or (row["message_id"] is not None and row["message_id"] != message_id):
        return CheerCheck(CheerStatus.GONE)
    phrase = KIND_PHRASES[WinKind(row["kind"])]
    if row["user_id"] == user_id:
        return CheerCheck(CheerStatus.OWN, phrase)
    if await cheers_db.has_cheered(db, win_id, user_id):
        return CheerCheck(CheerStatus.ALREADY, phrase)
    return CheerCheck(CheerStatus.OK, phrase)


async def cheer(
    db: Database,
    clock: Clock,
    *,
    guild_id: int,
    win_id: int,
    user_id: int,
    message_id: int | None,
    line: str | None,
) -> CheerCheck:
    """Record a cheer (once per member and win; never on one's own win)."""
    text = clean_block(line, "line", MAX_LINE)
    found = await check(
        db, guild_id=guild_id, win_id=win_id, user_id=user_id, message_id=message_id
    )
    if found.status is not CheerStatus.OK:
        return found
    now = clock.now()
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        await people_db.touch_member(conn, guild_id, user_id, now)
        created = await cheers_db.insert(
            conn, win_id=win_id, guild_id=guild_id, user_id=user_id, line=text, now=now
        )
    return found if created else CheerCheck(CheerStatus.ALREADY, found.kind_phrase)


# -- the daily digest ----------------------------------------------------------------------------


def digest_time(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(DIGEST_HOUR), tzinfo=zone).astimezone(UTC)


async def due_digests(db: Database, now: datetime) -> tuple[list[Due], datetime]:
    """Authors whose digest is due now (today's, at the digest hour) and the next wake-up."""
    wake = now + BACKSTOP
    earliest: dict[int, tuple[datetime, ZoneInfo]] = {}
    for row in await cheers_db.waiting(db):
        if row["dm_closed_at"] is not None:
            continue  # waits until the author can be reached again
        try:
            created = from_db(row["created_at"])
            author_zone = ZoneInfo(row["author_zone"])
            ready = held(ZoneInfo(row["group_zone"]), row["paused_until"], created)
        except (ValueError, KeyError) as exc:
            log.error("Skipping cheer %s: unreadable row (%s)", row["cheer_id"], exc)
            continue
        if ready > now:
            wake = min(wake, ready)
            continue
        author = row["author"]
        if author not in earliest or created < earliest[author][0]:
            earliest[author] = (created, author_zone)
    today_of = {a: now.astimezone(z).date() for a, (_, z) in earliest.items()}
    known = await deliveries_db.known_keys(
        db, DIGEST_KIND, {d.isoformat() for d in today_of.values()}
    )
    due: list[Due] = []
    for author, (first, zone) in earliest.items():
        today = today_of[author]
        at = digest_time(today, zone)
        if now < at:
            wake = min(wake, at)
        elif first < at and (author, today.isoformat()) not in known:
            due.append(Due(DIGEST_KIND, author, today.isoformat(), at, author))
        else:
            wake = min(wake, digest_time(today + timedelta(days=1), zone))
    return due, wake


@dataclass(frozen=True, slots=True)
class CheerLine:
    cheerer: int
    kind: WinKind  # of the win cheered
    line: str | None


@dataclass(frozen=True, slots=True)
class Digest:
    user_id: int
    cheers: list[CheerLine]
    cheer_ids: list[int]


async def digest_for(db: Database, claim: Claim) -> Digest | None:
    """The author's digest as it stands now: cheers given before the digest hour that no
    digest carried yet (their groups not paused); None when there are none any more."""
    user = await people_db.get_user(db, claim.target_id)
    if user is None or user["dm_closed_at"] is not None:
        return None
    lines, ids = [], []
    for row in await cheers_db.waiting_for(db, claim.target_id, claim.due_at):
        if held(ZoneInfo(row["group_zone"]), row["paused_until"], from_db(row["created_at"])) > (
            claim.due_at
        ):
            continue
        lines.append(CheerLine(row["cheerer"], WinKind(row["kind"]), row["line"]))
        ids.append(row["cheer_id"])
    return Digest(claim.target_id, lines, ids) if ids else None


async def digested(db: Database, digest: Digest, day: str) -> None:
    """The digest was delivered: its cheers are not repeated tomorrow."""
    async with db.transaction() as conn:
        await cheers_db.mark_digested(conn, digest.cheer_ids, day)
