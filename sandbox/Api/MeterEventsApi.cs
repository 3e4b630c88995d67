using System.Globalization;
using System.Text.Json.Nodes;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary><c>/v1/billing/meter_events</c>: usage is recorded once per identifier.</summary>
internal sealed class MeterEventsApi(SandboxState state) : ResourceApi(state)
{
    public ApiOutcome Create(StripeApiRequest request)
    {
        var p = request.Parameters;
        var eventName = p.Required("event_name");
        var customerId = p.Required("payload[stripe_customer_id]");
        var value = p.Required("payload[value]");
        if (!decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
        {
            throw StripeApiException.Invalid("payload[value]", $"Invalid number: {value}");
        }

        var identifier = p.String("identifier") is { Length: > 0 } given ? given : StripeIds.New("mev");
        var timestamp = p.Long("timestamp") is { } unix ? DateTimeOffset.FromUnixTimeSeconds(unix) : State.Now;

        // A repeated identifier is the same usage reported again: answer the first, count it once.
        var recorded = State.RecordMeterEvent(new SandboxMeterEvent(eventName, customerId, value, identifier, timestamp, State.Now));
        return Answer(request, ToJson(recorded));
    }

    private static JsonObject ToJson(SandboxMeterEvent meterEvent) => new()
    {
        ["object"] = "billing.meter_event",
        ["created"] = StripeJson.Unix(meterEvent.Created),
        ["event_name"] = meterEvent.EventName,
        ["identifier"] = meterEvent.Identifier,
        ["livemode"] = false,
        ["payload"] = new JsonObject { ["stripe_customer_id"] = meterEvent.CustomerId, ["value"] = meterEvent.Value },
        ["timestamp"] = StripeJson.Unix(meterEvent.Timestamp),
    };
}
