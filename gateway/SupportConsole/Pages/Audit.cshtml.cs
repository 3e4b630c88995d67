using Microsoft.AspNetCore.Mvc;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.SupportConsole.Pages;

/// <summary>The audit trail for admins: every staff action and read, newest first, filtered by person, product, customer and action.</summary>
public sealed class AuditModel(IGrainFactory grains, TimeProvider clock) : ConsolePage(grains, clock)
{
    public const int PageSize = 100;

    public IReadOnlyList<AuditRecord> Records { get; private set; } = [];

    public AuditQuery Query { get; private set; } = new();

    public async Task<IActionResult> OnGetAsync(string? person, string? product, string? customer, string? action, long? before)
    {
        if (!May(StaffRole.Admin))
        {
            return await ForbiddenAsync("list-audit-trail", StaffRole.Admin, null, null);
        }

        var (query, problem) = ConsoleDataAdminApi.AuditQueryOf(Blank(person), Blank(product), Blank(customer), Blank(action), before, PageSize);
        if (query is null)
        {
            return new ResultAdapter(problem!);
        }

        Query = query;
        Records = await Grains.GetGrain<IStaffAuditGrain>(0).Find(query);
        return Page();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
