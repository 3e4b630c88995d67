using Microsoft.AspNetCore.Mvc;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.Gateway.Auth;
using OrleansBilling.Gateway.Validation;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Webhooks;

namespace OrleansBilling.Gateway.SupportConsole.Pages;

/// <summary>
/// Running the service: the anomalies (Stripe events the lifecycle refused or could not read) with a re-run after a
/// fix; each product's plans, its dunning policy's versions and the timeline a failing customer would follow; its API
/// keys, issued, rotated and revoked by admins. Every change is in the audit trail, attempted and then done or refused.
/// </summary>
[RequestSizeLimit(8 * 1024)]
[RequestFormLimits(ValueLengthLimit = 1024, ValueCountLimit = 12)]
public sealed class OperateModel(IGrainFactory grains, TimeProvider clock, ProductApiKeyDirectory directory) : ConsolePage(grains, clock)
{
    public IReadOnlyList<AnomalyView> Anomalies { get; private set; } = [];

    public IReadOnlyList<string> ProductIds { get; private set; } = [];

    public ProductDefinition? Product { get; private set; }

    public IReadOnlyList<DunningPolicyVersion> Policies { get; private set; } = [];

    public IReadOnlyList<DunningStepView> Preview { get; private set; } = [];

    public IReadOnlyList<ApiKeyView> Keys { get; private set; } = [];

    /// <summary>A key just issued: shown on this answer only.</summary>
    public IssuedApiKey? NewKey { get; private set; }

    [TempData]
    public string? Outcome { get; set; }

    public string? FormProblem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? product) => await LoadAsync(product) ?? Page();

    public async Task<IActionResult> OnPostRerunAsync(string? eventId, string? reason)
    {
        if (!May(StaffRole.Admin))
        {
            return await ForbiddenAsync("rerun-stripe-event", StaffRole.Admin, null, null);
        }

        if (!StripeWebhookReader.IsEventId(eventId) || !TextRules.IsPrintable(reason?.Trim(), 500))
        {
            return await RefuseAsync(null, "Give the event's id (evt_…) and a reason.");
        }

        var outcome = await StaffAudit.AttemptAsync(
            Grains, Clock, Caller, "rerun-stripe-event", null, reason!.Trim(), $"eventId={eventId}",
            () => Grains.GetGrain<IStripeEventGrain>(StripeWebhook.InboxKeyOf(eventId!)).Rerun(StaffPeople.Actor(Caller.Person)),
            o => o is null ? (false, "no such event") : (true, $"{o.Outcome}{(o.Detail is { } detail ? $" ({detail})" : "")}"));
        Outcome = outcome is null ? $"No Stripe event {eventId} is stored." : $"Re-ran {eventId}: {outcome.Outcome}{(outcome.Detail is { } d ? $" ({d})" : "")}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostIssueKeyAsync(string? product, string? reason)
    {
        if (await KeyActionAsync("issue-api-key", product, reason) is { } refused)
        {
            return refused;
        }

        NewKey = await StaffAudit.AttemptAsync(
            Grains, Clock, Caller, "issue-api-key", product, reason!.Trim(), $"product={product}",
            () => ProductGrain(product!).IssueApiKey(StaffPeople.Actor(Caller.Person)), issued => (true, $"key {issued.Id}"));
        directory.Invalidate();
        return await LoadAsync(product) ?? Page();
    }

    public async Task<IActionResult> OnPostRotateKeyAsync(string? product, string? keyId, int? overlapHours, string? reason)
    {
        if (await KeyActionAsync("rotate-api-key", product, reason) is { } refused)
        {
            return refused;
        }

        if (overlapHours is not (>= 0 and <= 720) || keyId is not { Length: > 0 and <= 64 })
        {
            return await RefuseAsync(product, "Choose a key, and an overlap of 0 to 720 hours.");
        }

        NewKey = await StaffAudit.AttemptAsync(
            Grains, Clock, Caller, "rotate-api-key", product, reason!.Trim(), $"keyId={keyId}, overlap={overlapHours}h",
            () => ProductGrain(product!).RotateApiKey(keyId, TimeSpan.FromHours(overlapHours.Value), StaffPeople.Actor(Caller.Person)),
            issued => issued is null ? (false, "no such working key") : (true, $"new key {issued.Id}"));
        directory.Invalidate();
        return NewKey is null ? await RefuseAsync(product, $"No working key {keyId}.") : await LoadAsync(product) ?? Page();
    }

    public async Task<IActionResult> OnPostRevokeKeyAsync(string? product, string? keyId, bool understood, string? reason)
    {
        if (await KeyActionAsync("revoke-api-key", product, reason) is { } refused)
        {
            return refused;
        }

        if (!understood || keyId is not { Length: > 0 and <= 64 })
        {
            return await RefuseAsync(product, "Tick that the product's calls with this key stop at once.");
        }

        var revoked = await StaffAudit.AttemptAsync(
            Grains, Clock, Caller, "revoke-api-key", product, reason!.Trim(), $"keyId={keyId}",
            () => ProductGrain(product!).RevokeApiKey(keyId, StaffPeople.Actor(Caller.Person)), done => (done, done ? "revoked" : "no such working key"));
        directory.Invalidate();
        Outcome = revoked ? $"Revoked {keyId}: calls with it are refused now." : $"No working key {keyId}.";
        return RedirectToPage(new { product });
    }

    /// <summary>An API key change needs an admin, a known product and a reason.</summary>
    private Task<IActionResult?> KeyActionAsync(string action, string? product, string? reason) => RefusedChangeAsync(action, product, reason, RefuseAsync);

    private async Task<IActionResult> RefuseAsync(string? product, string problem)
    {
        FormProblem = problem;
        return await LoadAsync(BillingIds.IsValid(product) ? product : null) ?? Page();
    }

    private IProductGrain ProductGrain(string product) => Grains.GetGrain<IProductGrain>(BillingIds.ProductKey(product));

    private async Task<IActionResult?> LoadAsync(string? product)
    {
        Anomalies = await Grains.GetGrain<IAnomalyLogGrain>(0).Recent(50);
        ProductIds = await KnownProductsAsync();
        if (product is null)
        {
            return null;
        }

        if (await DefinitionOfAsync(product) is not { } definition)
        {
            return UnknownProduct(product);
        }

        Product = definition;
        Policies = await ProductGrain(product).GetDunningPolicies();
        Preview = await ProductGrain(product).PreviewDunning(Clock.GetUtcNow());
        Keys = May(StaffRole.Admin) ? await ProductGrain(product).ListApiKeys() : [];
        return null;
    }
}
