-- Keeping every promise: deliveries become a state machine with leases and retries, runs get
-- a version for compare-and-set answers, public posts made for a member are remembered (so a
-- double press posts once and /me delete can remove them), nudges get their own opt-out, and
-- timestamps written with an unpadded year by older builds are repaired.

-- claimed (lease_until in the future: someone is sending it) -> sent | retry | failed | skipped
-- | cancelled. A 'claimed' row whose lease ran out was abandoned (crash, kill, stop) and is
-- claimed again; 'retry' waits for next_attempt_at. Both are tried until due_at + the grace
-- window, then given up as 'failed'.
ALTER TABLE deliveries RENAME TO deliveries_before_0005;

CREATE TABLE deliveries (
    delivery_id     INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL,
    target_id       INTEGER NOT NULL,
    period          TEXT    NOT NULL,
    user_id         INTEGER,
    guild_id        INTEGER,
    status          TEXT    NOT NULL DEFAULT 'claimed'
        CHECK (status IN ('claimed', 'sent', 'retry', 'failed', 'skipped', 'cancelled')),
    due_at          TEXT,
    claimed_at      TEXT    NOT NULL,
    lease_until     TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    finished_at     TEXT,
    message_id      INTEGER,
    detail          TEXT,
    UNIQUE (kind, target_id, period)
);

-- Rows older builds left 'claimed' may never have been sent: their lease is over at once, so
-- the ones still inside the grace window are tried again (with the same nonce).
INSERT INTO deliveries (delivery_id, kind, target_id, period, user_id, guild_id, status, due_at,
                        claimed_at, lease_until, attempts, finished_at, message_id, detail)
SELECT delivery_id, kind, target_id, period, user_id, guild_id, status, claimed_at, claimed_at,
       CASE status WHEN 'claimed' THEN claimed_at END, 1, finished_at, message_id, detail
FROM deliveries_before_0005;

DROP TABLE deliveries_before_0005;

CREATE INDEX deliveries_by_user ON deliveries (user_id);
CREATE INDEX deliveries_by_guild ON deliveries (guild_id, claimed_at);
-- What may need sending again: a small set, found without scanning the ledger.
CREATE INDEX deliveries_unfinished ON deliveries (kind, status)
    WHERE status IN ('claimed', 'retry');

-- Incremented by every saved change, so two presses of one button cannot both apply.
ALTER TABLE exercise_runs ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- Inactivity nudges can be turned off without turning off follow-up reminders.
ALTER TABLE users ADD COLUMN nudges INTEGER NOT NULL DEFAULT 1 CHECK (nudges IN (0, 1));

-- Messages the bot posted in a group on a member's behalf (a shared plan, a win celebration,
-- a finished exercise). The row is claimed before posting, so a double press posts once; it
-- carries the member's user_id, so /me delete finds the messages and removes them.
CREATE TABLE public_posts (
    post_id    INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    guild_id   INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    ref        TEXT    NOT NULL,
    channel_id INTEGER,
    message_id INTEGER,
    created_at TEXT    NOT NULL,
    UNIQUE (kind, guild_id, user_id, ref)
);

CREATE INDEX public_posts_by_user ON public_posts (user_id);

-- Years below 1000 were once stored unpadded ('999-12-31T...'): pad them so text order is
-- time order again.
UPDATE wins SET happened_at = substr('0000' || happened_at, -27)
WHERE length(happened_at) < 27;
UPDATE group_wins SET happened_at = substr('0000' || happened_at, -27)
WHERE length(happened_at) < 27;
