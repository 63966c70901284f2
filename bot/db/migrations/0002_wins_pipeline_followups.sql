-- Next-interview wins, the opportunity pipeline with its history, follow-ups, per-group points
-- and the delivery ledger that makes reminders and posts exactly-once.

CREATE TABLE opportunities (
    opportunity_id  INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    company         TEXT    NOT NULL,
    role            TEXT,
    stage           TEXT    NOT NULL
        CHECK (stage IN ('lead', 'contacted', 'talking', 'interviewing', 'offer')),
    next_step       TEXT,
    outcome         TEXT
        CHECK (outcome IN ('accepted', 'declined', 'rejected', 'withdrawn', 'went-quiet')),
    last_contact_at TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    closed_at       TEXT
);

CREATE INDEX opportunities_by_user ON opportunities (user_id, closed_at);

-- Every change to an opportunity, in order: created, moved, closed.
CREATE TABLE opportunity_events (
    event_id       INTEGER PRIMARY KEY,
    opportunity_id INTEGER NOT NULL REFERENCES opportunities (opportunity_id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    at             TEXT    NOT NULL,
    action         TEXT    NOT NULL CHECK (action IN ('created', 'moved', 'closed', 'contact')),
    stage          TEXT,
    outcome        TEXT
);

CREATE INDEX opportunity_events_by_opportunity ON opportunity_events (opportunity_id, event_id);

CREATE TABLE wins (
    win_id         INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL
        CHECK (kind IN ('networking', 'intro', 'follow-up', 'informational', 'interview',
                        'offer')),
    who            TEXT    NOT NULL,
    note           TEXT,
    share_who      INTEGER NOT NULL DEFAULT 0 CHECK (share_who IN (0, 1)),
    -- The day it happened in the member's zone, and the instant used for week maths.
    happened_on    TEXT    NOT NULL,
    happened_at    TEXT    NOT NULL,
    opportunity_id INTEGER REFERENCES opportunities (opportunity_id) ON DELETE SET NULL,
    created_at     TEXT    NOT NULL
);

CREATE INDEX wins_by_user ON wins (user_id, happened_at);

-- A win counts in every group its member belongs to. This projection holds one row per
-- (group, win), kept in step by the triggers below, so a group's week is one range of one
-- covering index however many members and groups there are (checking membership per win
-- instead costs a lookup per win: 20+ ms for a 10,000-member group's week).
CREATE TABLE group_wins (
    guild_id    INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    happened_at TEXT    NOT NULL,
    win_id      INTEGER NOT NULL REFERENCES wins (win_id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    PRIMARY KEY (guild_id, happened_at, win_id)
) WITHOUT ROWID;

CREATE INDEX group_wins_by_win ON group_wins (win_id);
CREATE INDEX group_wins_by_member ON group_wins (user_id, guild_id);

CREATE TRIGGER group_wins_on_win AFTER INSERT ON wins BEGIN
    INSERT INTO group_wins (guild_id, happened_at, win_id, user_id, kind)
    SELECT m.guild_id, NEW.happened_at, NEW.win_id, NEW.user_id, NEW.kind
    FROM members AS m WHERE m.user_id = NEW.user_id;
END;

CREATE TRIGGER group_wins_on_join AFTER INSERT ON members BEGIN
    INSERT INTO group_wins (guild_id, happened_at, win_id, user_id, kind)
    SELECT NEW.guild_id, w.happened_at, w.win_id, w.user_id, w.kind
    FROM wins AS w WHERE w.user_id = NEW.user_id;
END;

CREATE TRIGGER group_wins_on_leave AFTER DELETE ON members BEGIN
    DELETE FROM group_wins WHERE user_id = OLD.user_id AND guild_id = OLD.guild_id;
END;

CREATE TABLE follow_ups (
    follow_up_id   INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    person         TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    due_on         TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'done', 'snoozed', 'dropped')),
    opportunity_id INTEGER REFERENCES opportunities (opportunity_id) ON DELETE SET NULL,
    source_win_id  INTEGER REFERENCES wins (win_id) ON DELETE SET NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    -- A suggestion accepted twice (double click, two devices) still makes one follow-up.
    UNIQUE (source_win_id, reason)
);

CREATE INDEX follow_ups_open ON follow_ups (status, due_on, user_id);
CREATE INDEX follow_ups_by_user ON follow_ups (user_id, status, due_on);

-- Points per win kind, per group; a missing row means the default.
CREATE TABLE group_points (
    guild_id INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL,
    points   INTEGER NOT NULL CHECK (points BETWEEN 0 AND 20),
    PRIMARY KEY (guild_id, kind)
) WITHOUT ROWID;

ALTER TABLE guilds ADD COLUMN announce_wins INTEGER NOT NULL DEFAULT 0
    CHECK (announce_wins IN (0, 1));

-- Exactly-once ledger: a row is claimed (inserted) before anything is sent, so a restart,
-- reconnect or second process sees the claim and does not send again.
CREATE TABLE deliveries (
    delivery_id INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    target_id   INTEGER NOT NULL,
    period      TEXT    NOT NULL,
    user_id     INTEGER,
    status      TEXT    NOT NULL DEFAULT 'claimed'
        CHECK (status IN ('claimed', 'sent', 'failed', 'skipped')),
    claimed_at  TEXT    NOT NULL,
    finished_at TEXT,
    message_id  INTEGER,
    detail      TEXT,
    UNIQUE (kind, target_id, period)
);

CREATE INDEX deliveries_by_user ON deliveries (user_id);
