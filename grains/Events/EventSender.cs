using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using StandardWebhooks;

namespace OrleansBilling.Grains.Events;

/// <summary>
/// Posts one event to one endpoint, signed as the Standard Webhooks specification says: <c>webhook-id</c> (the event's id),
/// <c>webhook-timestamp</c> (when it is sent, in real time, whatever the billing clock says: a receiver compares it with its own
/// clock) and <c>webhook-signature</c>, one <c>v1,</c> signature per signing secret (both during a rotation). 2xx is delivered;
/// anything else, a timeout or a refused connection is a failure.
/// </summary>
public sealed class EventSender(IHttpClientFactory http, IOptions<EventDeliveryOptions> options)
{
    public const string HttpClientName = "product-events";

    /// <summary>
    /// Sends each customer's events one after another, stopping at the first that fails (the rest wait behind it), customers
    /// at once. Each send goes on where the previous answer arrived: the grain that asks is resumed once, when all are done,
    /// rather than given a turn per answer (each turn a work item of the thread pool).
    /// </summary>
    public async Task<IReadOnlyList<(PendingDelivery Delivery, SendResult Result)>> SendInOrderAsync(
        string url, IEnumerable<IEnumerable<PendingDelivery>> customers, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var sent = await Task.WhenAll(customers.Select(async events =>
        {
            var results = new List<(PendingDelivery Delivery, SendResult Result)>();
            foreach (var d in events)
            {
                var result = await SendAsync(url, d.EventId, d.Payload, secrets, cancellationToken).ConfigureAwait(false);
                results.Add((d, result));
                if (!result.Delivered)
                {
                    break;
                }
            }

            return results;
        })).ConfigureAwait(false);
        return [.. sent.SelectMany(r => r)];
    }

    public async Task<SendResult> SendAsync(string url, string eventId, string payload, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var sentAt = TimeProvider.System.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", eventId);
        request.Headers.Add("webhook-timestamp", sentAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", string.Join(' ', secrets.Select(secret => new StandardWebhook(secret).Sign(eventId, sentAt, payload))));

        var timeout = options.Value.AttemptTimeout;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return new SendResult(status, Elapsed(started), response.IsSuccessStatusCode, response.IsSuccessStatusCode ? null : $"HTTP {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult(null, Elapsed(started), false, $"No answer within {timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            return new SendResult(null, Elapsed(started), false, ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
        }
    }

    private static int Elapsed(long started) => (int)Math.Min(Stopwatch.GetElapsedTime(started).TotalMilliseconds, int.MaxValue);
}

/// <summary>How one post ended: the status (null without an answer), how long it took, whether it was 2xx, and why not.</summary>
public sealed record SendResult(int? StatusCode, int LatencyMs, bool Delivered, string? Error);
