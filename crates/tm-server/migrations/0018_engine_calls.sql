-- Calls to an embedded engine that another instance sharing the database
-- runs (PostgreSQL only; unused on SQLite): the caller queues one and
-- notifies `tm_engine_calls`, the engine's instance claims it, makes it
-- and writes the answer, which the caller takes (deleting the row). Times
-- are Unix ms.
CREATE TABLE engine_calls (
    id         TEXT PRIMARY KEY,
    engine_id  TEXT NOT NULL,
    server_id  TEXT NOT NULL,
    call       TEXT NOT NULL,
    claimed    BOOLEAN NOT NULL DEFAULT FALSE,
    answer     TEXT,
    created_at BIGINT NOT NULL
);

CREATE INDEX engine_calls_by_engine ON engine_calls (engine_id);
