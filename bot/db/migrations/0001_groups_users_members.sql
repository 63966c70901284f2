-- Groups (Discord servers), people, and who belongs where. Timestamps are UTC text written by
-- bot.db.to_db. Every row about a person carries that person's user_id so export and delete
-- can find it.

CREATE TABLE guilds (
    guild_id    INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL DEFAULT '',
    timezone    TEXT    NOT NULL DEFAULT 'UTC',
    channel_id  INTEGER,
    joined_at   TEXT    NOT NULL,
    left_at     TEXT,
    welcomed_at TEXT
);

CREATE TABLE users (
    user_id          INTEGER PRIMARY KEY,
    timezone         TEXT,
    weekly_goal      INTEGER NOT NULL DEFAULT 1 CHECK (weekly_goal BETWEEN 0 AND 50),
    reminders        INTEGER NOT NULL DEFAULT 1 CHECK (reminders IN (0, 1)),
    reminder_hour    INTEGER NOT NULL DEFAULT 9 CHECK (reminder_hour BETWEEN 0 AND 23),
    dm_closed_at     TEXT,
    created_at       TEXT    NOT NULL
);

CREATE TABLE members (
    guild_id     INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    joined_at    TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    hidden       INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

CREATE INDEX members_by_user ON members (user_id);

-- Small facts the bot keeps about itself, e.g. the hash of the last synced command tree.
CREATE TABLE bot_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
