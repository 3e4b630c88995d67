-- Reporting (issue 13): what the reports add up, derived from billing.subscription_history by the
-- reporting projector (silo/Database/ReportingProjector.cs) and rebuilt from it at will. Each table
-- holds, per subscription, what the pure definitions (grains/Reporting) make of its whole history;
-- a subscription whose row version moved past reported_version is computed again.

ALTER TABLE billing.subscriptions ADD COLUMN reported_version bigint NULL;

-- The subscriptions the projector has still to compute: a small partial index, however many there are.
CREATE INDEX ix_subscriptions_unreported ON billing.subscriptions (subscription_key)
    WHERE reported_version IS DISTINCT FROM version;

-- A customer's MRR moving on a day (new, expansion, contraction, churn, reactivation), signed.
CREATE TABLE billing.report_movements
(
    subscription_key text   NOT NULL,
    day              date   NOT NULL,
    product_id       text   NOT NULL,
    currency         text   NOT NULL,
    kind             text   NOT NULL,
    amount_minor     bigint NOT NULL
);
CREATE INDEX ix_report_movements_key ON billing.report_movements (subscription_key);
CREATE INDEX ix_report_movements_day ON billing.report_movements (day, product_id);

-- A customer's state at the end of a day, where it differs from the end of the day before.
CREATE TABLE billing.report_states
(
    subscription_key text NOT NULL,
    day              date NOT NULL,
    product_id       text NOT NULL,
    state_before     text NOT NULL,
    state_after      text NOT NULL
);
CREATE INDEX ix_report_states_key ON billing.report_states (subscription_key);
CREATE INDEX ix_report_states_day ON billing.report_states (day, product_id);

-- Dunning episodes opened, recovered and canceled (with the MRR a recovery kept) and trials started and converted.
CREATE TABLE billing.report_events
(
    subscription_key text   NOT NULL,
    day              date   NOT NULL,
    product_id       text   NOT NULL,
    currency         text   NULL,
    event            text   NOT NULL,
    amount_minor     bigint NOT NULL
);
CREATE INDEX ix_report_events_key ON billing.report_events (subscription_key);
CREATE INDEX ix_report_events_day ON billing.report_events (day, product_id);

-- Which definitions the tables were computed with (the options' fingerprint): others recompute every subscription.
CREATE TABLE billing.report_settings
(
    id          int  NOT NULL PRIMARY KEY CHECK (id = 1),
    fingerprint text NOT NULL
);
