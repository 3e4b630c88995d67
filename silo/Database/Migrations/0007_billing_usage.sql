-- The usage journal: every metered usage event a product reported, once per subscription (product,
-- customer) and idempotency key. It is the source of truth for idempotency and for the period
-- totals a subscription grain keeps in memory; billing.usage_forwarded says how much of it the
-- payment provider has accepted. Written only by PostgresUsageJournal, in large multi-row inserts.
-- The ids are opaque identifiers, so they compare byte by byte (COLLATE "C") whatever the
-- database's collation: that is the order the journal promises for ties and listings, and it
-- makes every index comparison a memcmp instead of a locale-aware one on the hot insert path.
CREATE TABLE billing.usage_events
(
    product_id      text COLLATE "C" NOT NULL,
    customer_id     text COLLATE "C" NOT NULL,
    idempotency_key text COLLATE "C" NOT NULL,
    meter_id        text COLLATE "C" NOT NULL,
    quantity        double precision NOT NULL,
    occurred_at     timestamptz      NOT NULL,
    period_start    timestamptz      NOT NULL,
    received_at     timestamptz      NOT NULL,
    -- Grows in the order a subscription's records are written (its grain appends one call after
    -- another), so forwarding to the provider goes in this order and what is sent is a prefix.
    seq             bigint           GENERATED ALWAYS AS IDENTITY,
    -- The idempotency rule itself: a repeated key is refused by ON CONFLICT DO NOTHING.
    CONSTRAINT pk_usage_events PRIMARY KEY (product_id, customer_id, idempotency_key),
    -- A backstop for the journal's own check: NaN and infinity would make every total meaningless.
    -- (PostgreSQL orders NaN above infinity, so the upper bound excludes both.)
    CONSTRAINT ck_usage_events_quantity CHECK (quantity >= 0 AND quantity < 'Infinity'::double precision)
);

-- "The events after the cursor" of one subscription, in the order they are sent. Rows are never
-- updated: marking each forwarded row (and a partial index on that mark) made every event cost a
-- second, never-HOT write, as much PostgreSQL CPU as the insert itself (bench/README.md).
CREATE INDEX ix_usage_events_sequence
    ON billing.usage_events (product_id, customer_id, seq);

-- How far the provider has accepted each subscription's usage: one row per subscription, updated
-- once per forwarded batch.
CREATE TABLE billing.usage_forwarded
(
    product_id   text COLLATE "C" NOT NULL,
    customer_id  text COLLATE "C" NOT NULL,
    sent_through bigint           NOT NULL,
    sent_at      timestamptz      NOT NULL,
    CONSTRAINT pk_usage_forwarded PRIMARY KEY (product_id, customer_id)
);

-- A subscription's totals per period and meter, read when its grain activates. The index walks one
-- subscription's periods in group order, and with occurred_at as the last key column the "last"
-- event of a group is one descent, not a sort of the whole group; quantity is included so the sums
-- can come from the index alone once the pages are all-visible (the table is insert-mostly).
CREATE INDEX ix_usage_events_totals
    ON billing.usage_events (product_id, customer_id, period_start, meter_id, occurred_at)
    INCLUDE (quantity);
