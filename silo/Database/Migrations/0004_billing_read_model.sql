-- The service's own read model in schema "billing": the append-only history (audit trail and
-- the source of reporting) and the current row of every subscription (search and reporting).
-- Both are written only by PostgresReadModelWriter, idempotently, from grain state.

CREATE TABLE billing.subscription_history
(
    subscription_key text        NOT NULL,
    seq              bigint      NOT NULL,
    product_id       text        NOT NULL,
    customer_id      text        NOT NULL,
    occurred_at      timestamptz NOT NULL,
    kind             text        NOT NULL,
    name             text        NOT NULL,
    from_state       text        NOT NULL,
    to_state         text        NOT NULL,
    detail           jsonb       NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_subscription_history PRIMARY KEY (subscription_key, seq),
    CONSTRAINT ck_subscription_history_kind CHECK (kind IN ('transition', 'fact'))
);

-- Reporting reads a product's history by time.
CREATE INDEX ix_subscription_history_product_occurred
    ON billing.subscription_history (product_id, occurred_at);

-- The history is an audit trail: once written, a row never changes and never goes away.
-- The trigger makes that a property of the database rather than of the code that writes it.
CREATE FUNCTION billing.refuse_history_change() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    RAISE EXCEPTION 'billing.subscription_history is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$body$;

CREATE TRIGGER subscription_history_append_only
    BEFORE UPDATE OR DELETE ON billing.subscription_history
    FOR EACH ROW EXECUTE FUNCTION billing.refuse_history_change();

CREATE TRIGGER subscription_history_no_truncate
    BEFORE TRUNCATE ON billing.subscription_history
    FOR EACH STATEMENT EXECUTE FUNCTION billing.refuse_history_change();

-- One row per subscription grain (key "{productId}/{customerId}"), as of its latest published
-- version; the writer never lets an older version replace a newer one. States are stored by
-- their enum names (e.g. 'PastDue') so reports read without a lookup table.
CREATE TABLE billing.subscriptions
(
    subscription_key         text        NOT NULL,
    product_id               text        NOT NULL,
    customer_id              text        NOT NULL,
    state                    text        NOT NULL,
    plan_id                  text        NULL,
    current_period_end       timestamptz NULL,
    email                    text        NULL,
    provider_customer_id     text        NULL,
    provider_subscription_id text        NULL,
    version                  bigint      NOT NULL,
    updated_at               timestamptz NOT NULL,
    CONSTRAINT pk_subscriptions PRIMARY KEY (subscription_key)
);

-- "All past-due subscriptions of product X" and per-state counts.
CREATE INDEX ix_subscriptions_product_state
    ON billing.subscriptions (product_id, state);

-- Support tools look subscriptions up by the payment provider's ids and by e-mail address.
CREATE INDEX ix_subscriptions_provider_customer
    ON billing.subscriptions (provider_customer_id) WHERE provider_customer_id IS NOT NULL;

CREATE INDEX ix_subscriptions_provider_subscription
    ON billing.subscriptions (provider_subscription_id) WHERE provider_subscription_id IS NOT NULL;

CREATE INDEX ix_subscriptions_email
    ON billing.subscriptions (lower(email));
