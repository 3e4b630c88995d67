using Microsoft.AspNetCore.Mvc;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.SupportConsole.Pages;

/// <summary>
/// The console's start page: one search box across the portfolio (a product's customer id or its beginning, an email
/// address, Stripe's customer, subscription or invoice id). A single match opens the customer at once.
/// </summary>
public sealed class IndexModel(IGrainFactory grains, TimeProvider clock) : ConsolePage(grains, clock)
{
    public string Rights => Caller.Role switch
    {
        StaffRole.Admin => "everything, including dunning policies, products, API keys and staff tokens.",
        StaffRole.Finance => "look up customers, overrides, cancel and resume, and refunds and reports.",
        _ => "look up customers, overrides, retry a payment, cancel and resume.",
    };

    public string? Query { get; private set; }

    public IReadOnlyList<CustomerMatch>? Matches { get; private set; }

    public string? SearchProblem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? q)
    {
        Query = q?.Trim();
        if (string.IsNullOrEmpty(Query))
        {
            return Page();
        }

        if (Query.Length > 254 || Query.Any(char.IsControl))
        {
            SearchProblem = "Search for at most 254 printable characters.";
            return Page();
        }

        Matches = await Grains.GetGrain<ICustomerSearchGrain>(0).Find(Query, 50);
        return Matches is [var only]
            ? RedirectToPage("/Customer", new { productId = only.ProductId, customerId = only.CustomerId })
            : Page();
    }
}
