"""Sharing a finished exercise with the group: one short line (never the answers), claimed
before it is posted so it is posted once however often the button is pressed."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.db import Database
from bot.db import exercises as runs_db
from bot.db import groups as groups_db
from bot.db import public_posts as public_posts_db
from bot.db.public_posts import PublicPost
from bot.errors import InvalidInput, NotFound, UserError
from bot.services import public as public_service
from bot.services.exercises.catalog import Catalog, exercise_of

SHARE_KIND = "exercise"  # public_posts.kind of the line a finished exercise shares


class AlreadyShared(UserError):
    def __init__(self) -> None:
        super().__init__("You already shared this one with your group, so I didn't post it again.")


@dataclass(frozen=True, slots=True)
class Share:
    """A claimed share of a finished run: where it goes and what it says (never answers)."""

    post: PublicPost
    guild_id: int
    channel_id: int
    template: str
    title: str
    named: bool  # False when the member hides from this group's public posts

    def line(self, mention: str) -> str:
        # A member who hides from the group is not named, not even by mention.
        who = mention
        if not self.named:
            who = "A member" if self.template.startswith("{member}") else "a member"
        return self.template.format(member=who, title=self.title)


async def claim_share(
    db: Database, clock: Clock, catalog: Catalog, *, user_id: int, run_id: int
) -> Share:
    """Claim the one public line about a finished run, before it is posted: a second press
    (even one at the same moment) gets AlreadyShared and posts nothing."""
    row = await runs_db.get_run(db, user_id, run_id)
    if row is None or row["status"] not in ("completed", "late"):
        raise NotFound("Only a finished exercise can be shared.")
    exercise = exercise_of(catalog, row)
    if not exercise.share:
        raise InvalidInput("This exercise has nothing to share.")
    groups = await groups_db.channels_for_member(db, user_id)
    chosen = next((g for g in groups if g["guild_id"] == row["guild_id"]), None)
    chosen = chosen or (groups[0] if groups else None)
    if chosen is None:
        raise InvalidInput(
            "Your group hasn't chosen a channel for posts yet, so there is "
            "nowhere to share. An organiser can set one with `/setup channel`."
        )
    hidden = await public_service.is_hidden(db, chosen["guild_id"], user_id)
    async with db.transaction() as conn:
        post = await public_posts_db.claim(
            conn,
            user_id=user_id,
            guild_id=chosen["guild_id"],
            kind=SHARE_KIND,
            ref=str(run_id),
            now=clock.now(),
        )
    if not post.to_post(clock.now()):
        raise AlreadyShared
    return Share(
        post,
        chosen["guild_id"],
        chosen["channel_id"],
        exercise.share,
        exercise.title,
        named=not hidden,
    )
