using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.Tests.Sandbox;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// Bounded load through a gateway, as products and Stripe send it: batches of usage events (a product
/// retries a batch that was not answered 2xx, with the same idempotency keys) and signed Stripe events
/// (<c>invoice.finalized</c> of a new invoice each, delivered again until answered 2xx, as Stripe does).
/// Remembers what was acknowledged, and every answer by second, so a test can check that nothing
/// acknowledged was lost or applied twice and say what clients saw while a silo died or restarted.
/// </summary>
public sealed class FailoverLoad
{
    private const int UsageBatch = 10;
    private const int MaxAttempts = 200;
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    private readonly Uri gateway;
    private readonly IReadOnlyList<(string Customer, string Subscription)> customers;
    private readonly ConcurrentDictionary<string, string> usageAcknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> eventsAcknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(long Second, int Status), int> answers = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> workers = [];

    public FailoverLoad(Uri gateway, IReadOnlyList<(string Customer, string Subscription)> customers)
    {
        this.gateway = gateway;
        this.customers = customers;
    }

    /// <summary>Usage keys answered 2xx (Accepted or Duplicate), and the customer each is for.</summary>
    public IReadOnlyDictionary<string, string> UsageAcknowledged => usageAcknowledged;

    /// <summary>Stripe event ids answered 2xx, and the customer each is about.</summary>
    public IReadOnlyDictionary<string, string> EventsAcknowledged => eventsAcknowledged;

    /// <summary>Seconds since the load was made.</summary>
    public double Now => clock.Elapsed.TotalSeconds;

    private int givenUp;

    /// <summary>Requests given up on after <see cref="MaxAttempts"/> (a test expects none).</summary>
    public int GivenUp => givenUp;

    public void Start(int workerCount)
    {
        for (var worker = 0; worker < workerCount; worker++)
        {
            var id = worker;
            workers.Add(Task.Run(() => RunAsync(id)));
        }
    }

    public async Task StopAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync();
        }

        await Task.WhenAll(workers);
    }

    /// <summary>Answers that were not 2xx (status 0: no answer at all) to requests sent between two moments, by status.</summary>
    public IReadOnlyDictionary<int, int> Failures(double from = 0, double to = double.MaxValue) =>
        answers.Where(a => a.Key.Status is < 200 or >= 300 && a.Key.Second >= from && a.Key.Second < to)
            .GroupBy(a => a.Key.Status).ToDictionary(g => g.Key, g => g.Sum(a => a.Value));

    /// <summary>Requests sent between two moments and answered 2xx, per second (usage batches count their events).</summary>
    public double Rate(double from, double to) =>
        to <= from ? 0 : answers.Where(a => a.Key.Status is >= 200 and < 300 && a.Key.Second >= from && a.Key.Second < to).Sum(a => a.Value) / (to - from);

    /// <summary>The last second in which any request failed; null when none did.</summary>
    public double? LastFailureAt => answers.Keys.Where(k => k.Status is < 200 or >= 300).Select(k => (double?)k.Second).Max();

    private async Task RunAsync(int worker)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(40) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Pods.ApiKey);
        var random = new Random(worker);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            if (n % 2 == 0)
            {
                await UsageAsync(http, random, $"fo-{worker}-{n}");
            }
            else
            {
                await WebhookAsync(http, customers[random.Next(customers.Count)], $"{worker}_{n}");
            }
        }
    }

    private async Task UsageAsync(HttpClient http, Random random, string prefix)
    {
        var events = Enumerable.Range(0, UsageBatch).Select(k => (Customer: customers[random.Next(customers.Count)].Customer, Key: $"{prefix}-{k}")).ToList();
        var body = new { events = events.Select(e => new { customerId = e.Customer, meter = "api_calls", quantity = 1, idempotencyKey = e.Key }) };
        await UntilAnsweredAsync(UsageBatch, async () =>
        {
            using var response = await http.PostAsJsonAsync("/v1/usage", body);
            if (response.IsSuccessStatusCode)
            {
                var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().ToList();
                foreach (var (result, sent) in results.Zip(events))
                {
                    if (result.GetProperty("outcome").GetString() is "Accepted" or "Duplicate")
                    {
                        usageAcknowledged[sent.Key] = sent.Customer;
                    }
                }
            }

            return (int)response.StatusCode;
        });
    }

    private async Task WebhookAsync(HttpClient http, (string Customer, string Subscription) customer, string suffix)
    {
        var id = $"evt_fo_{suffix}";
        var json = StripeEvents.Json(id, "invoice.finalized", StripeEvents.Invoice($"in_fo_{suffix}", customer.Subscription, "demo", customer.Customer), DateTimeOffset.UtcNow);
        await UntilAnsweredAsync(1, async () =>
        {
            using var response = await http.DeliverAsync(json, StripeEvents.Signature(json, SandboxHost.Secret, DateTimeOffset.UtcNow), CancellationToken.None);
            if (response.IsSuccessStatusCode)
            {
                eventsAcknowledged[id] = customer.Customer;
            }

            return (int)response.StatusCode;
        });
    }

    /// <summary>Sends until answered 2xx, counting every answer; a request under way is finished even after the stop.</summary>
    private async Task UntilAnsweredAsync(int weight, Func<Task<int>> send)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // Counted in the second it was sent: a request sent before a restart and answered during it is not the restart's.
            var sentAt = (long)Now;
            int status;
            try
            {
                status = await send();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                status = 0;
            }

            answers.AddOrUpdate((sentAt, status), status is >= 200 and < 300 ? weight : 1, (_, count) => count + (status is >= 200 and < 300 ? weight : 1));
            if (status is >= 200 and < 300)
            {
                return;
            }

            await Task.Delay(RetryPause);
        }

        Interlocked.Increment(ref givenUp);
    }
}
