using System.Text.Json.Nodes;

namespace OrleansBilling.Sandbox.State;

/// <summary>A customer portal session: the customer's page, offering what its configuration allows.</summary>
internal sealed record PortalSessionRecord(string Id, DateTimeOffset Created, string CustomerId, string? ReturnUrl, string Url, string ConfigurationId)
{
    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "billing_portal.session",
        ["configuration"] = ConfigurationId,
        ["created"] = StripeJson.Unix(Created),
        ["customer"] = CustomerId,
        ["customer_account"] = null,
        ["flow"] = null,
        ["livemode"] = false,
        ["locale"] = null,
        ["on_behalf_of"] = null,
        ["return_url"] = ReturnUrl,
        ["url"] = Url,
    };
}
