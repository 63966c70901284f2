-- Guided exercises: runs (their whole state as JSON, saved after every answer) and the
-- structured results other features read (right-job targets, offers).

CREATE TABLE exercise_runs (
    run_id          INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    exercise_id     TEXT    NOT NULL,
    status          TEXT    NOT NULL
        CHECK (status IN ('active', 'paused', 'completed', 'cancelled', 'late')),
    state           TEXT    NOT NULL,
    opportunity_id  INTEGER REFERENCES opportunities (opportunity_id) ON DELETE SET NULL,
    guild_id        INTEGER,
    pending_effects TEXT,
    started_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    paused_at       TEXT,
    completed_at    TEXT
);

-- One open run per member and exercise.
CREATE UNIQUE INDEX exercise_runs_one_open ON exercise_runs (user_id, exercise_id)
    WHERE status IN ('active', 'paused');
CREATE INDEX exercise_runs_by_user ON exercise_runs (user_id, updated_at);
CREATE INDEX exercise_runs_paused ON exercise_runs (status, paused_at);

CREATE TABLE exercise_results (
    result_id   INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    run_id      INTEGER REFERENCES exercise_runs (run_id) ON DELETE SET NULL,
    exercise_id TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('target', 'offer')),
    data        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);

CREATE INDEX exercise_results_by_user ON exercise_results (user_id, kind, created_at);

-- A follow-up an exercise created may bring one more question when it is done
-- (right-job: "what did they suggest?").
ALTER TABLE follow_ups ADD COLUMN run_id INTEGER
    REFERENCES exercise_runs (run_id) ON DELETE SET NULL;
ALTER TABLE follow_ups ADD COLUMN late_step TEXT;

-- How an opportunity measures up against the member's target, as far as known (JSON).
ALTER TABLE opportunities ADD COLUMN target_check TEXT;
