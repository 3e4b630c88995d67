using System.Text;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.Admin;

/// <summary>
/// Writing the audit trail from the gateway. An action on a customer's record is audited by the record itself, in the
/// same write as its decision (<see cref="Of"/> puts the person on the command); what the gateway writes is the rest:
/// reads of a customer's data, refusals for the role, and actions outside a customer's record, as an
/// <see cref="AuditOutcome.Attempted"/> line before acting and the outcome after, so none goes unrecorded.
/// </summary>
public static class StaffAudit
{
    /// <summary>The person on a command to a customer's record, for its audit line.</summary>
    public static StaffAction Of(StaffCaller caller, string action, string? reason) => new(caller.Person, caller.Role, action, reason);

    /// <summary>Appends one line now.</summary>
    public static Task RecordAsync(
        IGrainFactory grains, TimeProvider clock, StaffCaller caller, string action, string? productId, string? customerId, AuditOutcome outcome, string? detail, string? reason = null)
    {
        var now = clock.GetUtcNow();
        return grains.GetGrain<IStaffAuditGrain>(0).Record(
            new AuditRecord(AuditRecord.NewId(), now, caller.Person, caller.Role, action, productId, customerId, reason, outcome, detail));
    }

    /// <summary>
    /// An action outside a customer's record: an <see cref="AuditOutcome.Attempted"/> line, the action, then its outcome
    /// (<paramref name="outcome"/> says whether it was done and what came of it), so none goes unrecorded.
    /// </summary>
    public static async Task<T> AttemptAsync<T>(
        IGrainFactory grains, TimeProvider clock, StaffCaller caller, string action, string? productId, string? reason, string target,
        Func<Task<T>> act, Func<T, (bool Done, string Detail)> outcome)
    {
        await RecordAsync(grains, clock, caller, action, productId, null, AuditOutcome.Attempted, target, reason);
        var result = await act();
        var (done, detail) = outcome(result);
        await RecordAsync(grains, clock, caller, action, productId, null, done ? AuditOutcome.Succeeded : AuditOutcome.Refused, $"{target}: {detail}", reason);
        return result;
    }

    /// <summary>
    /// A search, as who looked at whom: the customers it listed (and what was searched for, unless it was an email
    /// address, which the trail never holds).
    /// </summary>
    public static Task SearchedAsync(IGrainFactory grains, TimeProvider clock, StaffCaller caller, string query, IReadOnlyList<CustomerMatch> found) =>
        RecordAsync(
            grains, clock, caller, "search-customers", null, null, AuditOutcome.Viewed,
            $"{(query.Contains('@', StringComparison.Ordinal) ? "an email address" : $"'{query}'")} listed {found.Count}"
            + (found.Count > 0 ? $": {string.Join(", ", found.Select(m => $"{m.ProductId}/{m.CustomerId}"))}" : ""));

    /// <summary>The action an admin endpoint is audited as: its name (<see cref="ActionName"/>).</summary>
    public static string ActionOf(Endpoint endpoint) => ActionName(endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "admin-call");

    /// <summary>An endpoint's name as an action: <c>GrantOverride</c> becomes <c>grant-override</c>.</summary>
    public static string ActionName(string endpointName)
    {
        var name = new StringBuilder(endpointName.Length + 4);
        foreach (var c in endpointName)
        {
            if (char.IsUpper(c) && name.Length > 0)
            {
                name.Append('-');
            }

            name.Append(char.ToLowerInvariant(c));
        }

        return name.ToString();
    }

    /// <summary>What an answer's status means for the trail.</summary>
    public static AuditOutcome OutcomeOf(int status) => status switch
    {
        >= 200 and < 300 => AuditOutcome.Succeeded,
        StatusCodes.Status403Forbidden => AuditOutcome.Forbidden,
        _ => AuditOutcome.Refused,
    };
}

/// <summary>Endpoint metadata: the customer's record audits this action itself (<see cref="StaffAudit.Of"/>); the filter adds nothing.</summary>
public sealed record AuditedByRecord;

/// <summary>
/// Audits the admin API: a read of one customer's data as <see cref="AuditOutcome.Viewed"/> once answered; a change
/// outside a customer's record as <see cref="AuditOutcome.Attempted"/> before and its outcome after.
/// </summary>
public sealed class StaffAuditFilter(IGrainFactory grains, TimeProvider clock) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetEndpoint() is not { } endpoint || endpoint.Metadata.GetMetadata<AuditedByRecord>() is not null
            || http.Features.Get<StaffCaller>() is not { } caller)
        {
            return await next(context);
        }

        var action = StaffAudit.ActionOf(endpoint);
        var productId = http.Request.RouteValues["productId"] as string;
        var customerId = http.Request.RouteValues["customerId"] as string;
        if (HttpMethods.IsGet(http.Request.Method))
        {
            var answer = await next(context);
            if (customerId is not null && StatusOf(answer, http) is >= 200 and < 300)
            {
                await StaffAudit.RecordAsync(grains, clock, caller, action, productId, customerId, AuditOutcome.Viewed, null);
            }

            return answer;
        }

        await StaffAudit.RecordAsync(grains, clock, caller, action, productId, customerId, AuditOutcome.Attempted, Target(http));
        var result = await next(context);
        var status = StatusOf(result, http);
        await StaffAudit.RecordAsync(grains, clock, caller, action, productId, customerId, StaffAudit.OutcomeOf(status), $"{Target(http)} answered {status}");
        return result;
    }

    /// <summary>The ids in the path that are not the product's or the customer's (a key, a token, an event).</summary>
    private static string? Target(HttpContext http) =>
        string.Join(", ", http.Request.RouteValues.Where(v => v.Key is not ("productId" or "customerId") && v.Value is string).Select(v => $"{v.Key}={v.Value}")) is { Length: > 0 } ids
            ? ids
            : null;

    private static int StatusOf(object? result, HttpContext http) =>
        result is IStatusCodeHttpResult { StatusCode: { } status } ? status : http.Response.StatusCode;
}
