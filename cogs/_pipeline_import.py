"""/pipeline import's preview: pick the preset and the columns, see the dry run change, then
import on a press. The file lives in the view (at most a megabyte, for ten minutes); a preview
that timed out is run again with the command."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord

from bot.render import pipeline_import as render
from bot.render.limits import SELECT_OPTIONS, clip
from bot.services import pipeline_import
from bot.services.tracker_csv import FIELD_NAMES, FIELDS, guess_mapping
from bot.services.tracker_presets import PRESETS
from bot.views import OwnedView

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

NOT_IN_FILE = "none"


class ImportView(OwnedView):
    """Rows: the preset; which field to change; that field's column; Import and Cancel."""

    def __init__(self, owner_id: int, preview: pipeline_import.Preview) -> None:
        super().__init__(owner_id)
        self.preview = preview
        # The field whose column the third row changes: the company while it is missing.
        self.field = "company"
        self.finished = False
        self.build()

    # -- building ------------------------------------------------------------------------------

    def build(self) -> None:
        self.clear_items()
        preview = self.preview
        presets: discord.ui.Select[Any] = discord.ui.Select(
            placeholder="Read it as…",
            row=0,
            options=[
                discord.SelectOption(
                    label=preset.name,
                    value=preset.key,
                    description="Columns guessed from its documentation"
                    if preset.guessed
                    else None,
                    default=preset.key == preview.preset.key,
                )
                for preset in PRESETS.values()
            ],
        )
        presets.callback = self.pick_preset  # type: ignore[method-assign]
        self.add_item(presets)
        fields: discord.ui.Select[Any] = discord.ui.Select(
            placeholder="Change a column…",
            row=1,
            options=[
                discord.SelectOption(
                    label=FIELD_NAMES[name],
                    value=name,
                    description=clip(f"Now: {self.column_name(name)}", 100),
                )
                for name in FIELDS
            ],
        )
        fields.callback = self.pick_field  # type: ignore[method-assign]
        self.add_item(fields)
        columns: discord.ui.Select[Any] = discord.ui.Select(
            placeholder=f"Column for {FIELD_NAMES[self.field]}",
            row=2,
            options=self.column_options(),
        )
        columns.callback = self.pick_column  # type: ignore[method-assign]
        self.add_item(columns)
        count = len(preview.new)
        go: discord.ui.Button[Any] = discord.ui.Button(
            label=f"Import {count}" if count else "Nothing to import",
            style=discord.ButtonStyle.success,
            disabled=not count,
            row=3,
        )
        go.callback = self.import_rows  # type: ignore[method-assign]
        self.add_item(go)
        cancel: discord.ui.Button[Any] = discord.ui.Button(
            label="Cancel", style=discord.ButtonStyle.secondary, row=3
        )
        cancel.callback = self.cancel  # type: ignore[method-assign]
        self.add_item(cancel)

    def column_name(self, name: str) -> str:
        column = self.preview.mapping.get(name)
        return "not in this file" if column is None else self.preview.table.headers[column]

    def column_options(self) -> list[discord.SelectOption]:
        """The file's columns (the current one and the first others, within Discord's 25)."""
        headers = self.preview.table.headers
        current = self.preview.mapping.get(self.field)
        indexes = list(range(len(headers)))
        if current is not None and current >= SELECT_OPTIONS - 1:
            indexes.remove(current)
            indexes.insert(0, current)
        options = [
            discord.SelectOption(
                label=clip(headers[i], 100),
                value=str(i),
                description=f"column {i + 1}",
                default=i == current,
            )
            for i in indexes[: SELECT_OPTIONS - 1]
        ]
        options.append(
            discord.SelectOption(
                label="Not in this file", value=NOT_IN_FILE, default=current is None
            )
        )
        return options

    # -- presses -------------------------------------------------------------------------------
    # Each is an item's callback, which discord.py types for an interaction with any client.

    def _chosen(self, interaction: discord.Interaction[Any]) -> str:
        data: Mapping[str, Any] = interaction.data or {}
        values = data.get("values") or [""]
        return str(values[0])

    async def _show(
        self,
        interaction: discord.Interaction[Any],
        mapping: dict[str, int | None],
        preset_key: str | None = None,
    ) -> None:
        bot: NextInterviewBot = interaction.client
        preview = self.preview
        preset = PRESETS.get(preset_key or preview.preset.key, preview.preset)
        self.preview = await pipeline_import.preview(
            bot.db,
            bot.clock,
            user_id=self.owner_id,
            table=preview.table,
            preset=preset,
            mapping=mapping,
        )
        self.build()
        await interaction.response.edit_message(embed=render.preview_embed(self.preview), view=self)

    async def pick_preset(self, interaction: discord.Interaction[Any]) -> None:
        preset = PRESETS.get(self._chosen(interaction), self.preview.preset)
        mapping = guess_mapping(self.preview.table, preset)
        await self._show(interaction, mapping, preset.key)

    async def pick_field(self, interaction: discord.Interaction[Any]) -> None:
        chosen = self._chosen(interaction)
        if chosen in FIELDS:
            self.field = chosen
        self.build()
        await interaction.response.edit_message(view=self)

    async def pick_column(self, interaction: discord.Interaction[Any]) -> None:
        chosen = self._chosen(interaction)
        headers = self.preview.table.headers
        column = int(chosen) if chosen.isdigit() and int(chosen) < len(headers) else None
        mapping = dict(self.preview.mapping)
        # A column serves one field: taking it for this one frees it from any other.
        for name, used in mapping.items():
            if column is not None and used == column:
                mapping[name] = None
        mapping[self.field] = column
        await self._show(interaction, mapping)

    async def import_rows(self, interaction: discord.Interaction[Any]) -> None:
        if self.finished:
            await interaction.response.send_message("Already done.", ephemeral=True)
            return
        self.finished = True
        self.stop()
        bot: NextInterviewBot = interaction.client
        result = await pipeline_import.run(
            bot.db,
            bot.clock,
            user_id=self.owner_id,
            table=self.preview.table,
            mapping=self.preview.mapping,
        )
        await interaction.response.edit_message(
            content=render.imported_text(result), embed=None, view=None
        )

    async def cancel(self, interaction: discord.Interaction[Any]) -> None:
        self.finished = True
        self.stop()
        await interaction.response.edit_message(content=render.CANCELLED, embed=None, view=None)
