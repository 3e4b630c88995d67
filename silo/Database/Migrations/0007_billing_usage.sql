-- The usage journal: every metered usage event a product reported, once per subscription (product,
-- customer) and idempotency key. It is the source of truth for idempotency and for the period
-- totals a subscription grain keeps in memory, and it remembers which events the payment provider
-- accepted (sent_at). Written only by PostgresUsageJournal, in large multi-row inserts.
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
    sent_at         timestamptz      NULL,
    -- The idempotency rule itself: a repeated key is refused by ON CONFLICT DO NOTHING.
    CONSTRAINT pk_usage_events PRIMARY KEY (product_id, customer_id, idempotency_key),
    -- A backstop for the journal's own check: NaN and infinity would make every total meaningless.
    -- (PostgreSQL orders NaN above infinity, so the upper bound excludes both.)
    CONSTRAINT ck_usage_events_quantity CHECK (quantity >= 0 AND quantity < 'Infinity'::double precision)
);

-- "The oldest events the provider has not accepted yet" of one subscription, in the order they are
-- sent. Partial, so it holds only the backlog, not the whole history.
CREATE INDEX ix_usage_events_unsent
    ON billing.usage_events (product_id, customer_id, received_at, idempotency_key)
    WHERE sent_at IS NULL;

-- A subscription's totals per period and meter, read when its grain activates. The index walks one
-- subscription's periods in group order, and with occurred_at as the last key column the "last"
-- event of a group is one descent, not a sort of the whole group; quantity is included so the sums
-- can come from the index alone once the pages are all-visible (the table is insert-mostly).
CREATE INDEX ix_usage_events_totals
    ON billing.usage_events (product_id, customer_id, period_start, meter_id, occurred_at)
    INCLUDE (quantity);
