-- Usage quantities become exact decimals (issue 10): a double let two events of 1e308 make a
-- period's total infinite, and every answer that carried it failed. A quantity now has at most six
-- decimal places and fifteen significant digits (what a Stripe meter event takes), so numeric(21,6)
-- holds every one exactly, and sums are numeric too: finite, and exact to the last place.
--
-- A row stored before this rule that no decimal of that shape holds (NaN was never accepted; a
-- quantity of 1e15 or more could be) is moved aside, not rounded nor dropped: it stays readable
-- in billing.usage_events_unfit for a person to settle, and stops counting in any total.
CREATE TABLE billing.usage_events_unfit AS
    SELECT * FROM billing.usage_events WHERE quantity >= 1e15;

DELETE FROM billing.usage_events WHERE quantity >= 1e15;

ALTER TABLE billing.usage_events
    DROP CONSTRAINT ck_usage_events_quantity,
    ALTER COLUMN quantity TYPE numeric(21, 6) USING round(quantity::numeric, 6),
    ADD CONSTRAINT ck_usage_events_quantity CHECK (quantity >= 0);
