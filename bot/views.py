"""View building blocks shared by the cogs: one home for each recurring piece of Discord UI.

- :class:`OwnedView`: buttons only their owner may press, errors routed like commands', disabled
  when they time out.
- :class:`PagedView`: Previous / Next through pages (:class:`EmbedPages` and :func:`send_pages`
  for a plain list of embeds).
- :class:`Confirm`: a yes/no question about one action.
- :class:`Form`: a modal whose failures reach the member like any command's.
- :class:`GuardedItem` and :class:`AnswerButton`: persistent buttons (they work after a restart)
  that refuse tampered ids; an AnswerButton is one of a fixed set of answers to a question a
  message asks (yes / no, accept / decline...).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, ClassVar

import discord

from bot.interactions import handle_interaction_error

log = logging.getLogger(__name__)


class OwnedView(discord.ui.View):
    """A view only its owner may use; it reports errors like commands do and disables itself
    when it times out, so nobody presses a button that no longer does anything."""

    def __init__(self, owner_id: int, *, timeout: float | None = 600) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.message: discord.Message | discord.InteractionMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "These buttons belong to someone else. Run the command yourself to get your own.",
            ephemeral=True,
        )
        return False

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await handle_interaction_error(interaction, error)

    async def on_timeout(self) -> None:
        for child in self.children:
            if isinstance(child, discord.ui.Button | discord.ui.Select):
                child.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException as exc:
                # An ephemeral message's token lasts 15 minutes; past that it cannot be edited.
                log.debug("Could not disable an expired view: %s", exc)


# Ids in a custom_id are untrusted input: anything beyond a 64-bit integer cannot be a
# snowflake or a row id (and SQLite would refuse it).
MAX_ID = 2**63 - 1
STALE_BUTTON = "That button doesn't work any more. Run the command again for a fresh one."


class GuardedItem:
    """Mixin for persistent ``DynamicItem`` buttons: discord.py only logs their exceptions, so
    the work goes in :meth:`run` and failures reach the member like any command's. Subclasses
    rebuild themselves from their custom id in :meth:`from_match`.

    A custom_id comes from the client and may have been rewritten: numbers that cannot be ids
    are refused with a short private note, never an incident."""

    refused: bool = False

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Any:
        made = cls.from_match(match, item)
        made.refused = any(
            value.isdigit() and int(value) > MAX_ID for value in match.groupdict().values() if value
        )
        return made

    @classmethod
    def from_match(cls, match: re.Match[str], item: discord.ui.Item[Any]) -> Any:
        raise NotImplementedError

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if self.refused:
            await interaction.response.send_message(STALE_BUTTON, ephemeral=True)
            return
        try:
            await self.run(interaction)
        except Exception as error:
            await handle_interaction_error(interaction, error)


class PagedView(OwnedView):
    """Previous / Next through numbered pages, for one member.

    A subclass sets what its pages need *before* calling ``__init__`` (which shows the first
    page), says what a page shows in :meth:`page_embed`, and brings its own items up to date
    with the page in :meth:`refresh` (calling this one for the page turners). ``row`` puts the
    turners on a row of their own when a page carries rows of other buttons."""

    def __init__(
        self, owner_id: int, pages: int, *, row: int | None = None, timeout: float | None = 600
    ) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.page = 0
        self.pages = max(1, pages)
        if row is not None:
            for turner in (self.previous, self.next):
                self.remove_item(turner)
                turner.row = row
                self.add_item(turner)
        self.refresh()

    def page_embed(self) -> discord.Embed:
        raise NotImplementedError

    def refresh(self) -> None:
        """Bring the items up to date with ``self.page``."""
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    async def turn(self, interaction: discord.Interaction[Any], by: int) -> None:
        # Clamped: two quick presses on the last page must not turn past it.
        self.page = min(max(self.page + by, 0), self.pages - 1)
        self.refresh()
        await interaction.response.edit_message(embed=self.page_embed(), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]
    ) -> None:
        await self.turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        await self.turn(interaction, 1)

    async def send(self, interaction: discord.Interaction[Any]) -> None:
        """Answer privately with the current page and these buttons."""
        await interaction.response.send_message(embed=self.page_embed(), view=self, ephemeral=True)
        self.message = await interaction.original_response()


class EmbedPages(PagedView):
    """Previous / Next through a list of embeds (answers, a long pipeline...)."""

    def __init__(self, owner_id: int, embeds: list[discord.Embed]) -> None:
        self.embeds = embeds
        super().__init__(owner_id, len(embeds))

    def page_embed(self) -> discord.Embed:
        return self.embeds[self.page]


async def send_pages(interaction: discord.Interaction[Any], pages: list[discord.Embed]) -> None:
    """Answer privately with the first page, and buttons to turn pages when there are more."""
    if len(pages) == 1:
        await interaction.response.send_message(embed=pages[0], ephemeral=True)
        return
    await EmbedPages(interaction.user.id, pages).send(interaction)


class Confirm(OwnedView):
    """A yes/no question about one action, asked privately: *yes* does it
    (:meth:`confirmed`, which answers the press), *no* changes nothing and says ``kept``.
    Either answer ends the question. The buttons' labels name the action ("Remove it",
    "Keep it")."""

    def __init__(self, owner_id: int, *, yes: str, no: str, kept: str) -> None:
        super().__init__(owner_id, timeout=120)
        self.yes.label, self.no.label, self.kept = yes, no, kept

    async def confirmed(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError

    @discord.ui.button(label="Yes", style=discord.ButtonStyle.danger)
    async def yes(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        await self.confirmed(interaction)
        self.stop()

    @discord.ui.button(label="No", style=discord.ButtonStyle.secondary)
    async def no(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content=self.kept, view=None)
        self.stop()


class Form(discord.ui.Modal):
    """A modal whose failures reach the member like any command's (discord.py would only log
    them, and the member would see "Something went wrong" with nothing in our logs)."""

    async def on_error(
        self,
        interaction: discord.Interaction[Any],
        error: Exception,
        item: discord.ui.Item[Any] | None = None,
        /,
    ) -> None:
        # discord.py calls a modal's on_error without an item (Modal narrows View's
        # signature); the optional ``item`` makes this override valid for both.
        await handle_interaction_error(interaction, error)


class AnswerButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"(?!)",  # never matches: only subclasses are registered
):
    """One of a fixed set of answers to a question a message asks (yes / no, accept /
    decline...), as a persistent button whose custom id carries what it is about and the
    answer. Subclasses give their own ``template``, whose groups are the constructor's
    arguments in order (what the question is about, then ``answer``), the answers' labels in
    order (``ANSWERS``) and the styles of those that stand out (``STYLES``; the rest are
    secondary); :meth:`question` makes the whole question's buttons."""

    ANSWERS: ClassVar[dict[str, str]] = {}
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {}

    def __init__(self, custom_id: str, answer: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=self.ANSWERS[answer],
                style=self.STYLES.get(answer, discord.ButtonStyle.secondary),
                custom_id=custom_id,
            )
        )
        self.answer = answer

    @classmethod
    def from_match(cls, match: re.Match[str], item: discord.ui.Item[Any]) -> Any:
        # The template's groups, in order: a number is an id, anything else is text.
        build: Callable[..., AnswerButton] = cls  # each subclass takes its template's groups
        return build(*(int(value) if value.isdigit() else value for value in match.groups()))

    async def reply(
        self, interaction: discord.Interaction[Any], text: str, *, settled: bool
    ) -> None:
        """Answer a press: once the answer settled the question, ``text`` replaces it (its
        buttons go); otherwise ``text`` is a private note and the question stays."""
        if settled:
            await interaction.response.edit_message(content=text, view=None)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    @classmethod
    def question(cls, *about: Any) -> discord.ui.View:
        """The whole question: a persistent view with a button for each answer, each built as
        ``cls(*about, answer)``."""
        build: Callable[..., AnswerButton] = cls
        view = discord.ui.View(timeout=None)
        for answer in cls.ANSWERS:
            view.add_item(build(*about, answer))
        return view
