-- Events Stripe signed but the service cannot read (issue 10) are stored and answered like any
-- other, and become anomalies a person can see and re-run. jsonb refuses what such an event may
-- hold (a \u0000 escape, a lone surrogate), so the payload is kept as the text received, which is
-- also the exact body Stripe signed; its created time may be unreadable too.
ALTER TABLE billing.stripe_events
    ALTER COLUMN payload TYPE text USING payload::text,
    ALTER COLUMN created DROP NOT NULL;

-- An anomaly is of a kind: NotAllowed (the lifecycle table refused it; the only kind before) or
-- Unreadable (no subscription state refused it, so state is null). A person's latest re-run is
-- kept on it: what it came to, who ran it, when.
ALTER TABLE billing.anomalies
    ADD COLUMN kind          text        NOT NULL DEFAULT 'NotAllowed',
    ADD COLUMN rerun_outcome text        NULL,
    ADD COLUMN rerun_by      text        NULL,
    ADD COLUMN rerun_at      timestamptz NULL,
    ALTER COLUMN state DROP NOT NULL;
