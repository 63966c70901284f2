-- The group as a network (issue #11): cheers on shared wins, accountability partners and an
-- introduction exchange. Every table about a person has a user_id column, so /me export and
-- /me delete find it. A link between two people is never another person's id on someone's row
-- that export would show them: a pairing is one row per member (sharing a pair number), an
-- offer is the helper's row pointing at the asker's request, a cheer is the cheerer's row
-- pointing at the author's win. Deleting one side removes that side's rows and leaves the
-- other side's own record (a helper keeps the credit for an introduction made).

-- Partners are off until an organiser turns them on; the exchange is on (members opt in by
-- asking or offering). Cycles start on partner_anchor (a Monday, group time) and every
-- partner_weeks weeks after it.
ALTER TABLE guilds ADD COLUMN partners INTEGER NOT NULL DEFAULT 0 CHECK (partners IN (0, 1));
ALTER TABLE guilds ADD COLUMN partner_weeks INTEGER NOT NULL DEFAULT 2
    CHECK (partner_weeks BETWEEN 1 AND 4);
ALTER TABLE guilds ADD COLUMN partner_anchor TEXT;
ALTER TABLE guilds ADD COLUMN exchange INTEGER NOT NULL DEFAULT 1 CHECK (exchange IN (0, 1));

-- A cheer on a celebrated win, by user_id. The author learns of it in one digest a day
-- (digest_on: the author's local day of the digest that carried it).
CREATE TABLE cheers (
    cheer_id   INTEGER PRIMARY KEY,
    win_id     INTEGER NOT NULL REFERENCES wins (win_id) ON DELETE CASCADE,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    line       TEXT,
    created_at TEXT    NOT NULL,
    digest_on  TEXT,
    UNIQUE (win_id, user_id)
);

CREATE INDEX cheers_by_user ON cheers (user_id);
CREATE INDEX cheers_by_group ON cheers (guild_id, created_at);
CREATE INDEX cheers_waiting ON cheers (win_id) WHERE digest_on IS NULL;

-- Who joined pairing in a group. unanswered counts check-ins in a row left unanswered
-- (counted_cycle: the last cycle counted, so a recount after a crash changes nothing);
-- paused_cycle is set when two in a row pause the member.
CREATE TABLE partner_members (
    guild_id      INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    joined_at     TEXT    NOT NULL,
    unanswered    INTEGER NOT NULL DEFAULT 0,
    counted_cycle TEXT,
    paused_cycle  TEXT,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

CREATE INDEX partner_members_by_user ON partner_members (user_id);

-- Someone a member asked privately never to be paired with. It is the member's own choice:
-- the other person never sees it (not even in their export), and it outlives their delete, so
-- it still protects the member if they come back.
CREATE TABLE partner_avoid (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    avoid_id   INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, avoid_id)
) WITHOUT ROWID;

-- One row per member per cycle; the members of a pair or trio share pair_no.
CREATE TABLE partner_pairs (
    guild_id    INTEGER NOT NULL,
    cycle       TEXT    NOT NULL,
    pair_no     INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    weeks       INTEGER NOT NULL,
    answer      TEXT CHECK (answer IN ('yes', 'not-yet', 'skip')),
    answered_at TEXT,
    PRIMARY KEY (guild_id, cycle, user_id)
) WITHOUT ROWID;

CREATE INDEX partner_pairs_by_user ON partner_pairs (user_id);
CREATE INDEX partner_pairs_by_pair ON partner_pairs (guild_id, cycle, pair_no);

-- "Who knows someone at Globex?": the asker's request. why is private: only a helper whose
-- offer the asker accepts sees it.
CREATE TABLE intro_requests (
    request_id INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    company    TEXT    NOT NULL,
    role       TEXT,
    why        TEXT,
    status     TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'closed')),
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    closed_at  TEXT
);

CREATE INDEX intro_requests_by_user ON intro_requests (user_id, status);
CREATE INDEX intro_requests_open ON intro_requests (expires_at) WHERE status = 'open';

-- "I can introduce": the helper's offer. It stays the helper's when the asker deletes their
-- data (request_id becomes NULL), so an introduction made is still credited.
CREATE TABLE intro_offers (
    offer_id   INTEGER PRIMARY KEY,
    request_id INTEGER REFERENCES intro_requests (request_id) ON DELETE SET NULL,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    status     TEXT    NOT NULL DEFAULT 'offered'
        CHECK (status IN ('offered', 'accepted', 'declined', 'made', 'not-made')),
    created_at TEXT    NOT NULL,
    decided_at TEXT,
    made_at    TEXT,
    UNIQUE (request_id, user_id)
);

CREATE INDEX intro_offers_by_user ON intro_offers (user_id, status);
CREATE INDEX intro_offers_by_request ON intro_offers (request_id);
CREATE INDEX intro_offers_by_group ON intro_offers (guild_id, made_at);
