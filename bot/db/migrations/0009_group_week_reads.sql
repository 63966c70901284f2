-- PostgreSQL's 0009 adds a covering index for a group's week and one for hidden members.
-- SQLite needs neither: group_wins is WITHOUT ROWID, stored in (guild_id, happened_on) order,
-- so a group's week is already one contiguous range. Numbered here to keep both in step.
SELECT 1;
