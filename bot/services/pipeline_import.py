"""/pipeline import and /pipeline export: a spreadsheet or a tracker's CSV into the pipeline,
and the pipeline back out as CSV. How a file is read is :mod:`bot.services.tracker_csv`; this
module adds what the member's pipeline already holds, and the one transaction that imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import people as people_db
from bot.db import pipeline as pipeline_db
from bot.errors import InvalidInput
from bot.services import profile as profile_service
from bot.services import tracker_csv
from bot.services.kinds import Stage
from bot.services.tracker_csv import Mapping, PlannedRow, Table
from bot.services.tracker_presets import PRESETS, Preset

EXPORT_FILENAME = "pipeline.csv"
# An imported last-contact date is a day; noon in the member's zone keeps it that day however
# it is read back (a UTC midnight would be the day before in the Americas).
CONTACT_HOUR = time(12)


@dataclass(frozen=True, slots=True)
class Existing:
    """A row that is already open in the member's pipeline: not added."""

    number: int
    title: str


@dataclass(frozen=True, slots=True)
class Preview:
    """The dry run: what pressing Import would do, as it stands now."""

    table: Table
    preset: Preset
    mapping: Mapping
    plan: tracker_csv.Plan
    new: list[PlannedRow]
    existing: list[Existing]


def preset_named(key: str | None, table: Table) -> Preset:
    """The preset a member picked, or the one the file looks like."""
    if key is None:
        return tracker_csv.detect_preset(table)
    try:
        return PRESETS[key]
    except KeyError:
        names = ", ".join(PRESETS)
        raise InvalidInput(f"Pick one of the presets offered: {names}.") from None


def _split(rows: list[PlannedRow], open_keys: set[tuple[str, str]]) -> tuple[list, list]:
    new: list[PlannedRow] = []
    existing: list[Existing] = []
    for row in rows:
        if row.key in open_keys:
            existing.append(Existing(row.number, row.title))
        else:
            new.append(row)
    return new, existing


async def preview(
    db: Database, clock: Clock, *, user_id: int, table: Table, preset: Preset, mapping: Mapping
) -> Preview:
    """What importing ``table`` through ``mapping`` would add; nothing is stored."""
    profile = await profile_service.load(db, clock, user_id)
    plan = tracker_csv.plan(table, mapping, profile.today(clock.now()))
    keys = {
        tracker_csv.same_key(row["company"], row["role"])
        for row in await pipeline_db.open_for_user(db, user_id)
    }
    new, existing = _split(plan.rows, keys)
    return Preview(table, preset, mapping, plan, new, existing)


@dataclass(frozen=True, slots=True)
class Imported:
    added: int
    already: int  # open in the pipeline by the time Import was pressed (an earlier import)


def _contact_at(day: date | None, zone: ZoneInfo) -> datetime | None:
    return None if day is None else datetime.combine(day, CONTACT_HOUR, tzinfo=zone)


async def run(
    db: Database, clock: Clock, *, user_id: int, table: Table, mapping: Mapping
) -> Imported:
    """Import in one transaction: the plan the preview showed, less whatever is open in the
    pipeline by now (read inside the transaction, so a second press adds nothing)."""
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    plan = tracker_csv.plan(table, mapping, profile.today(now))
    if plan.missing_company:
        raise InvalidInput("Pick the column that holds the company first.")
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        keys = {
            tracker_csv.same_key(row["company"], row["role"])
            for row in await pipeline_db.open_titles(conn, user_id)
        }
        new, existing = _split(plan.rows, keys)
        for row in new:
            await pipeline_db.insert(
                conn,
                user_id=user_id,
                company=row.company,
                role=row.role,
                stage=row.stage.value,
                next_step=row.next_step,
                notes=row.notes,
                last_contact=_contact_at(row.last_contact, profile.zone),
                now=now,
            )
    return Imported(len(new), len(existing))


@dataclass(frozen=True, slots=True)
class Exported:
    data: bytes
    count: int


async def export(db: Database, clock: Clock, *, user_id: int) -> Exported:
    """The open opportunities as CSV, in the columns /pipeline import reads."""
    profile = await profile_service.load(db, clock, user_id)
    rows = [
        tracker_csv.ExportRow(
            company=row["company"],
            role=row["role"],
            stage=Stage(row["stage"]),
            last_contact=(
                from_db(row["last_contact_at"]).astimezone(profile.zone).date()
                if row["last_contact_at"]
                else None
            ),
            next_step=row["next_step"],
            notes=row["notes"],
        )
        for row in await pipeline_db.for_export(db, user_id)
    ]
    return Exported(tracker_csv.write_csv(rows), len(rows))
