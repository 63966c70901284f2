-- A group's week (the weekly tally, the leaderboard, recaps) read from an index alone.
-- PostgreSQL keeps rows in arrival order, not by key as SQLite's WITHOUT ROWID table does, so
-- a week of a large group's wins was spread over thousands of pages: 30 ms for a group of
-- 10,000 members at 1M wins (bench/db_scale.py), 2 ms with this index.
CREATE INDEX group_wins_by_week ON group_wins (guild_id, happened_on)
    INCLUDE (user_id, kind, happened_at);

-- Who hides from the board, per group: a handful of rows, looked up by every ranking.
CREATE INDEX members_hidden ON members (guild_id) WHERE hidden = 1;
