using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Webhooks;

/// <summary>
/// Delivers events at least once: each is POSTed signed, in order, by the call that caused it or in the
/// background once that call has answered; a failure is retried in the background with back-off in real
/// time (1 s, 2 s, 4 s …) up to <see cref="MostAttempts"/> tries. While held (<see cref="Hold"/>), events are kept
/// back and then sent all at once by <see cref="ReleaseAsync"/>, several at a time and in no particular order, as Stripe
/// delivers a backlog (the start of a month's renewals, the end of an outage on either side).
/// </summary>
internal sealed partial class WebhookSender(
    IHttpClientFactory clients,
    IOptions<SandboxOptions> options,
    WebhookTarget target,
    ILogger<WebhookSender> logger) : BackgroundService
{
    public const string HttpClientName = "OrleansBilling.Sandbox.Webhooks";
    public const int MostAttempts = 8;
    private const int ErrorsKept = 20;

    private readonly TimeProvider realTime = TimeProvider.System;
    private readonly Lock gate = new();
    private readonly PriorityQueue<WebhookDelivery, DateTimeOffset> retries = new();
    private readonly LinkedList<SandboxWebhookError> lastErrors = new();
    private readonly SemaphoreSlim wake = new(0);
    private List<EventRecord>? held;
    private Task backgroundDeliveries = Task.CompletedTask;
    private long delivered;
    private long failedForGood;

    /// <summary>First back-off; doubles per attempt. Tests of the retry loop may shorten it.</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public SandboxWebhookStatus Status()
    {
        lock (gate)
        {
            return new SandboxWebhookStatus(delivered, retries.Count, failedForGood, [.. lastErrors], held?.Count);
        }
    }

    /// <summary>Delivers in order; a failed event is queued for retry and the next one still goes out.</summary>
    public async Task DeliverAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (held is not null)
            {
                held.AddRange(events);
                return;
            }
        }

        foreach (var record in events)
        {
            var error = await SendAsync(record, cancellationToken);
            Settle(record, attempts: 1, error);
        }
    }

    /// <summary>Delivers in order after the events handed over before, without the caller waiting.</summary>
    public void DeliverInBackground(IReadOnlyList<EventRecord> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        lock (gate)
        {
            backgroundDeliveries = backgroundDeliveries
                .ContinueWith(_ => DeliverAsync(events, CancellationToken.None), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)
                .Unwrap();
        }
    }

    /// <summary>Keeps every event from now on back until <see cref="ReleaseAsync"/>; true if it was not held already.</summary>
    public bool Hold()
    {
        lock (gate)
        {
            if (held is not null)
            {
                return false;
            }

            held = [];
            return true;
        }
    }

    /// <summary>
    /// Ends <see cref="Hold"/>: sends every event kept back, <paramref name="concurrency"/> at a time, each once, and
    /// answers when each has had its first attempt; failures are retried with back-off as any other. The count sent.
    /// </summary>
    public async Task<int> ReleaseAsync(int concurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        List<EventRecord> backlog;
        lock (gate)
        {
            backlog = held ?? [];
            held = null;
        }

        // Not canceled with the caller: an event taken off the hold is delivered (or queued for a retry), never dropped.
        await Parallel.ForEachAsync(backlog, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (record, _) =>
        {
            var error = await SendAsync(record, CancellationToken.None);
            Settle(record, attempts: 1, error);
        });
        return backlog.Count;
    }

    /// <summary>One delivery with a fresh signature and no retry; true when answered 2xx.</summary>
    public async Task<bool> SendOnceAsync(EventRecord record, CancellationToken cancellationToken) =>
        await SendAsync(record, cancellationToken) is null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            WebhookDelivery? due = null;
            TimeSpan wait = Timeout.InfiniteTimeSpan;
            lock (gate)
            {
                if (retries.TryPeek(out _, out var at))
                {
                    var left = at - realTime.GetUtcNow();
                    if (left <= TimeSpan.Zero)
                    {
                        due = retries.Dequeue();
                    }
                    else
                    {
                        wait = left;
                    }
                }
            }

            if (due is null)
            {
                try
                {
                    // Woken early by a newly queued retry, which may be due sooner.
                    await wake.WaitAsync(wait, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            var error = await SendAsync(due.Event, stoppingToken);
            Settle(due.Event, due.Attempts + 1, error);
        }
    }

    private void Settle(EventRecord record, int attempts, string? error)
    {
        lock (gate)
        {
            if (error is null)
            {
                delivered++;
                record.MarkSettled();
                return;
            }

            lastErrors.AddFirst(new SandboxWebhookError(record.Id, record.Type, attempts, error, realTime.GetUtcNow()));
            if (lastErrors.Count > ErrorsKept)
            {
                lastErrors.RemoveLast();
            }

            if (attempts >= MostAttempts)
            {
                failedForGood++;
                record.MarkSettled();
                LogGaveUp(logger, record.Id, record.Type, attempts, error);
                return;
            }

            var backoff = FirstBackoff * Math.Pow(2, attempts - 1);
            retries.Enqueue(new WebhookDelivery(record, attempts, realTime.GetUtcNow() + backoff), realTime.GetUtcNow() + backoff);
            LogWillRetry(logger, record.Id, record.Type, attempts, backoff.TotalSeconds, error);
        }

        wake.Release();
    }

    /// <summary>Null when the receiver answered 2xx, else what went wrong.</summary>
    private async Task<string?> SendAsync(EventRecord record, CancellationToken cancellationToken)
    {
        try
        {
            var url = target.Resolve();
            using var request = new HttpRequestMessage(HttpMethod.Post, url);
            request.Content = new StringContent(record.Payload, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

            // Signed at delivery with real time, as the receiver checks t against its own clock.
            var unix = realTime.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.TryAddWithoutValidation("Stripe-Signature", WebhookSignature.Header(record.Payload, options.Value.WebhookSecret, unix));
            request.Headers.UserAgent.ParseAdd("Stripe/1.0 (+https://stripe.com/docs/webhooks)");
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return exception.Message;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox webhook {EventId} ({EventType}) failed on attempt {Attempts}; retrying in {Seconds} s: {Error}")]
    private static partial void LogWillRetry(ILogger logger, string eventId, string eventType, int attempts, double seconds, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sandbox webhook {EventId} ({EventType}) failed {Attempts} times and is given up: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string eventId, string eventType, int attempts, string error);
}
