namespace OrleansBilling.Sandbox.Api;

/// <summary>The handlers of every emulated resource, for the route table.</summary>
internal sealed record StripeResources(
    CustomersApi Customers,
    CheckoutSessionsApi CheckoutSessions,
    SubscriptionsApi Subscriptions,
    InvoicesApi Invoices,
    RefundsApi Refunds,
    CouponsApi Coupons,
    BillingPortalApi BillingPortal,
    MeterEventsApi MeterEvents,
    MeterEventSessionsApi MeterEventSessions,
    EventsApi Events,
    LookupsApi Lookups);
