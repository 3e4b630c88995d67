-- The history becomes a typed record (issue 9): who caused each entry, and on every entry that
-- moves what the customer pays, the terms before and after; on payments and refunds, the money.
-- Reporting (MRR movements, churn, LTV) and events to products are computed from these columns,
-- never from Stripe at report time. Added columns only: the table stays append-only.
ALTER TABLE billing.subscription_history
    ADD COLUMN actor              text    NULL,
    ADD COLUMN plan_before        text    NULL,
    ADD COLUMN unit_amount_before bigint  NULL,
    ADD COLUMN currency_before    text    NULL,
    ADD COLUMN interval_before    text    NULL,
    ADD COLUMN quantity_before    integer NULL,
    ADD COLUMN plan_after         text    NULL,
    ADD COLUMN unit_amount_after  bigint  NULL,
    ADD COLUMN currency_after     text    NULL,
    ADD COLUMN interval_after     text    NULL,
    ADD COLUMN quantity_after     integer NULL,
    ADD COLUMN amount_minor       bigint  NULL,
    ADD COLUMN amount_currency    text    NULL;

-- The current price of each subscription, for reports of the present.
ALTER TABLE billing.subscriptions
    ADD COLUMN unit_amount_minor bigint  NULL,
    ADD COLUMN currency          text    NULL,
    ADD COLUMN billing_interval  text    NULL,
    ADD COLUMN quantity          integer NULL;
