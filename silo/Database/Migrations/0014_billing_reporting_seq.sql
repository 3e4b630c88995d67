-- Reporting (issue 13): the last history entry the projector had seen when it computed a subscription. Most
-- entries are facts reports do not read (invoices finalized and paid, emails, period renewals); a subscription
-- whose new entries are all such facts is only marked reported, not computed again.
ALTER TABLE billing.subscriptions ADD COLUMN reported_seq bigint NULL;
