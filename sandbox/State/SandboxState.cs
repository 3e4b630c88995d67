using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace OrleansBilling.Sandbox.State;

/// <summary>
/// Everything the emulator holds. One lock guards all of it: every API call and clock step runs under
/// <see cref="Gate"/>, takes JSON snapshots, and releases it before any event is delivered.
/// </summary>
internal sealed class SandboxState(SandboxClock clock, IOptions<SandboxOptions> options)
{
    private readonly List<SandboxMeterEvent> meterEvents = [];
    private readonly Dictionary<string, int> meterEventPositions = [];
    private long sequence;

    public Lock Gate { get; } = new();

    public SandboxClock Clock { get; } = clock;

    /// <summary>
    /// Sandbox time, or the moment a clock step is running: work that fell due at a moment happens at
    /// that moment, so periods join exactly and events carry their due time.
    /// </summary>
    public DateTimeOffset Now => PinnedNow ?? Clock.GetUtcNow();

    public DateTimeOffset? PinnedNow { get; set; }

    /// <summary>Scheme and host of the latest request, for the page URLs Stripe would host itself.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1";

    public Dictionary<string, CustomerRecord> Customers { get; } = [];

    public Dictionary<string, CheckoutSessionRecord> CheckoutSessions { get; } = [];

    public Dictionary<string, SubscriptionRecord> Subscriptions { get; } = [];

    public Dictionary<string, InvoiceRecord> Invoices { get; } = [];

    public Dictionary<string, PaymentIntentRecord> PaymentIntents { get; } = [];

    public Dictionary<string, ChargeRecord> Charges { get; } = [];

    public Dictionary<string, RefundRecord> Refunds { get; } = [];

    public Dictionary<string, CouponRecord> Coupons { get; } = [];

    /// <summary>Discounts by id: a discount cannot be fetched on its own, only expanded where it is applied.</summary>
    public Dictionary<string, DiscountRecord> Discounts { get; } = [];

    public Dictionary<string, DisputeRecord> Disputes { get; } = [];

    public Dictionary<string, PortalSessionRecord> PortalSessions { get; } = [];

    /// <summary>Billing-portal configurations; the account's default one is there from the start.</summary>
    public Dictionary<string, PortalConfigurationRecord> PortalConfigurations { get; } = new()
    {
        [PortalConfigurationRecord.DefaultId] = new PortalConfigurationRecord
        {
            Id = PortalConfigurationRecord.DefaultId,
            Created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            IsDefault = true,
            InvoiceHistory = true,
            PaymentMethodUpdate = true,
        },
    };

    /// <summary>Usage, one record per identifier, oldest first.</summary>
    public IReadOnlyList<SandboxMeterEvent> MeterEvents => meterEvents;

    /// <summary>Meter event sessions by their authentication token; expired ones are kept so their token is known as expired.</summary>
    public Dictionary<string, MeterEventSessionRecord> MeterEventSessions { get; } = [];

    /// <summary>Planned failures of the meter event stream: how many calls are left to fail, and with which status.</summary>
    public (int Left, int Status) MeterEventStreamFailures { get; set; }

    public List<EventRecord> Events { get; } = [];

    public Dictionary<string, IdempotencyEntry> IdempotencyKeys { get; } = [];

    public long NextSequence() => ++sequence;

    /// <summary>
    /// Records usage once per identifier, as Stripe counts it: a repeated identifier only adds to
    /// <see cref="SandboxMeterEvent.Received"/>, and the first report stands.
    /// </summary>
    /// <returns>The record that counts.</returns>
    public SandboxMeterEvent RecordMeterEvent(SandboxMeterEvent meterEvent)
    {
        if (meterEventPositions.TryGetValue(meterEvent.Identifier, out var position))
        {
            var first = meterEvents[position];
            meterEvents[position] = first with { Received = first.Received + 1 };
            return meterEvents[position];
        }

        meterEventPositions.Add(meterEvent.Identifier, meterEvents.Count);
        meterEvents.Add(meterEvent);
        return meterEvent;
    }

    public CustomerRecord AddCustomer(string? email, string? name)
    {
        var customer = new CustomerRecord
        {
            Id = StripeIds.New("cus", 14),
            Sequence = NextSequence(),
            Created = Now,
            InvoicePrefix = StripeIds.New("X", 7)[2..].ToUpperInvariant(),
            Email = email,
            Name = name,
        };
        Customers.Add(customer.Id, customer);
        return customer;
    }

    public SandboxPrice? FindPrice(string id) => options.Value.Prices.FirstOrDefault(p => p.Id == id);

    public EventRecord Emit(EventBatch batch, string type, JsonObject snapshot, JsonObject? previousAttributes = null)
    {
        var record = new EventRecord(StripeIds.New("evt"), type, Now, snapshot, previousAttributes, batch.RequestId, batch.IdempotencyKey);
        Events.Add(record);
        batch.Events.Add(record);
        return record;
    }

    /// <summary>A field of <paramref name="json"/> Stripe answers only when it is expanded, or null when it has none of that name.</summary>
    public JsonObject? Includable(JsonObject json, string field) =>
        (json["object"]?.GetValue<string>(), field) is ("invoice", "payments") && json["id"]?.GetValue<string>() is { } id
            ? Invoices.GetValueOrDefault(id)?.PaymentsJson()
            : null;

    /// <summary>The current JSON of any object by id, for <c>expand[]</c>.</summary>
    public JsonObject? FindJson(string id)
    {
        var prefix = id.Split('_')[0];

        // A coupon's id is the merchant's own choice, with no prefix of its own: it may look like another object's.
        return Coupons.GetValueOrDefault(id)?.ToJson() ?? prefix switch
        {
            "cus" => Customers.GetValueOrDefault(id)?.ToJson(),
            "cs" => CheckoutSessions.GetValueOrDefault(id)?.ToJson(),
            "sub" => Subscriptions.GetValueOrDefault(id)?.ToJson(),
            "in" => Invoices.GetValueOrDefault(id)?.ToJson(),
            "pi" => PaymentIntents.GetValueOrDefault(id)?.ToJson(),
            "ch" => Charges.GetValueOrDefault(id)?.ToJson(),
            "re" => Refunds.GetValueOrDefault(id)?.ToJson(),
            "dp" => Disputes.GetValueOrDefault(id)?.ToJson(),
            "price" => FindPrice(id) is { } price ? StripeJson.Price(price) : null,
            "di" => Discounts.GetValueOrDefault(id)?.ToJson(),
            _ => null,
        };
    }
}
