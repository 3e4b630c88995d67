using Microsoft.AspNetCore.Mvc;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.SupportConsole.Pages;

/// <summary>
/// The console's start page: one search box across the portfolio (a product's customer id or its beginning, an email
/// address, Stripe's customer, subscription or invoice id). A single match opens the customer at once; the customers a
/// search lists are in the audit trail.
/// </summary>
public sealed class IndexModel(IGrainFactory grains, TimeProvider clock) : ConsolePage(grains, clock)
{
    public string Rights => Caller.Role switch
    {
        StaffRole.Admin => "everything, including dunning policies, products, API keys and staff tokens.",
        StaffRole.Finance => "look up customers, overrides, cancel and resume, and refunds and reports.",
        _ => "look up customers, overrides, retry a payment, cancel and resume.",
    };

    /// <summary>What was searched for, to show again; never an email address (responses carry none).</summary>
    public string? Query { get; private set; }

    public IReadOnlyList<CustomerMatch>? Matches { get; private set; }

    public string? SearchProblem { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>A search is posted, so what is searched for (an address, perhaps) stays out of URLs, history and logs.</summary>
    public async Task<IActionResult> OnPostAsync(string? q)
    {
        var query = q?.Trim();
        if (string.IsNullOrEmpty(query))
        {
            return Page();
        }

        Query = query.Contains('@', StringComparison.Ordinal) ? null : query;
        if (!ConsoleDataAdminApi.IsSearchQuery(query))
        {
            SearchProblem = "Search for at most 254 printable characters.";
            return Page();
        }

        Matches = await Grains.GetGrain<ICustomerSearchGrain>(0).Find(query, 50);
        await StaffAudit.SearchedAsync(Grains, Clock, Caller, query, Matches);
        return Matches is [var only]
            ? RedirectToPage("/Customer", new { productId = only.ProductId, customerId = only.CustomerId })
            : Page();
    }
}
