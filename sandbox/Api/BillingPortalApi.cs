using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary><c>/v1/billing_portal/sessions</c>: a sandbox page where the customer replaces the card.</summary>
internal sealed class BillingPortalApi(SandboxState state) : ResourceApi(state)
{
    public ApiOutcome Create(StripeApiRequest request)
    {
        var p = request.Parameters;
        var customerId = p.Required("customer");
        if (!State.Customers.ContainsKey(customerId))
        {
            throw StripeApiException.NoSuch("customer", customerId, "customer");
        }

        var id = StripeIds.New("bps");
        var session = new PortalSessionRecord(id, State.Now, customerId, p.String("return_url"), $"{State.PublicBaseUrl}/sandbox/portal/{id}");
        State.PortalSessions.Add(id, session);
        return Answer(request, session.ToJson());
    }
}
