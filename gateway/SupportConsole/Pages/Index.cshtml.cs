using Microsoft.AspNetCore.Mvc.RazorPages;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.SupportConsole.Pages;

/// <summary>The console's start page: who is signed in and what their role lets them do.</summary>
public sealed class IndexModel : PageModel
{
    public StaffCaller Caller { get; private set; } = null!;

    public string Rights => Caller.Role switch
    {
        StaffRole.Admin => "everything, including dunning policies, products, API keys and staff tokens.",
        StaffRole.Finance => "look up customers, overrides, cancel and resume, and refunds and reports.",
        _ => "look up customers, overrides, retry a payment, cancel and resume.",
    };

    public void OnGet() => Caller = ConsoleSignIn.CallerOf(User)!;
}
