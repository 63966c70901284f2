-- Calendars and spreadsheets (issue #12, items 2 and 3): the PostgreSQL twin of
-- migrations/0008_calendar_and_import.sql (see that file for why each change is there).

CREATE TABLE calendar_feeds (
    user_id    BIGINT PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    token_hash TEXT   NOT NULL UNIQUE,
    created_at TEXT   NOT NULL
);

ALTER TABLE opportunities ADD COLUMN notes TEXT;
