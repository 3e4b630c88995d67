using System.Globalization;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.Grains.Effects;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// Turns a lifecycle email a decision asks for into the email itself, when the decision is made:
/// the product's template, the customer's address and the template's variables are fixed then, so
/// the email goes out the same however late it is sent. Without an address or a template there is
/// nothing to send, and the reason is recorded instead.
/// </summary>
public static class LifecycleEmails
{
    /// <summary>The email to send, or why none can be.</summary>
    public static (Effect.SendEmail? Email, string? Reason) Compose(LifecycleEmail email, Subscription subscription, ProductDefinition product)
    {
        if (subscription.Email is not { Length: > 0 } address)
        {
            return (null, "no email address is known for the customer");
        }

        if (!product.EmailTemplates.TryGetValue(email.Template, out var templateId))
        {
            return (null, $"product '{product.ProductId}' has no template for it");
        }

        return (new Effect.SendEmail(
            email.Template, templateId, address, WithValues(Params(subscription, product), email.Values),
            $"{subscription.ProductId}/{subscription.CustomerId}/{email.Moment}", [email.Template, product.ProductId]), null);
    }

    /// <summary>The subscription's variables with the moment's own; the moment's win where both name one.</summary>
    private static IReadOnlyDictionary<string, string> WithValues(IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string>? moment)
    {
        if (moment is null)
        {
            return values;
        }

        var merged = new Dictionary<string, string>(values, StringComparer.Ordinal);
        foreach (var (name, value) in moment)
        {
            merged[name] = value;
        }

        return merged;
    }

    /// <summary>Template variables: who, which plan, how much, and what happens next.</summary>
    public static IReadOnlyDictionary<string, string> Params(Subscription s, ProductDefinition product)
    {
        var plan = product.FindPlan(s.PlanId);
        var terms = s.Terms;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["customer"] = s.CustomerId,
            ["product"] = product.Name,
            ["plan"] = plan?.Name ?? s.PlanId ?? "",
            ["amount"] = terms is null ? "" : Money(terms.UnitAmountMinor, terms.Currency),
            ["period_end"] = Day(s.CurrentPeriodEnd),
        };
        if (s.Dunning is { } episode)
        {
            values["next_step"] = Day(episode.NextDueAt);
            values["grace_end"] = Day(episode.GraceEnd);
            values["invoice"] = episode.InvoiceId ?? "";
            values["invoice_url"] = s.OpenInvoiceUrl ?? "";
        }

        return values;
    }

    /// <summary>An amount as the customer reads it: <c>9.00 USD</c>.</summary>
    public static string Money(long amountMinor, string currency) => GrainInterfaces.Subscriptions.Money.Text(amountMinor, currency);

    private static string Day(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
}
