using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.Gateway.Validation;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Gateway.SupportConsole;

/// <summary>What support and finance can do to a customer from the console, by name, and the role each needs.</summary>
public static class CustomerActions
{
    public const string Refund = "refund";
    public const string GrantOverride = "grant-override";
    public const string RemoveOverride = "remove-override";
    public const string CancelNow = "cancel-now";
    public const string CancelAtPeriodEnd = "cancel-at-period-end";
    public const string Resume = "resume";
    public const string ChangePlan = "change-plan";
    public const string RetryPayment = "retry-payment";
    public const string Pause = "pause";

    /// <summary>Every action and the least role that may take it.</summary>
    public static readonly IReadOnlyDictionary<string, StaffRole> Needs = new Dictionary<string, StaffRole>(StringComparer.Ordinal)
    {
        [Refund] = StaffRole.Finance,
        [GrantOverride] = StaffRole.Support,
        [RemoveOverride] = StaffRole.Support,
        [CancelNow] = StaffRole.Support,
        [CancelAtPeriodEnd] = StaffRole.Support,
        [Resume] = StaffRole.Support,
        [ChangePlan] = StaffRole.Support,
        [RetryPayment] = StaffRole.Support,
        [Pause] = StaffRole.Support,
    };
}

/// <summary>An action's form as posted: which action, why, its fields, and the idempotency key the confirmation carries.</summary>
public sealed class CustomerActionForm
{
    public string? Action { get; set; }

    public string? Reason { get; set; }

    public string? Invoice { get; set; }

    /// <summary>A refund's amount in the currency's major unit (<c>12.50</c>); empty for all that remains.</summary>
    public string? Amount { get; set; }

    /// <summary>An override's feature or limit (<c>feature:sso</c>, <c>limit:api_calls</c>).</summary>
    public string? Entitlement { get; set; }

    /// <summary>An override's value: <c>on</c>/<c>off</c> for a feature, a whole number for a limit.</summary>
    public string? Value { get; set; }

    /// <summary>The last day an override applies (<c>yyyy-MM-dd</c>, UTC).</summary>
    public string? Until { get; set; }

    public string? OverrideId { get; set; }

    public string? Plan { get; set; }

    public string? Proration { get; set; }

    public string? Behavior { get; set; }

    /// <summary>Made when the confirmation is shown: two clicks on it are one action.</summary>
    public string? Key { get; set; }
}

/// <summary>What the customer page knows when an action is checked: the subscription, its product, its invoices.</summary>
public sealed record CustomerSnapshot(
    string ProductId,
    string CustomerId,
    ProductDefinition Product,
    SubscriptionView Subscription,
    EntitlementsView Entitlements,
    IReadOnlyList<InvoiceView> Invoices);

/// <summary>
/// An action checked against the customer as they are: the consequence to confirm, and then the call to their record.
/// Built by <see cref="Check"/> from a posted form; a form that does not make sense is a list of problems instead.
/// </summary>
public sealed record CustomerAction(string Name, string Reason, CustomerActionForm Form, Func<ISubscriptionGrain, CommandContext, Task<string>> Consequence, Func<ISubscriptionGrain, CommandContext, Task<CommandOutcome>> Apply)
{
    private static readonly string[] ProrationNames = ["create_prorations", "always_invoice", "none"];

    /// <summary>
    /// The form's problems by field, or the action. <paramref name="confirming"/>: the confirmation of an action already
    /// checked, perhaps clicked twice, so the customer may already show its effect (the plan changed, the override gone):
    /// what the action itself made true is not held against it, and the customer's record answers a repeat.
    /// </summary>
    public static (CustomerAction? Action, Dictionary<string, string> Problems) Check(CustomerActionForm form, CustomerSnapshot customer, DateTimeOffset now, bool confirming = false)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (form.Action is null || !CustomerActions.Needs.ContainsKey(form.Action))
        {
            problems["Action"] = "Choose an action.";
            return (null, problems);
        }

        if (!TextRules.IsPrintable(form.Reason?.Trim(), 500))
        {
            problems["Reason"] = "Say why, in at most 500 characters: it goes into the customer's history and the audit trail.";
        }

