using Microsoft.AspNetCore.Routing;
using OrleansBilling.Sandbox.Api;
using OrleansBilling.Sandbox.Brevo;
using OrleansBilling.Sandbox.Control;
using OrleansBilling.Sandbox.Pages;

namespace OrleansBilling.Sandbox;

/// <summary>Maps the sandbox's endpoints, all under <c>/sandbox</c>.</summary>
public static class SandboxEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps Stripe's API at <c>/sandbox/stripe/v1/…</c> and the meter event stream at <c>/sandbox/stripe/v2/billing/…</c>
    /// (point Stripe.net's ApiBase and MeterEventsBase at <c>{base}/sandbox/stripe</c>),
    /// the hosted checkout, portal and invoice pages, and the control endpoints (<c>/sandbox/clock</c>,
    /// <c>/sandbox/requests</c>, <c>/sandbox/meter-events</c>, <c>/sandbox/webhooks</c>, <c>/sandbox/events/redeliver</c>, …); and Brevo's
    /// transactional email at <c>/sandbox/brevo/v3/smtp/email</c> (the Brevo client's base address is
    /// <c>{base}/sandbox/brevo/v3/</c>), <c>/sandbox/brevo/fail</c> and the mailbox (<c>/sandbox/emails</c>,
    /// <c>/sandbox/mailbox</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapStripeSandbox(this IEndpointRouteBuilder app)
    {
        StripeApiRoutes.Map(app);
        SandboxPageEndpoints.Map(app);
        SandboxControlEndpoints.Map(app);
        BrevoRoutes.Map(app);
        Receiver.ReceiverRoutes.Map(app);
        return app;
    }
}
