-- The support console (issue 12). The audit trail: every staff action (who, with which role, what,
-- on which product and customer, why, and how it ended) and every staff read of a customer's data.
-- A customer's actions are written from the outbox of the same grain write as the decision they
-- made; the rest by the gateway before and after acting. Append-only, like the history.
CREATE TABLE billing.staff_audit
(
    seq         bigint      GENERATED ALWAYS AS IDENTITY,
    id          text        NOT NULL,
    at          timestamptz NOT NULL,
    person      text        NOT NULL,
    role        text        NOT NULL,
    action      text        NOT NULL,
    product_id  text        NULL,
    customer_id text        NULL,
    reason      text        NULL,
    outcome     text        NOT NULL,
    detail      text        NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_staff_audit PRIMARY KEY (seq),
    CONSTRAINT uq_staff_audit_id UNIQUE (id),
    CONSTRAINT ck_staff_audit_role CHECK (role IN ('Support', 'Finance', 'Admin')),
    CONSTRAINT ck_staff_audit_outcome CHECK (outcome IN ('Succeeded', 'Refused', 'Forbidden', 'Attempted', 'Viewed'))
);

-- Records are numbered as written (whichever silo or gateway writes them): the newest first is an
-- index scan, per filter. The id makes a repeated write (an effect run again) keep one record.
CREATE INDEX ix_staff_audit_person ON billing.staff_audit (person, seq DESC);
CREATE INDEX ix_staff_audit_customer ON billing.staff_audit (product_id, customer_id, seq DESC);
CREATE INDEX ix_staff_audit_action ON billing.staff_audit (action, seq DESC);

CREATE FUNCTION billing.refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    RAISE EXCEPTION 'billing.staff_audit is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$body$;

CREATE TRIGGER staff_audit_append_only
    BEFORE UPDATE OR DELETE ON billing.staff_audit
    FOR EACH ROW EXECUTE FUNCTION billing.refuse_audit_change();

CREATE TRIGGER staff_audit_no_truncate
    BEFORE TRUNCATE ON billing.staff_audit
    FOR EACH STATEMENT EXECUTE FUNCTION billing.refuse_audit_change();

-- Finding a customer: by the product's own customer id or its beginning across the portfolio (the key starts with
-- the product, so it does not serve this), and by an invoice's id.
CREATE INDEX ix_subscriptions_customer ON billing.subscriptions (customer_id text_pattern_ops);

CREATE TABLE billing.subscription_invoices
(
    invoice_id       text NOT NULL,
    subscription_key text NOT NULL,
    CONSTRAINT pk_subscription_invoices PRIMARY KEY (invoice_id)
);