        var action = form.Action switch
        {
            CustomerActions.Refund => CheckRefund(form, customer, problems),
            CustomerActions.GrantOverride => CheckGrant(form, customer, now, problems),
            CustomerActions.RemoveOverride => CheckRemove(form, customer, confirming, problems),
            CustomerActions.CancelNow => Simple(form, customer, "The subscription ends now at Stripe: access ends at once, usage so far is invoiced, and the customer is emailed.",
                (grain, context) => grain.Cancel(false, context)),
            CustomerActions.CancelAtPeriodEnd => Simple(form, customer, $"The subscription ends at the end of the period ({Day(customer.Subscription.CurrentPeriodEnd)}); access stays until then, and it can be resumed before.",
                (grain, context) => grain.Cancel(true, context)),
            CustomerActions.Resume => Simple(form, customer, customer.Subscription.State == SubscriptionState.Paused
                    ? "Collection resumes: the next invoices are charged again."
                    : $"The scheduled cancel is withdrawn: the subscription renews on {Day(customer.Subscription.CurrentPeriodEnd)}.",
                (grain, context) => grain.Resume(context)),
            CustomerActions.RetryPayment => Simple(form, customer, $"The open invoice is charged to the card on file now. If it is paid, dunning ends and access is back at once; if it is declined, that is recorded and dunning goes on.",
                (grain, context) => grain.RetryPayment(context)),
            CustomerActions.Pause => CheckPause(form, customer, problems),
            CustomerActions.ChangePlan => CheckChangePlan(form, customer, confirming, problems),
            _ => null,
        };

