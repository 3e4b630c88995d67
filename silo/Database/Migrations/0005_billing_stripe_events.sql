-- The raw inbound Stripe events: the audit trail, the first line of de-duplication, and what a
-- replay reads. A row is written before the event is applied; its outcome once it was.
CREATE TABLE billing.stripe_events
(
    id               text        NOT NULL,
    type             text        NOT NULL,
    api_version      text        NOT NULL,
    created          timestamptz NOT NULL,
    received_at      timestamptz NOT NULL,
    payload          jsonb       NOT NULL,
    outcome          text        NULL,
    subscription_key text        NULL,
    detail           text        NULL,
    processed_at     timestamptz NULL,
    CONSTRAINT pk_stripe_events PRIMARY KEY (id)
);

CREATE INDEX ix_stripe_events_type_created ON billing.stripe_events (type, created);
CREATE INDEX ix_stripe_events_subscription ON billing.stripe_events (subscription_key, received_at)
    WHERE subscription_key IS NOT NULL;
-- Events stored but never brought to an outcome: what an operator looks at after an outage.
CREATE INDEX ix_stripe_events_unprocessed ON billing.stripe_events (received_at) WHERE outcome IS NULL;

-- Events the lifecycle table had no transition for, even after asking Stripe (DESIGN.md §2 rule 4).
CREATE TABLE billing.anomalies
(
    event_id         text        NOT NULL,
    event_type       text        NOT NULL,
    subscription_key text        NULL,
    state            text        NOT NULL,
    transition       text        NULL,
    detail           text        NULL,
    recorded_at      timestamptz NOT NULL,
    CONSTRAINT pk_anomalies PRIMARY KEY (event_id)
);

CREATE INDEX ix_anomalies_recorded_at ON billing.anomalies (recorded_at DESC);
