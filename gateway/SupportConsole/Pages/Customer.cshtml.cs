using Microsoft.AspNetCore.Mvc;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Gateway.SupportConsole.Pages;

/// <summary>
/// One customer of one product: what they have and why, everything that happened, and the actions support and finance
/// take, each with a reason, a confirmation showing what it will do, and a key that makes a double click one action.
/// Opening the page is recorded in the audit trail (who looked at whom).
/// </summary>
[RequestSizeLimit(16 * 1024)]
[RequestFormLimits(ValueLengthLimit = 2048, ValueCountLimit = 24)]
public sealed class CustomerModel(IGrainFactory grains, TimeProvider clock) : ConsolePage(grains, clock)
{
    /// <summary>What each state means, in words support can say to a customer.</summary>
    public static readonly IReadOnlyDictionary<SubscriptionState, string> Meanings = new Dictionary<SubscriptionState, string>
    {
        [SubscriptionState.None] = "No subscription: the customer never completed a checkout.",
        [SubscriptionState.Incomplete] = "Checkout started and not completed: nothing was charged, no access yet.",
        [SubscriptionState.Trialing] = "In the free trial: full access, the first charge comes when the trial ends.",
        [SubscriptionState.Active] = "Paid and current: full access, renews at the period end.",
        [SubscriptionState.PastDue] = "A payment failed: access continues during the grace period while dunning retries and emails.",
        [SubscriptionState.Suspended] = "Dunning suspended access after failed payments: paying the open invoice restores it at once.",
        [SubscriptionState.Paused] = "Collection is paused: invoices are not charged until it resumes.",
        [SubscriptionState.Canceling] = "Canceled at the period end: access until then; it can still be resumed.",
        [SubscriptionState.Canceled] = "Ended: no access; a new checkout wins the customer back.",
    };

    public string ProductId { get; private set; } = "";

    public string CustomerId { get; private set; } = "";

    public ProductDefinition Product { get; private set; } = null!;

    public SubscriptionView Subscription { get; private set; } = null!;

    public EntitlementsView Entitlements { get; private set; } = null!;

    public DunningView Dunning { get; private set; } = null!;

    public IReadOnlyList<InvoiceView> Invoices { get; private set; } = [];

    /// <summary>Why the invoices could not be shown (Stripe out of reach), or null.</summary>
    public string? InvoicesUnavailable { get; private set; }

    public IReadOnlyList<HistoryEntry> History { get; private set; } = [];

    public IReadOnlyList<EmailView> Emails { get; private set; } = [];

    public IReadOnlyList<AuditRecord> Audit { get; private set; } = [];

    [BindProperty]
    public CustomerActionForm Form { get; set; } = new();

    /// <summary>The action checked and waiting for its confirmation, with what it will do.</summary>
    public (CustomerAction Action, string Consequence)? Pending { get; private set; }

    /// <summary>The form's problems by field.</summary>
    public IReadOnlyDictionary<string, string> Problems { get; private set; } = new Dictionary<string, string>();

    /// <summary>What the last action came to (after the redirect that follows it).</summary>
    [TempData]
    public string? Outcome { get; set; }

    [TempData]
    public bool OutcomeDone { get; set; }

    public async Task<IActionResult> OnGetAsync(string productId, string customerId)
    {
        if (await LoadAsync(productId, customerId) is { } missing)
        {
            return missing;
        }

        await StaffAudit.RecordAsync(Grains, Clock, Caller, "view-customer", ProductId, CustomerId, AuditOutcome.Viewed, null);
        return Page();
    }

    /// <summary>Checks the action and shows what it will do, with a new key for its confirmation.</summary>
    public async Task<IActionResult> OnPostReviewAsync(string productId, string customerId)
    {
        if (await LoadAsync(productId, customerId) is { } missing)
        {
            return missing;
        }

        if (Form.Action is { } name && CustomerActions.Needs.TryGetValue(name, out var needed) && !May(needed))
        {
            return await ForbiddenAsync(name, needed, ProductId, CustomerId);
        }

        var (action, problems) = CustomerAction.Check(Form, Snapshot(), Clock.GetUtcNow());
        if (action is null)
        {
            Problems = problems;
            return Page();
        }

        Form.Key = Guid.NewGuid().ToString("N");
        Pending = (action, await action.Consequence(Grain, CommandContext.Api));
        return Page();
    }

    /// <summary>Takes the confirmed action once (the key makes a second click the same one), then back to the page.</summary>
    public async Task<IActionResult> OnPostApplyAsync(string productId, string customerId)
    {
        if (await LoadAsync(productId, customerId) is { } missing)
        {
            return missing;
        }

        if (Form.Action is { } name && CustomerActions.Needs.TryGetValue(name, out var needed) && !May(needed))
        {
            return await ForbiddenAsync(name, needed, ProductId, CustomerId);
        }

        var (action, problems) = CustomerAction.Check(Form, Snapshot(), Clock.GetUtcNow(), confirming: true);
        if (action is null || Form.Key is not { Length: 32 } key || !key.All(char.IsAsciiHexDigitLower))
        {
            Problems = action is null ? problems : new Dictionary<string, string> { ["Action"] = "Review the action again before confirming it." };
            return Page();
        }

        var context = new CommandContext($"console:{key}", action.Fingerprint(), StaffPeople.Actor(Caller.Person), StaffAudit.Of(Caller, action.Name, action.Reason));
        var outcome = await action.Apply(Grain, context);
        (Outcome, OutcomeDone) = (outcome.Message, outcome.Done);
        return RedirectToPage(new { productId = ProductId, customerId = CustomerId });
    }

    private ISubscriptionGrain Grain => Grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey(ProductId, CustomerId));

    private CustomerSnapshot Snapshot() => new(ProductId, CustomerId, Product, Subscription, Entitlements, Invoices);

    /// <summary>Reads everything the page shows; a 404 problem for a malformed id, an unknown product or a customer never seen.</summary>
    private async Task<IActionResult?> LoadAsync(string productId, string customerId)
    {
        if (!BillingIds.IsValid(productId) || !BillingIds.IsValid(customerId)
            || await Grains.GetGrain<IProductGrain>(BillingIds.ProductKey(productId)).GetDefinition() is not { } product)
        {
            return NotFoundProblem($"No product '{productId}' with a customer '{customerId}'.");
        }

        (ProductId, CustomerId, Product) = (productId, customerId, product);
        var grain = Grain;
        Subscription = await grain.GetSubscription();
        if (Subscription is { State: SubscriptionState.None, Version: 0 })
        {
            return NotFoundProblem($"Product '{productId}' has no customer '{customerId}'.");
        }

        Entitlements = await grain.GetEntitlements();
        Dunning = await grain.GetDunning();
        History = await grain.GetHistory(null, 200);
        Emails = await grain.GetEmails();
        Audit = await Grains.GetGrain<IStaffAuditGrain>(0).Find(new AuditQuery(ProductId: productId, CustomerId: customerId, Limit: 50));
        var invoices = await grain.GetInvoices();
        (Invoices, InvoicesUnavailable) = (invoices.Value ?? [], invoices.Error?.Message);
        return null;
    }

    private IActionResult NotFoundProblem(string detail) => Problem(new ProblemDetails
    {
        Type = ProblemTypes.NotFound,
        Status = StatusCodes.Status404NotFound,
        Title = "No such customer",
        Detail = detail,
    });
}
