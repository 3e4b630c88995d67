using Microsoft.AspNetCore.Http;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>
/// The test's own <c>/webhooks/stripe</c>: verifies every delivery with Stripe.net exactly as the service
/// would, records what arrived, and can be told to fail deliveries to exercise the sandbox's retries.
/// </summary>
public sealed class WebhookReceiver(string secret)
{
    private readonly Lock gate = new();
    private readonly List<Event> events = [];
    private readonly List<RawDelivery> raw = [];
    private readonly List<string> rejections = [];
    private int failuresLeft;
    private bool failAlways;
    private int attempts;

    /// <summary>Verified events in arrival order (duplicates included).</summary>
    public IReadOnlyList<Event> Events
    {
        get
        {
            lock (gate)
            {
                return [.. events];
            }
        }
    }

    /// <summary>Every verified delivery exactly as it arrived: body, signature header, and when (for an independent verifier).</summary>
    public IReadOnlyList<RawDelivery> RawDeliveries
    {
        get
        {
            lock (gate)
            {
                return [.. raw];
            }
        }
    }

    /// <summary>Deliveries whose signature or version did not verify.</summary>
    public IReadOnlyList<string> Rejections
    {
        get
        {
            lock (gate)
            {
                return [.. rejections];
            }
        }
    }

    /// <summary>Every POST received, failed or not.</summary>
    public int Attempts => Volatile.Read(ref attempts);

    public IReadOnlyList<string> Types => [.. Events.Select(e => e.Type)];

    /// <summary>Answers 500 to the next <paramref name="count"/> deliveries.</summary>
    public void FailNext(int count)
    {
        lock (gate)
        {
            failuresLeft = count;
        }
    }

    /// <summary>Answers 500 to every delivery until <see cref="Recover"/>.</summary>
    public void FailAlways()
    {
        lock (gate)
        {
            failAlways = true;
        }
    }

    public void Recover()
    {
        lock (gate)
        {
            failAlways = false;
            failuresLeft = 0;
        }
    }

    public IEnumerable<Event> OfType(string type) => Events.Where(e => e.Type == type);

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref attempts);
        using var reader = new StreamReader(context.Request.Body);
        var json = await reader.ReadToEndAsync(context.RequestAborted);
        var header = context.Request.Headers["Stripe-Signature"].ToString();
        lock (gate)
        {
            if (failAlways || failuresLeft > 0)
            {
                failuresLeft = Math.Max(0, failuresLeft - 1);
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            }

            try
            {
                var verified = EventUtility.ConstructEvent(json, header, secret);
                events.Add(verified);
                raw.Add(new RawDelivery(verified.Type, json, header, DateTimeOffset.UtcNow));
                return Results.Ok();
            }
            catch (StripeException exception)
            {
                rejections.Add(exception.Message);
                return Results.BadRequest();
            }
        }
    }
}

/// <summary>One webhook delivery as it arrived.</summary>
public sealed record RawDelivery(string Type, string Body, string Signature, DateTimeOffset ReceivedAt);
