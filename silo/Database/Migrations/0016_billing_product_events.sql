-- Issue 15: events to product services. A subscription's change writes its events here (through its effect outbox);
-- each event gets a delivery per endpoint of its product that wanted its type at that moment; delivery grains send
-- them and log every attempt.

CREATE TABLE billing.event_endpoints (
    product_id text NOT NULL,
    endpoint_id text NOT NULL,
    url text NOT NULL,
    event_types text[] NOT NULL,
    description text NOT NULL DEFAULT '',
    enabled boolean NOT NULL,
    -- The signing secrets, newest last, with the end of a rotated-out one's window: [{"value","createdAt","expiresAt"}].
    secrets jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    disabled_at timestamptz,
    disabled_reason text,
    last_delivered_at timestamptz,
    PRIMARY KEY (product_id, endpoint_id)
);

CREATE TABLE billing.product_events (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id text NOT NULL UNIQUE,
    product_id text NOT NULL,
    customer_id text NOT NULL,
    event_type text NOT NULL,
    version bigint NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload text NOT NULL
);

-- A replay of a time range.
CREATE INDEX product_events_by_time ON billing.product_events (product_id, occurred_at);

CREATE TABLE billing.event_deliveries (
    product_id text NOT NULL,
    endpoint_id text NOT NULL,
    event_seq bigint NOT NULL REFERENCES billing.product_events (seq),
    customer_id text NOT NULL,
    status text NOT NULL CHECK (status IN ('Pending', 'Delivered', 'Failed')),
    attempts integer NOT NULL DEFAULT 0,
    window_start timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    last_attempt_at timestamptz,
    last_status integer,
    last_latency_ms integer,
    last_error text,
    delivered_at timestamptz,
    PRIMARY KEY (product_id, endpoint_id, event_seq),
    FOREIGN KEY (product_id, endpoint_id) REFERENCES billing.event_endpoints (product_id, endpoint_id) ON DELETE CASCADE
);

-- What waits, per customer in order: the oldest pending delivery of each customer is the one due.
CREATE INDEX event_deliveries_pending ON billing.event_deliveries (product_id, endpoint_id, customer_id, event_seq)
    WHERE status = 'Pending';

CREATE TABLE billing.event_delivery_attempts (
    product_id text NOT NULL,
    endpoint_id text NOT NULL,
    event_seq bigint NOT NULL,
    attempt integer NOT NULL,
    at timestamptz NOT NULL,
    status_code integer,
    latency_ms integer NOT NULL,
    delivered boolean NOT NULL,
    error text,
    -- No foreign key: a check per attempt logged costs each pass; attempts are written only for deliveries that exist,
    -- and removed with their endpoint.
    PRIMARY KEY (product_id, endpoint_id, event_seq, attempt)
);