        return problems.Count > 0 ? (null, problems) : (action, problems);
    }

    /// <summary>A digest of what the form asks, so a key reused for another request is refused.</summary>
    public string Fingerprint() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(
        "\n", Name, Reason, Form.Invoice, Form.Amount, Form.Entitlement, Form.Value, Form.Until, Form.OverrideId, Form.Plan, Form.Proration, Form.Behavior))));

    private static CustomerAction Simple(CustomerActionForm form, CustomerSnapshot customer, string consequence, Func<ISubscriptionGrain, CommandContext, Task<CommandResult<SubscriptionView>>> send) =>
        new(form.Action!, form.Reason!.Trim(), form, (_, _) => Task.FromResult(consequence), async (grain, context) => CommandOutcome.Of(await send(grain, context), view => $"The subscription is now {view.State}."));

    private static CustomerAction? CheckRefund(CustomerActionForm form, CustomerSnapshot customer, Dictionary<string, string> problems)
    {
        if (customer.Invoices.FirstOrDefault(i => i.Id == form.Invoice && i.AmountPaid > 0) is not { } invoice)
        {
            problems["Invoice"] = "Choose one of the customer's paid invoices.";
            return null;
        }

        long? amount = null;
        if (!string.IsNullOrWhiteSpace(form.Amount))
        {
            if (!decimal.TryParse(form.Amount.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var major)
                || Money.Minor(major, invoice.Currency) is not (> 0 and var minor) || minor > invoice.AmountPaid)
            {
                problems["Amount"] = $"An amount such as {12.5m.ToString("F" + Money.Decimals(invoice.Currency), CultureInfo.InvariantCulture)}, at most {Money.Text(invoice.AmountPaid, invoice.Currency)} (what was paid); leave it empty to refund all that remains.";
                return null;
            }

            amount = minor;
        }

        var what = amount is { } part ? Money.Text(part, invoice.Currency) : "all that remains refundable";
        var consequence = $"{what} of invoice {invoice.Id} (paid {Money.Text(invoice.AmountPaid, invoice.Currency)} on {Day(invoice.Created)}) goes back to the customer's card through Stripe, never more than remains; the customer is emailed, and the subscription stays {customer.Subscription.State}.";
        return new(form.Action!, form.Reason!.Trim(), form, (_, _) => Task.FromResult(consequence), async (grain, context) => CommandOutcome.Of(
            await grain.Refund(new RefundRequest(invoice.Id, null, amount, form.Reason!.Trim(), false), context),
            refund => $"Refunded {Money.Text(refund.AmountMinor, refund.Currency)} of {invoice.Id} ({refund.RefundId}); {Money.Text(refund.RemainingMinor, refund.Currency)} remains refundable."));
    }

    private static CustomerAction? CheckGrant(CustomerActionForm form, CustomerSnapshot customer, DateTimeOffset now, Dictionary<string, string> problems)
    {
        var (kind, name) = form.Entitlement?.Split(':', 2) is [var k, var n] ? (k, n) : ("", "");
        var known = kind switch
        {
            "feature" => customer.Product.Plans.Any(p => p.Features.ContainsKey(name)),
            "limit" => customer.Product.Plans.Any(p => p.Limits.ContainsKey(name)),
            _ => false,
        };
        if (!known)
        {
            problems["Entitlement"] = "Choose one of the product's features or limits.";
        }

        bool? on = kind == "feature" ? form.Value switch { "on" => true, "off" => false, _ => null } : null;
        long? limit = kind == "limit" && long.TryParse(form.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
        if (known && on is null && limit is null)
        {
            problems["Value"] = kind == "feature" ? "On or off." : "A whole number, 0 or more.";
        }

        if (!DateOnly.TryParseExact(form.Until, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var until)
            || until.ToDateTime(TimeOnly.MinValue) < now.UtcDateTime.Date || until.Year > now.Year + 5)
        {
            problems["Until"] = "The last day it applies: today or later, within five years (overrides always end).";
        }

        if (problems.Count > 0)
        {
            return null;
        }

        var expires = new DateTimeOffset(until.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var what = on is { } value ? $"the feature {name} is {(value ? "on" : "off")}" : $"the limit {name} is {limit}";
        var consequence = $"Whatever the plan says, {what} for this customer until the end of {until:yyyy-MM-dd} (UTC); the product sees it in the entitlements at once.";
        return new(form.Action!, form.Reason!.Trim(), form, (_, _) => Task.FromResult(consequence), async (grain, context) => CommandOutcome.Of(
            await grain.GrantOverride(new OverrideRequest(on is null ? null : name, limit is null ? null : name, on, limit, form.Reason!.Trim(), expires), context),
            granted => $"Override {granted.Id}: {what} until {Day(granted.ExpiresAt.AddTicks(-1))}."));
    }

    private static CustomerAction? CheckRemove(CustomerActionForm form, CustomerSnapshot customer, bool confirming, Dictionary<string, string> problems)
    {
        var removed = customer.Entitlements.Overrides.FirstOrDefault(o => o.Id == form.OverrideId);
        if (removed is null && !(confirming && form.OverrideId is { Length: > 0 and <= 64 }))
        {
            problems["OverrideId"] = "That override is no longer in force.";
            return null;
        }

        var consequence = removed is null ? "" : $"The override of {removed.Feature ?? removed.Limit} ({removed.Value}, granted by {removed.Actor}) ends now: the plan's value applies again.";
        return new(form.Action!, form.Reason!.Trim(), form, (_, _) => Task.FromResult(consequence), async (grain, context) => CommandOutcome.Of(
            await grain.RemoveOverride(form.OverrideId!, context), gone => $"The override of {gone.Feature ?? gone.Limit} was removed."));
    }

    private static CustomerAction? CheckPause(CustomerActionForm form, CustomerSnapshot customer, Dictionary<string, string> problems)
    {
        var behavior = form.Behavior switch
        {
            "void" => PauseBehavior.Void,
            "keep_as_draft" => PauseBehavior.KeepAsDraft,
            "mark_uncollectible" => PauseBehavior.MarkUncollectible,
            _ => (PauseBehavior?)null,
        };
        if (behavior is not { } chosen)
        {
            problems["Behavior"] = "Choose what happens to invoices while paused.";
            return null;
        }

        var access = customer.Product.PausedKeepsAccess ? "the customer keeps access" : "access stops while paused";
        var invoices = chosen switch
        {
            PauseBehavior.Void => "invoices are voided (never charged)",
            PauseBehavior.KeepAsDraft => "invoices are kept as drafts, to charge after",
            _ => "invoices are marked uncollectible",
        };
        return Simple(form, customer, $"Collection pauses until resumed: {invoices}, and {access}.", (grain, context) => grain.Pause(new PauseRequest(chosen, null), context));
    }

    private static CustomerAction? CheckChangePlan(CustomerActionForm form, CustomerSnapshot customer, bool confirming, Dictionary<string, string> problems)
    {
        if (customer.Product.FindPlan(form.Plan) is not { } plan || (plan.PlanId == customer.Subscription.PlanId && !confirming))
        {
            problems["Plan"] = "Choose another of the product's plans.";
        }

        var proration = Array.IndexOf(ProrationNames, form.Proration) is >= 0 and var index ? (ProrationMode)index : (ProrationMode?)null;
        if (proration is null)
        {
            problems["Proration"] = "Choose how the change is charged.";
        }

        if (problems.Count > 0)
        {
            return null;
        }

        return new(form.Action!, form.Reason!.Trim(), form, Preview, async (grain, context) => CommandOutcome.Of(
            await grain.ChangePlan(form.Plan!, proration!.Value, context), view => $"Now on {view.PlanId}."));

        async Task<string> Preview(ISubscriptionGrain grain, CommandContext _)
        {
            var preview = await grain.PreviewPlanChange(form.Plan!, proration!.Value);
            if (preview.Value is not { } cost)
            {
                return $"Stripe could not preview the change ({preview.Error?.Message}); it may still be made.";
            }

            var now = cost.DueNowMinor > 0 ? $"{Money.Text(cost.DueNowMinor, cost.Currency)} is charged now" : "nothing is charged now";
            return $"Moves from {customer.Subscription.PlanId} to {cost.PlanId} at once: {now} (proration {Money.Text(cost.ProrationMinor, cost.Currency)}), and the next invoice is {Money.Text(cost.NextInvoiceMinor, cost.Currency)} on {Day(cost.NextInvoiceAt)}.";
        }
    }

    private static string Day(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";
}

/// <summary>What an action came to, in words for the page: done, or refused and why.</summary>
public sealed record CommandOutcome(bool Done, string Message, bool Replayed)
{
    public static CommandOutcome Of<T>(CommandResult<T> result, Func<T, string> done)
        where T : class =>
        result.Error is { } error ? new(false, error.Message, result.Replayed) : new(true, done(result.Value!), result.Replayed);
}
