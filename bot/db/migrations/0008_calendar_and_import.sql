-- Calendars and spreadsheets (issue #12, items 2 and 3).

-- A member's private calendar feed (served when the operator sets CALENDAR_FEED_URL). Only a
-- SHA-256 of the secret token is kept: the database alone never gives a working link. One per
-- member: rotating replaces it, turning it off deletes the row (its link then answers 404).
CREATE TABLE calendar_feeds (
    user_id    INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at TEXT    NOT NULL
);

-- Notes carried over from a spreadsheet or a tracker by /pipeline import, and written back by
-- /pipeline export. Private like the rest of the pipeline.
ALTER TABLE opportunities ADD COLUMN notes TEXT;
