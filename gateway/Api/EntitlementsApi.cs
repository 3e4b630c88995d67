using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OrleansBilling.Gateway.Auth;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.Gateway.Telemetry;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Gateway.Api;

/// <summary>
/// "May this customer do this now?": one customer with an <c>ETag</c> (a hash of the answer, so
/// anything that changes the answer changes the tag), or up to 100 customers at once.
/// </summary>
public static class EntitlementsApi
{
    public const int MaxBatch = 100;

    /// <summary>
    /// The JSON and tag of answers seen before. A grain in this process hands out the very same
    /// (immutable) answer until it changes, so it is serialized and hashed once, not per request;
    /// an answer from a remote silo is a new object each time and is encoded each time.
    /// </summary>
    private static readonly ConditionalWeakTable<EntitlementsView, Encoded> EncodedAnswers = [];

    public static void MapEntitlementsApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/customers/{customerId}/entitlements", GetEntitlements)
            .WithName("GetEntitlements").WithSummary("What the customer may use now: features, limits, meters and overrides")
            .Produces<EntitlementsView>().Produces(StatusCodes.Status304NotModified);
        v1.MapPost("/entitlements:batch", GetBatch)
            .WithName("GetEntitlementsBatch").WithSummary($"Entitlements of up to {MaxBatch} customers at once")
            .Produces<EntitlementsBatchResult>();
    }

    private static async Task<IResult> GetEntitlements(
        string customerId, IGrainFactory grains, LocalEntitlements local, HttpContext http, IOptionsMonitor<EntitlementsOptions> options, GatewayMetrics metrics)
    {
        if (!BillingIds.IsValid(customerId))
        {
            return ApiProblems.InvalidId("customer id", customerId);
        }

        var view = await Answer(grains, local, http, customerId);
        var (body, etag) = EncodedAnswers.GetValue(view, Encode);
        var headers = http.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = options.CurrentValue.CacheControl;
        var notModified = Matches(http.Request, etag);
        metrics.EntitlementsRead(ProductCaller.Of(http).ProductId, notModified ? "not_modified" : "full");
        return notModified
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(body, "application/json");
    }

    private static async Task<IResult> GetBatch(EntitlementsBatchBody body, IGrainFactory grains, LocalEntitlements local, HttpContext http, GatewayMetrics metrics)
    {
        if (body.CustomerIds is not { Count: > 0 and <= MaxBatch } ids)
        {
            return ApiProblems.InvalidRequest("customerIds", $"Between 1 and {MaxBatch} customer ids.");
        }

        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (!BillingIds.IsValid(ids[i]))
            {
                errors[$"customerIds[{i}]"] = [$"A customer id must be {BillingIds.Rule}."];
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var views = await Task.WhenAll(distinct.Select(id => Answer(grains, local, http, id!)));
        metrics.EntitlementsRead(ProductCaller.Of(http).ProductId, "batch", views.Length);
        return Results.Ok(new EntitlementsBatchResult([.. distinct.Select((id, i) => new CustomerEntitlements(id!, views[i]))]));
    }

    private static Encoded Encode(EntitlementsView view)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(view, GatewayJsonContext.Default.EntitlementsView);
        return new Encoded(body, $"\"{XxHash128.HashToUInt128(body):x32}\"");
    }

    private sealed record Encoded(byte[] Body, string ETag);

    /// <summary>Whether <c>If-None-Match</c> names the current tag (or <c>*</c>); weak tags compare by value.</summary>
    private static bool Matches(HttpRequest request, string etag)
    {
        if (request.Headers.IfNoneMatch.Count == 0)
        {
            return false;
        }

        var current = new EntityTagHeaderValue(etag);
        return request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }

    /// <summary>The answer the customer's grain holds, when it is active in this silo (no call); else its answer, by a call.</summary>
    private static Task<EntitlementsView> Answer(IGrainFactory grains, LocalEntitlements local, HttpContext http, string customerId)
    {
        var key = BillingIds.SubscriptionKey(ProductCaller.Of(http).ProductId, customerId);
        return local.TryGet(key, out var held) ? Task.FromResult(held) : grains.GetGrain<ISubscriptionGrain>(key).GetEntitlements();
    }
}
