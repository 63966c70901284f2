"""Plain results -> what Discord shows (embeds, files, charts), always within Discord's limits."""
