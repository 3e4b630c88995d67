using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.SupportConsole;

/// <summary>A console page: who is signed in, what they may do, and the refusal when their role is too small.</summary>
public abstract class ConsolePage(IGrainFactory grains, TimeProvider clock) : PageModel
{
    protected IGrainFactory Grains => grains;

    protected TimeProvider Clock => clock;

    /// <summary>The member of staff signed in (every console page but sign-in requires one).</summary>
    public StaffCaller Caller => ConsoleSignIn.CallerOf(User) ?? throw new InvalidOperationException("A console page ran without a signed-in member of staff.");

    /// <summary>Customers' data and new keys are never kept in a browser's or a proxy's cache.</summary>
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context) => Response.Headers.CacheControl = "no-store";

    /// <summary>The products the service knows: those with API keys in the key directory (every configured product has one).</summary>
    protected async Task<IReadOnlyList<string>> KnownProductsAsync()
    {
        var keys = await grains.GetGrain<GrainInterfaces.Products.IApiKeyDirectoryGrain>(GrainInterfaces.Products.IApiKeyDirectoryGrain.Key).Snapshot(0);
        return [.. (keys?.Bindings ?? []).Select(b => b.ProductId).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>The definition of <paramref name="product"/> when it is a configured product; else null.</summary>
    protected async Task<GrainInterfaces.Catalog.ProductDefinition?> DefinitionOfAsync(string? product) =>
        GrainInterfaces.BillingIds.IsValid(product) ? await grains.GetGrain<GrainInterfaces.Products.IProductGrain>(GrainInterfaces.BillingIds.ProductKey(product)).GetDefinition() : null;

    /// <summary>The 404 problem page for a product that is not configured.</summary>
    protected IActionResult UnknownProduct(string product) =>
        Problem(new ProblemDetails { Type = ProblemTypes.UnknownProduct, Status = StatusCodes.Status404NotFound, Title = "Unknown product", Detail = $"Product '{product}' is not configured." });

    /// <summary>
    /// Why an admin's change of a product's settings may not go ahead (the role, an unknown product, a missing reason), as
    /// the answer to give: <paramref name="refuse"/> shows the page again with the problem. Null when it may.
    /// </summary>
    protected async Task<IActionResult?> RefusedChangeAsync(string action, string? product, string? reason, Func<string?, string, Task<IActionResult>> refuse)
    {
        if (!May(StaffRole.Admin))
        {
            return await ForbiddenAsync(action, StaffRole.Admin, product, null);
        }

        if (await DefinitionOfAsync(product) is null)
        {
            return await refuse(null, $"No product '{product}'.");
        }

        return Validation.TextRules.IsPrintable(reason?.Trim(), 500) ? null : await refuse(product, "Say why, in at most 500 characters: it goes into the audit trail.");
    }

    /// <summary>Whether the person signed in has at least <paramref name="role"/>.</summary>
    public bool May(StaffRole role) => Caller.Role >= role;

    /// <summary>The 403 problem page for an action the role does not allow, recorded in the audit trail first.</summary>
    protected async Task<IActionResult> ForbiddenAsync(string action, StaffRole needed, string? productId, string? customerId)
    {
        var role = needed.ToString().ToLowerInvariant();
        await StaffAudit.RecordAsync(grains, clock, Caller, action, productId, customerId, AuditOutcome.Forbidden, $"needs the {role} role");
        return Problem(new ProblemDetails
        {
            Type = ProblemTypes.Forbidden,
            Status = StatusCodes.Status403Forbidden,
            Title = "Forbidden",
            Detail = $"This needs the {role} role; {Caller.Person} has {Caller.Role.ToString().ToLowerInvariant()}.",
        });
    }

    /// <summary>A problem as a page of its own, with its status.</summary>
    protected IActionResult Problem(ProblemDetails problem) => new PartialViewResult
    {
        ViewName = "_Problem",
        ViewData = new ViewDataDictionary<ProblemDetails>(ViewData, problem),
        StatusCode = problem.Status,
    };
}
