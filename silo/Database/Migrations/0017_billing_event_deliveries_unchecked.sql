-- Issue 15: a delivery's foreign keys cost every append two checks per delivery (the event, and a key-share lock of the
-- endpoint's row, which writes WAL and dirties its page), on the path of the change that made the events. Both hold by
-- construction: an append and a replay take the event and the endpoint from the rows they insert from.
ALTER TABLE billing.event_deliveries
    DROP CONSTRAINT event_deliveries_event_seq_fkey,
    DROP CONSTRAINT event_deliveries_product_id_endpoint_id_fkey;

-- What the cascade did, once per statement instead of a check per insert: removing an endpoint removes its deliveries, for
-- the silos of every version (an older one, still serving during a roll, relies on it). A delivery appended by a change
-- that raced with the removal is never sent (its endpoint is gone) and is left behind, unseen.
CREATE FUNCTION billing.event_endpoints_removed() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    DELETE FROM billing.event_deliveries d USING removed r WHERE d.product_id = r.product_id AND d.endpoint_id = r.endpoint_id;
    RETURN NULL;
END
$body$;

CREATE TRIGGER event_endpoints_removed AFTER DELETE ON billing.event_endpoints
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION billing.event_endpoints_removed();
