using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.GrainInterfaces.Staff;

/// <summary>A customer found by the console's search, with what matched; the address is shown masked, never whole.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="CustomerId">The product's own id of the customer.</param>
/// <param name="State">The subscription's state.</param>
/// <param name="PlanId">The plan, if any.</param>
/// <param name="MatchedOn">What the search matched: <c>customer id</c>, <c>email</c>, <c>Stripe customer</c>, <c>Stripe subscription</c> or <c>invoice</c>.</param>
/// <param name="MaskedEmail">The address with most of it hidden (<c>a•••@e•••.com</c>), so support can tell two customers apart.</param>
[GenerateSerializer, Immutable, Alias("billing.CustomerMatch")]
public sealed record CustomerMatch(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] SubscriptionState State,
    [property: Id(3)] string? PlanId,
    [property: Id(4)] string MatchedOn,
    [property: Id(5)] string? MaskedEmail)
{
    /// <summary>The first letter of the mailbox and of the domain, and the top-level domain: enough to tell apart, not to write to.</summary>
    public static string? Mask(string? email)
    {
        var at = email?.IndexOf('@') ?? -1;
        if (email is null || at < 1 || at == email.Length - 1)
        {
            return null;
        }

        var domain = email[(at + 1)..];
        var dot = domain.LastIndexOf('.');
        var top = dot > 0 ? domain[dot..] : "";
        return $"{email[0]}•••@{domain[0]}•••{top}";
    }
}
