-- The group rhythm: schedules, weekly commitments, nudges, pauses and delivery problems.

ALTER TABLE guilds ADD COLUMN nudges INTEGER NOT NULL DEFAULT 1 CHECK (nudges IN (0, 1));
ALTER TABLE guilds ADD COLUMN nudge_days INTEGER NOT NULL DEFAULT 14
    CHECK (nudge_days BETWEEN 7 AND 60);
-- Local date (group zone) until which nothing is posted.
ALTER TABLE guilds ADD COLUMN paused_until TEXT;
-- When the channel was chosen: posts scheduled before then are not caught up.
ALTER TABLE guilds ADD COLUMN channel_set_at TEXT;

-- One row per post kind a group changed from the defaults.
CREATE TABLE group_schedules (
    guild_id   INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    post       TEXT    NOT NULL CHECK (post IN ('checkin', 'followups', 'recap', 'leaderboard')),
    weekday    INTEGER CHECK (weekday BETWEEN 0 AND 6),
    minute     INTEGER CHECK (minute BETWEEN 0 AND 1439),
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, post)
) WITHOUT ROWID;

-- What a member committed to for a group's week (Monday of the group's week).
CREATE TABLE commitments (
    guild_id   INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    week       TEXT    NOT NULL,
    goal       INTEGER NOT NULL CHECK (goal BETWEEN 0 AND 50),
    plan       TEXT,
    public     INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, week, user_id)
) WITHOUT ROWID;

CREATE INDEX commitments_by_user ON commitments (user_id);

-- Problems posting to a group (deleted channel, missing permission), shown in /setup show.
ALTER TABLE deliveries ADD COLUMN guild_id INTEGER;
CREATE INDEX deliveries_by_guild ON deliveries (guild_id, claimed_at);
