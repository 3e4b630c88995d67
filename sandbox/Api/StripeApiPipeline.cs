using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OrleansBilling.Sandbox.State;
using OrleansBilling.Sandbox.Webhooks;

namespace OrleansBilling.Sandbox.Api;

/// <summary>
/// What every Stripe API call goes through, as at Stripe: test-key authentication, idempotency keys, the
/// handler under the state lock, the request log, the answer, then delivery of the caused events (or
/// delivery before the answer, see <see cref="SandboxOptions.DeliverBeforeAnswering"/>).
/// </summary>
internal sealed class StripeApiPipeline(
    SandboxState state, SandboxRequests log, WebhookSender webhooks, StripeResources resources, SandboxRateLimit rateLimit, IOptions<SandboxOptions> options)
{
    public async Task HandleAsync(HttpContext context, StripeParameterSpec spec, Func<StripeResources, StripeApiRequest, ApiOutcome> handler)
    {
        var request = context.Request;
        var requestId = StripeIds.New("req", 14);
        var method = request.Method;
        var path = ApiPath(request.Path.Value ?? "");
        var parameters = await StripeParameters.ReadAsync(request);
        var key = request.Headers["Idempotency-Key"].FirstOrDefault();
        context.Response.Headers["Request-Id"] = requestId;

        // Dated by the sandbox clock, as Stripe dates its answers by the clock its events' created comes from.
        context.Response.Headers.Date = state.Clock.GetUtcNow().ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        if (ApiKey(request) is not { } apiKey || !apiKey.StartsWith("sk_test_", StringComparison.Ordinal) || apiKey.Length <= "sk_test_".Length)
        {
            var message = ApiKey(request) is { Length: > 0 } given
                ? $"Invalid API Key provided: {Mask(given)}. The sandbox accepts test secret keys (sk_test_…) only."
                : "You did not provide an API key. Send it as 'Authorization: Bearer sk_test_…'.";
            var refusal = new StripeApiException(401, "invalid_request_error", message);
            Record(method, path, parameters, key, 401, requestId, replayed: false);
            await FinishAsync(context, 401, refusal.ToBody().ToJsonString());
            return;
        }

        if (rateLimit.Admit() is { } retryAfter)
        {
            var limited = new StripeApiException(429, "invalid_request_error",
                "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.", "rate_limit");
            Record(method, path, parameters, key, 429, requestId, replayed: false);
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await FinishAsync(context, 429, limited.ToBody().ToJsonString());
            return;
        }

        try
        {
            spec.Check(parameters);
        }
        catch (StripeApiException unknown)
        {
            Record(method, path, parameters, key, unknown.Status, requestId, replayed: false);
            await FinishAsync(context, unknown.Status, unknown.ToBody().ToJsonString());
            return;
        }

        IdempotencyEntry? entry = null;
        if (key is not null && HttpMethods.IsPost(method))
        {
            string? early = null;
            var earlyStatus = 0;
            var replayed = false;
            lock (state.Gate)
            {
                if (state.IdempotencyKeys.TryGetValue(key, out var first))
                {
                    if (!first.Matches(method, path, parameters))
                    {
                        earlyStatus = 400;
                        early = new StripeApiException(400, "idempotency_error", $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.").ToBody().ToJsonString();
                    }
                    else if (first.Status is null)
                    {
                        earlyStatus = 409;
                        early = new StripeApiException(409, "idempotency_error", $"There is currently another in-progress request using the idempotency key '{key}'. Try again later.", "idempotency_key_in_use").ToBody().ToJsonString();
                    }
                    else
                    {
                        earlyStatus = first.Status.Value;
                        early = first.Body;
                        replayed = true;
                    }
                }
                else
                {
                    entry = new IdempotencyEntry(method, path, parameters);
                    state.IdempotencyKeys[key] = entry;
                }
            }

            if (early is not null)
            {
                if (replayed)
                {
                    context.Response.Headers["Idempotent-Replayed"] = "true";
                }

                Record(method, path, parameters, key, earlyStatus, requestId, replayed);
                await FinishAsync(context, earlyStatus, early);
                return;
            }
        }

        var batch = new EventBatch(requestId, key);
        ApiOutcome outcome;
        try
        {
            lock (state.Gate)
            {
                state.PublicBaseUrl = $"{request.Scheme}://{request.Host}";
                outcome = handler(resources, new StripeApiRequest(method, path, parameters, request.RouteValues, batch));
            }
        }
        catch (StripeApiException refusal)
        {
            outcome = ApiOutcome.Refused(refusal, batch);
        }

        var body = outcome.Body.ToJsonString();
        if (entry is not null)
        {
            lock (state.Gate)
            {
                // Stripe saves a result once the call ran; a refusal of the parameters is not saved.
                if (outcome.Status is (>= 200 and < 300) or 402)
                {
                    entry.Status = outcome.Status;
                    entry.Body = body;
                }
                else
                {
                    state.IdempotencyKeys.Remove(key!);
                }
            }
        }

        Record(method, path, parameters, key, outcome.Status, requestId, replayed: false);

        if (options.Value.DeliverBeforeAnswering)
        {
            // The receiver may call back into this API while handling an event: no lock is held here.
            await webhooks.DeliverAsync(outcome.Events, CancellationToken.None);
            await FinishAsync(context, outcome.Status, body);
            return;
        }

        await FinishAsync(context, outcome.Status, body);
        webhooks.DeliverInBackground(outcome.Events);
    }

    /// <summary>The path as Stripe's API has it (<c>/v1/…</c>, <c>/v2/…</c>), without the sandbox's prefix.</summary>
    public static string ApiPath(string path)
    {
        var start = path.IndexOf("/v1/", StringComparison.Ordinal);
        if (start < 0)
        {
            start = path.IndexOf("/v2/", StringComparison.Ordinal);
        }

        return start >= 0 ? path[start..] : path;
    }

    /// <summary>The key or token of the <c>Authorization</c> header, Bearer or Basic as Stripe takes them.</summary>
    public static string? ApiKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                return decoded.Split(':')[0];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }

    private static string Mask(string key) => key.Length <= 8 ? "****" : key[..Math.Min(8, key.Length - 4)] + "****" + key[^4..];

    private void Record(string method, string path, StripeParameters parameters, string? key, int status, string requestId, bool replayed) =>
        log.Add(new SandboxRequest(state.Clock.GetUtcNow(), method, path, parameters.Flat, key, status, requestId, replayed), parameters);

    private static async Task FinishAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }
}
