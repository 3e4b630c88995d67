-- Discounts (issue 13): the terms of a history entry carry the discounts the provider bills with, so a
-- permanent discount lowers MRR from the day it was applied and a report of the past stays the same.
-- A JSON array in the order the discounts apply ([{"id","coupon_id","duration","percent_off",
-- "amount_off_minor","currency","end"}], duration once | repeating | forever | unknown); NULL where there
-- are no terms or no discounts. Added columns only: the history
-- stays append-only.
ALTER TABLE billing.subscription_history
    ADD COLUMN discounts_before jsonb NULL,
    ADD COLUMN discounts_after  jsonb NULL;

ALTER TABLE billing.subscriptions
    ADD COLUMN discounts jsonb NULL;
