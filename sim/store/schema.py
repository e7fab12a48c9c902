"""The store's schema, as numbered migrations (docs/STORE.md explains each table).

``PRAGMA user_version`` holds how many migrations a database has had; opening it
applies the missing ones in one transaction. A migration only adds (tables,
columns, indexes), so a later one (rooms: seats, orders, notes...) never rewrites
the sessions already stored. Never edit a migration that has shipped: add one.
"""

from __future__ import annotations

from sim.seeds import MAX_SEED as SEED_MAX  # noqa: F401  (2**63 - 1, the one seed range: also SQLite's largest INTEGER)

# 'SIMS': marks the file as ours, so a stranger's database at our path is not mistaken for a store.
APPLICATION_ID = 0x53494D53

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: sessions and their append-only logs.
    (
        """
        CREATE TABLE sessions (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after a delete
            scenario      TEXT    NOT NULL,                   -- the scenario's id
            scenario_path TEXT    NOT NULL DEFAULT '',        -- where it was loaded from (a hint)
            content_hash  TEXT    NOT NULL,                   -- sim.store.content.content_hash
            format        INTEGER NOT NULL,                   -- the scenario format's version
            sim_version   TEXT    NOT NULL,
            title         TEXT,
            seed          INTEGER NOT NULL CHECK (typeof(seed) = 'integer' AND seed >= 0),
            created       REAL    NOT NULL,                   -- Unix time
            updated       REAL    NOT NULL,
            -- Kept with every write so that a listing never reads a log:
            revision      INTEGER NOT NULL DEFAULT 0,         -- entries in the log (its last n)
            steps         INTEGER NOT NULL DEFAULT 0,         -- steps in the tree, the start excluded
            current       INTEGER NOT NULL DEFAULT 0,         -- the step the cursor is on
            depth         INTEGER NOT NULL DEFAULT 0,         -- ...its distance from the start
            turn          INTEGER NOT NULL DEFAULT 0,         -- ...its turn
            last          TEXT,                               -- ...the act that led to it
            ending        TEXT,                               -- ...the ending reached there, if any
            replaced_by   INTEGER REFERENCES sessions(id) ON DELETE SET NULL
        )
        """,
        "CREATE INDEX sessions_by_scenario ON sessions (scenario, updated)",
        """
        CREATE TABLE log (
            session INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            n       INTEGER NOT NULL,   -- 1, 2, 3... within the session
            at      REAL    NOT NULL,   -- Unix time
            step    INTEGER NOT NULL,   -- where the cursor is after this entry
            parent  INTEGER,            -- a choice: the step it was made at; NULL: the cursor moved
            choice  TEXT,               -- the act id chosen
            how     TEXT,               -- 'picked' or 'rolled' (a roll was drawn at parent)
            PRIMARY KEY (session, n),
            CHECK ((parent IS NULL) = (choice IS NULL) AND (parent IS NULL) = (how IS NULL))
        ) WITHOUT ROWID
        """,
    ),
    # 2: rooms (a class playing one scenario: seats, a facilitator, observers) and their
    # append-only logs (docs/ROOMS.md). Adds tables only; sessions and log are untouched.
    (
        """
        CREATE TABLE rooms (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after a delete
            scenario      TEXT    NOT NULL,                   -- the scenario's id
            scenario_path TEXT    NOT NULL DEFAULT '',        -- where it was loaded from (a hint)
            content_hash  TEXT    NOT NULL,                   -- sim.store.content.content_hash
            format        INTEGER NOT NULL,                   -- the scenario format's version
            sim_version   TEXT    NOT NULL,
            title         TEXT    NOT NULL,
            seed          INTEGER NOT NULL CHECK (typeof(seed) = 'integer' AND seed >= 0),
            turns         TEXT    NOT NULL,                   -- the turn structure: 'rounds' or 'sealed'
            sides         TEXT    NOT NULL,                   -- the sides in turn order, space-separated
            salt          BLOB    NOT NULL,                   -- for the codes' hashes (one per room)
            created       REAL    NOT NULL,                   -- Unix time
            updated       REAL    NOT NULL,
            revision      INTEGER NOT NULL DEFAULT 0,         -- entries in room_log (its last n): the change counter
            status        TEXT    NOT NULL DEFAULT 'waiting', -- waiting, running, paused, ended (a summary)
            turn          INTEGER NOT NULL DEFAULT 0,         -- the turn the room stands at (a summary)
            ending        TEXT                                -- the ending reached, if any (a summary)
        )
        """,
        "CREATE INDEX rooms_by_scenario ON rooms (scenario, created)",
        """
        CREATE TABLE room_codes (
            room      INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            role      TEXT    NOT NULL CHECK (role IN ('facilitator', 'seat', 'observer')),
            side      TEXT    NOT NULL DEFAULT '',  -- the side a seat plays ('' for the others)
            code_hash BLOB    NOT NULL,             -- scrypt of the code with the room's salt
            issued    REAL    NOT NULL,
            PRIMARY KEY (room, role, side),
            CHECK ((role = 'seat') = (side != ''))
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE room_log (
            room    INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
            n       INTEGER NOT NULL,   -- 1, 2, 3... within the room
            at      REAL    NOT NULL,   -- Unix time
            who     TEXT    NOT NULL,   -- 'facilitator' or 'seat:SIDE', from the code that wrote it
            kind    TEXT    NOT NULL,   -- start, pause, resume, timer, weights, order, reveal, choose,
                                        -- adjudicate, inject, end, note, recode
            data    TEXT    NOT NULL DEFAULT '{}',  -- the act's details, a JSON object
            PRIMARY KEY (room, n)
        ) WITHOUT ROWID
        """,
    ),
)

VERSION = len(MIGRATIONS)
