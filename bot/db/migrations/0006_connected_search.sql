-- One connected job search (issue #10).
--
-- A win counts in the Monday-to-Sunday week that holds the day it happened as its member lived
-- it (wins.happened_on), on the member's own stats and on every group's board alike. The
-- projection a group's week is read from therefore carries that day, and is keyed by it so a
-- group's week stays one range of one covering index.

DROP TRIGGER group_wins_on_win;
DROP TRIGGER group_wins_on_join;
DROP TRIGGER group_wins_on_leave;
DROP INDEX group_wins_by_win;
DROP INDEX group_wins_by_member;

CREATE TABLE group_wins_by_day (
    guild_id    INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    happened_on TEXT    NOT NULL,
    win_id      INTEGER NOT NULL REFERENCES wins (win_id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    -- The instant, for "the latest win" (quiet members, nudges).
    happened_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, happened_on, win_id)
) WITHOUT ROWID;

INSERT INTO group_wins_by_day (guild_id, happened_on, win_id, user_id, kind, happened_at)
SELECT g.guild_id, w.happened_on, g.win_id, g.user_id, g.kind, g.happened_at
FROM group_wins AS g JOIN wins AS w ON w.win_id = g.win_id;

DROP TABLE group_wins;
ALTER TABLE group_wins_by_day RENAME TO group_wins;

CREATE INDEX group_wins_by_win ON group_wins (win_id);
CREATE INDEX group_wins_by_member ON group_wins (user_id, guild_id);

CREATE TRIGGER group_wins_on_win AFTER INSERT ON wins BEGIN
    INSERT INTO group_wins (guild_id, happened_on, win_id, user_id, kind, happened_at)
    SELECT m.guild_id, NEW.happened_on, NEW.win_id, NEW.user_id, NEW.kind, NEW.happened_at
    FROM members AS m WHERE m.user_id = NEW.user_id;
END;

CREATE TRIGGER group_wins_on_join AFTER INSERT ON members BEGIN
    INSERT INTO group_wins (guild_id, happened_on, win_id, user_id, kind, happened_at)
    SELECT NEW.guild_id, w.happened_on, w.win_id, w.user_id, w.kind, w.happened_at
    FROM wins AS w WHERE w.user_id = NEW.user_id;
END;

CREATE TRIGGER group_wins_on_leave AFTER DELETE ON members BEGIN
    DELETE FROM group_wins WHERE user_id = OLD.user_id AND guild_id = OLD.guild_id;
END;

-- A member's wins by the day they happened (their own weeks, streaks and charts).
CREATE INDEX wins_by_user_day ON wins (user_id, happened_on);

-- 10b: exercises, target, interview day
-- The day of an opportunity's next interview, as the member gave it (their calendar day): its
-- interview-day card goes out that morning. Open opportunities are found by it.
ALTER TABLE opportunities ADD COLUMN interview_on TEXT;
CREATE INDEX opportunities_by_interview ON opportunities (interview_on) WHERE closed_at IS NULL;
-- The member's switch for interview-day cards (/me interview-day).
ALTER TABLE users ADD COLUMN interview_cards INTEGER NOT NULL DEFAULT 1
    CHECK (interview_cards IN (0, 1));
-- The exercises run about an opportunity, shown with it in /pipeline list and read by its card.
CREATE INDEX exercise_runs_by_opportunity ON exercise_runs (opportunity_id, exercise_id);
