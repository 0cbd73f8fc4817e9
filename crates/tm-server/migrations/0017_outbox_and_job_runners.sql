-- Work that must happen once across every instance sharing the database,
-- and must survive the death of the instance that started it.

-- Webhook deliveries still to make: one row per event and subscribed
-- webhook, written when the event happens, deleted once delivered (or given
-- up). Any instance claims due rows (`claimed_by`, until
-- `claim_expires_at`); a claim of an instance that died is taken over.
-- Times are Unix ms.
CREATE TABLE webhook_outbox (
    id               TEXT PRIMARY KEY,
    webhook_id       TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event            TEXT NOT NULL,
    event_id         TEXT NOT NULL,
    body             TEXT NOT NULL,
    attempts         BIGINT NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    claimed_by       TEXT,
    claim_expires_at BIGINT
);

CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at);

-- The instance running a job (its task lives there), and a cancel asked
-- through another instance, which the runner notices as it goes.
ALTER TABLE jobs ADD COLUMN runner TEXT;
ALTER TABLE jobs ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;
