using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OrleansBilling.Sandbox.Api;

/// <summary>
/// The emulated part of Stripe's REST API, under <c>/sandbox/stripe/v1</c> and <c>/sandbox/stripe/v2</c>
/// (Stripe.net's ApiBase and MeterEventsBase are both <c>…/sandbox/stripe</c>).
/// </summary>
internal static class StripeApiRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/sandbox/stripe/v1");
        v1.ExcludeFromDescription();

        var customer = new[] { "email", "name", "phone", "description", "metadata[*]" };
        Map(v1, "POST", "customers", Of(customer), static (r, q) => r.Customers.Create(q));
        Map(v1, "GET", "customers/{id}", Of(), static (r, q) => r.Customers.Get(q));
        Map(v1, "POST", "customers/{id}", Of(customer), static (r, q) => r.Customers.Update(q));

        Map(v1, "POST", "checkout/sessions", Of(
                "mode", "customer", "customer_email", "client_reference_id", "line_items[#][price]", "line_items[#][quantity]",
                "success_url", "cancel_url", "metadata[*]", "subscription_data[metadata][*]", "subscription_data[trial_period_days]", "subscription_data[billing_mode][type]",
                "allow_promotion_codes", "automatic_tax[enabled]"),
            static (r, q) => r.CheckoutSessions.Create(q));
        Map(v1, "GET", "checkout/sessions/{id}", Of(), static (r, q) => r.CheckoutSessions.Get(q));
        Map(v1, "POST", "checkout/sessions/{id}/expire", Of(), static (r, q) => r.CheckoutSessions.Expire(q));

        Map(v1, "GET", "subscriptions", List("customer", "price", "status"), static (r, q) => r.Subscriptions.List(q));
        Map(v1, "GET", "subscriptions/{id}", Of(), static (r, q) => r.Subscriptions.Get(q));
        Map(v1, "POST", "subscriptions/{id}", Of(
                "cancel_at_period_end", "items[#][id]", "items[#][price]", "items[#][deleted]", "proration_behavior", "metadata[*]",
                "pause_collection[behavior]", "pause_collection[resumes_at]", "payment_behavior",
                "discounts", "discounts[#][coupon]", "discounts[#][discount]"),
            static (r, q) => r.Subscriptions.Update(q));
        Map(v1, "DELETE", "subscriptions/{id}", Of("invoice_now", "prorate"), static (r, q) => r.Subscriptions.Cancel(q));
        Map(v1, "POST", "subscriptions/{id}/resume", Of(), static (r, q) => r.Subscriptions.Resume(q));

        Map(v1, "GET", "invoices", List("customer", "subscription", "status"), static (r, q) => r.Invoices.List(q));
        Map(v1, "POST", "invoices/create_preview", Of(
                "customer", "subscription", "subscription_details[items][#][id]", "subscription_details[items][#][price]",
                "subscription_details[proration_behavior]", "subscription_details[proration_date]"),
            static (r, q) => r.Invoices.CreatePreview(q));
        Map(v1, "GET", "invoices/{id}", Of(), static (r, q) => r.Invoices.Get(q));
        Map(v1, "POST", "invoices/{id}/pay", Of("paid_out_of_band"), static (r, q) => r.Invoices.Pay(q));
        Map(v1, "POST", "invoices/{id}/void", Of(), static (r, q) => r.Invoices.Void(q));
        Map(v1, "POST", "invoices/{id}/mark_uncollectible", Of(), static (r, q) => r.Invoices.MarkUncollectible(q));

        Map(v1, "POST", "refunds", Of("charge", "payment_intent", "amount", "reason", "metadata[*]"), static (r, q) => r.Refunds.Create(q));
        Map(v1, "GET", "refunds/{id}", Of(), static (r, q) => r.Refunds.Get(q));

        Map(v1, "POST", "coupons", Of("id", "percent_off", "amount_off", "currency", "duration", "duration_in_months", "name"), static (r, q) => r.Coupons.Create(q));
        Map(v1, "GET", "coupons/{id}", Of(), static (r, q) => r.Coupons.Get(q));

        Map(v1, "POST", "billing_portal/sessions", Of("customer", "return_url", "configuration"), static (r, q) => r.BillingPortal.Create(q));
        Map(v1, "POST", "billing_portal/configurations", Of(
                "business_profile[headline]", "business_profile[privacy_policy_url]", "business_profile[terms_of_service_url]", "default_return_url",
                "features[customer_update][enabled]", "features[customer_update][allowed_updates][#]", "features[invoice_history][enabled]",
                "features[payment_method_update][enabled]", "features[subscription_cancel][enabled]", "features[subscription_cancel][mode]",
                "features[subscription_cancel][proration_behavior]", "features[subscription_update][enabled]",
                "features[subscription_update][default_allowed_updates][#]", "features[subscription_update][products][#][product]",
                "features[subscription_update][products][#][prices][#]", "features[subscription_update][proration_behavior]", "metadata[*]"),
            static (r, q) => r.BillingPortal.CreateConfiguration(q));
        Map(v1, "GET", "billing_portal/configurations/{id}", Of(), static (r, q) => r.BillingPortal.GetConfiguration(q));
        Map(v1, "POST", "billing/meter_events", Of("event_name", "payload[*]", "identifier", "timestamp"), static (r, q) => r.MeterEvents.Create(q));

        Map(v1, "GET", "events", List("type", "types[#]", "created", "created[gt]", "created[gte]", "created[lt]", "created[lte]"), static (r, q) => r.Events.List(q));
        Map(v1, "GET", "events/{id}", Of(), static (r, q) => r.Events.Get(q));

        Map(v1, "GET", "charges/{id}", Of(), static (r, q) => r.Lookups.Charge(q));
        Map(v1, "GET", "payment_intents/{id}", Of(), static (r, q) => r.Lookups.PaymentIntent(q));
        Map(v1, "GET", "prices/{id}", Of(), static (r, q) => r.Lookups.Price(q));

        // The meter event stream's host is Stripe.net's MeterEventsBase; the sandbox serves it beside the API.
        var v2 = app.MapGroup("/sandbox/stripe/v2");
        v2.ExcludeFromDescription();
        Map(v2, "POST", "billing/meter_event_session", Of(), static (r, q) => r.MeterEventSessions.Create(q));
        v2.MapPost("billing/meter_event_stream", (HttpContext context, MeterEventStreamEndpoint stream) => stream.HandleAsync(context));

        // Anything else answers like Stripe does for a URL it does not know (after authentication).
        app.Map("/sandbox/stripe/{**rest}", (HttpContext context, StripeApiPipeline pipeline) =>
            pipeline.HandleAsync(context, StripeParameterSpec.Any, static (_, q) => throw new StripeApiException(404, "invalid_request_error", $"Unrecognized request URL ({q.Method}: {q.Path}). The sandbox emulates only the part of Stripe's API this service uses.")))
            .ExcludeFromDescription();
    }

    private static void Map(RouteGroupBuilder group, string method, string pattern, StripeParameterSpec parameters, Func<StripeResources, StripeApiRequest, ApiOutcome> handler) =>
        group.MapMethods(pattern, [method], (HttpContext context, StripeApiPipeline pipeline) => pipeline.HandleAsync(context, parameters, handler));

    private static StripeParameterSpec Of(params string[] patterns) => StripeParameterSpec.Of(patterns);

    private static StripeParameterSpec List(params string[] filters) => StripeParameterSpec.List(filters);
}
