-- Issue 15: a delivery's foreign keys cost every append two checks per delivery (the event, and a key-share lock of the
-- endpoint's row, which writes WAL and dirties its page), on the path of the change that made the events. Both hold by
-- construction: an append and a replay take the event and the endpoint from the rows they insert from. Removing an
-- endpoint removes its deliveries and their attempts itself (PostgresProductEventStore.DeleteEndpointAsync), as the
-- cascade did; a delivery appended by a change that raced with the removal is never sent (its endpoint is gone) and is
-- left behind, unseen.
ALTER TABLE billing.event_deliveries
    DROP CONSTRAINT event_deliveries_event_seq_fkey,
    DROP CONSTRAINT event_deliveries_product_id_endpoint_id_fkey;
