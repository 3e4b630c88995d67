-- Win-backs, for reporting reactivations (MRR movement: new + reactivation + expansion − ...):
-- how often a canceled customer came back, and when last. The history keeps every WonBack too.
ALTER TABLE billing.subscriptions
    ADD COLUMN win_backs        integer     NOT NULL DEFAULT 0,
    ADD COLUMN last_won_back_at timestamptz NULL;

CREATE INDEX ix_subscriptions_won_back ON billing.subscriptions (product_id, last_won_back_at)
    WHERE win_backs > 0;
