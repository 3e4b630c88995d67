using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.Admin;

/// <summary>The audit trail (admins) and the search across the portfolio (all staff), as the console has them.</summary>
public static class ConsoleDataAdminApi
{
    public static void MapConsoleData(this RouteGroupBuilder admin)
    {
        admin.MapGet("/audit", Audit)
            .WithName("ListAuditTrail")
            .WithSummary("The audit trail of staff actions and reads, newest first, filtered by person, product, customer and action; page with before")
            .RequiresStaff(StaffRole.Admin)
            .Produces<IReadOnlyList<AuditRecord>>();
        admin.MapGet("/customers", Search)
            .WithName("SearchCustomers")
            .WithSummary("Find customers across the portfolio by the product's customer id (or its beginning), email address, or Stripe customer, subscription or invoice id; addresses come back masked; the customers listed are in the audit trail")
            .Produces<IReadOnlyList<CustomerMatch>>();
    }

    /// <summary>Checks an audit query's filters: the problems, or the query.</summary>
    public static (AuditQuery? Query, IResult? Problem) AuditQueryOf(string? person, string? product, string? customer, string? action, long? before, int? limit)
    {
        var errors = new Dictionary<string, string[]>();
        if (person is not null && !StaffPeople.IsValidName(person) && person != StaffPeople.Bootstrap)
        {
            errors["person"] = [$"A person is {StaffPeople.NameRule}."];
        }

        foreach (var (name, id) in new[] { ("product", product), ("customer", customer) })
        {
            if (id is not null && !BillingIds.IsValid(id))
            {
                errors[name] = [$"A {name} id: {BillingIds.Rule}."];
            }
        }

        if (action is not null && (action.Length is 0 or > 64 || !action.All(c => char.IsAsciiLetterLower(c) || c == '-')))
        {
            errors["action"] = ["An action's name: lower-case letters and '-', such as refund or grant-override."];
        }

        if (before is < 1)
        {
            errors["before"] = ["The sequence of the last record of the page before: 1 or more."];
        }

        if (limit is < 1 or > 500)
        {
            errors["limit"] = ["Between 1 and 500."];
        }

        return errors.Count > 0 ? (null, ApiProblems.InvalidRequest(errors)) : (new AuditQuery(person, product, customer, action, before, limit ?? 100), null);
    }

    private static async Task<IResult> Audit(string? person, string? product, string? customer, string? action, long? before, int? limit, IGrainFactory grains)
    {
        var (query, problem) = AuditQueryOf(person, product, customer, action, before, limit);
        return query is null ? problem! : Results.Ok(await grains.GetGrain<IStaffAuditGrain>(0).Find(query));
    }

    /// <summary>What the search box takes: 1 to 254 printable characters (an address is at most 254).</summary>
    public static bool IsSearchQuery([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? q) =>
        q is not null && q.Trim().Length is > 0 and <= 254 && !q.Any(char.IsControl);

    private static async Task<IResult> Search(string? q, int? limit, IGrainFactory grains, TimeProvider clock, HttpContext http)
    {
        if (!IsSearchQuery(q))
        {
            return ApiProblems.InvalidRequest("q", "What to look for: 1 to 254 printable characters (a customer id or its beginning, an email address, or a Stripe cus_, sub_ or in_ id).");
        }

        if (limit is < 1 or > 100)
        {
            return ApiProblems.InvalidRequest("limit", "Between 1 and 100.");
        }

        var found = await grains.GetGrain<ICustomerSearchGrain>(0).Find(q, limit ?? 20);
        await StaffAudit.SearchedAsync(grains, clock, StaffCaller.Of(http), q.Trim(), found);
        return Results.Ok(found);
    }
}
