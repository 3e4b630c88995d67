using System.Text.Json;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// The route of a <c>customer.subscription.*</c> event read straight from its body: only the fields
/// <see cref="SubscriptionChangedHandler"/> takes, each read as Stripe.net reads it. Stripe.net's parse of the whole
/// event (the subscription with its items, prices and plans, parsed more than once by its converters) was 28% of the
/// silo's CPU under webhook load (bench/README.md, issue 16), and most events the service gets are these.
/// <para>
/// Where one of those fields has a shape this reader does not take as Stripe.net would (a wrong JSON type, a name given
/// twice, a time Stripe.net reads as milliseconds, an expanded customer), it answers null and Stripe.net reads the
/// event, so such an event is routed, or found unreadable, exactly as before. A field no route takes is not looked at:
/// a wrong type there, which Stripe.net refuses, no longer makes such an event unreadable.
/// <c>SubscriptionEventReaderTests</c> hold it to Stripe.net's route over thousands of varied events and the sandbox's own.
/// </para>
/// </summary>
public static class SubscriptionEventReader
{
    /// <summary>Stripe.net reads a larger Unix time as milliseconds (a guard of its own against one API's bug).</summary>
    private const long LastUnixSecond = 5_000_000_000;

    private static readonly string[] EventFields = ["id", "object", "type", "created", "data"];
    private static readonly string[] DataFields = ["object"];
    private static readonly string[] SubscriptionFields =
        ["object", "id", "customer", "metadata", "status", "cancel_at_period_end", "trial_end", "pause_collection", "discounts", "items"];
    private static readonly string[] ListFields = ["data"];
    private static readonly string[] ItemFields = ["price", "quantity", "current_period_end"];
    private static readonly string[] PriceFields = ["id", "recurring"];
    private static readonly string[] RecurringFields = ["usage_type"];
    private static readonly string[] PauseFields = ["behavior", "resumes_at"];

    /// <summary>The route, or null when the event is of another type or Stripe.net is to read it.</summary>
    public static WebhookRoute.Apply? TryRoute(string type, string payload)
    {
        if (!SubscriptionChangedHandler.EventTypesRouted.Contains(type))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            return Read(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static WebhookRoute.Apply? Read(JsonElement root)
    {
        if (Fields(root, EventFields) is not [var id, var kind, var type, var created, var data]
            || !Text(id, out var eventId) || eventId is null
            || !Text(kind, out var objectName) || objectName == "v2.core.event"
            || !Text(type, out var typeName) || typeName is null || !SubscriptionChangedHandler.EventTypesRouted.Contains(typeName)
            || !Time(created, out var createdAt) || createdAt is null
            || Fields(data, DataFields) is not [var subscription]
            || Snapshot(subscription) is not { } snapshot)
        {
            return null;
        }

        return SubscriptionChangedHandler.Route(eventId, createdAt.Value, snapshot);
    }

    private static SubscriptionSnapshot? Snapshot(JsonElement subscription)
    {
        if (Fields(subscription, SubscriptionFields) is not [var kind, var id, var customer, var metadata, var status, var cancel, var trialEnd, var pause, var discounts, var items]
            || kind.ValueKind != JsonValueKind.String || !kind.ValueEquals("subscription")
            || !Text(id, out var subscriptionId)
            || !Text(customer, out var customerId)
            || !Metadata(metadata, out var tags)
            || !Text(status, out var statusName)
            || !Flag(cancel, out var cancelAtPeriodEnd)
            || !Time(trialEnd, out var trialEndsAt)
            || !Paused(pause, out var paused)
            || !Ids(discounts, out var discountIds)
            || !Licensed(items, out var item))
        {
            return null;
        }

        return new SubscriptionSnapshot(
            subscriptionId, customerId, tags, statusName, cancelAtPeriodEnd, trialEndsAt, paused, discountIds,
            item?.PriceId, item?.Quantity, item?.PeriodEnd);
    }

    private sealed record Item(string? PriceId, long Quantity, DateTime PeriodEnd);

    /// <summary>The first item whose price is not metered, as <c>StripePaymentProvider.Licensed</c> finds it.</summary>
    private static bool Licensed(JsonElement items, out Item? licensed)
    {
        licensed = null;
        if (Absent(items))
        {
            return true;
        }

        if (Fields(items, ListFields) is not [var data])
        {
            return false;
        }

        if (Absent(data))
        {
            return true;
        }

        if (data.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        // Every item is read, as Stripe.net reads them all: one it would refuse leaves the event to it.
        foreach (var element in data.EnumerateArray())
        {
            if (Fields(element, ItemFields) is not [var price, var quantity, var periodEnd]
                || !UsageType(price, out var priceId, out var usageType)
                || !Count(quantity, out var count)
                || !ItemTime(periodEnd, out var end))
            {
                return false;
            }

            licensed ??= usageType == "metered" ? null : new Item(priceId, count, end);
        }

        return true;
    }

    private static bool UsageType(JsonElement price, out string? priceId, out string? usageType)
    {
        priceId = usageType = null;
        if (Absent(price))
        {
            return true;
        }

        if (Fields(price, PriceFields) is not [var id, var recurring] || !Text(id, out priceId))
        {
            return false;
        }

        if (Absent(recurring))
        {
            return true;
        }

        return Fields(recurring, RecurringFields) is [var usage] && Text(usage, out usageType);
    }

    private static bool Paused(JsonElement pause, out bool paused)
    {
        paused = false;
        if (Absent(pause))
        {
            return true;
        }

        paused = true;
        return Fields(pause, PauseFields) is [var behavior, var resumesAt] && Text(behavior, out _) && Time(resumesAt, out _);
    }

    private static bool Metadata(JsonElement element, out IDictionary<string, string>? metadata)
    {
        metadata = null;
        if (Absent(element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!Text(property.Value, out var value) || !tags.TryAdd(property.Name, value!))
            {
                return false;
            }
        }

        metadata = tags;
        return true;
    }

    private static bool Ids(JsonElement element, out IReadOnlyList<string>? ids)
    {
        ids = null;
        if (Absent(element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var list = new List<string>(element.GetArrayLength());
        foreach (var id in element.EnumerateArray())
        {
            if (id.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            list.Add(id.GetString()!);
        }

        ids = list;
        return true;
    }

    /// <summary>
    /// The named properties of an object, each <see cref="JsonValueKind.Undefined"/> where absent; null when it is no
    /// object or names one of them twice (which of the two Stripe.net takes is left to Stripe.net).
    /// </summary>
    private static JsonElement[]? Fields(JsonElement element, string[] names)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var found = new JsonElement[names.Length];
        foreach (var property in element.EnumerateObject())
        {
            var index = -1;
            for (var i = 0; i < names.Length && index < 0; i++)
            {
                index = property.NameEquals(names[i]) ? i : -1;
            }

            if (index < 0)
            {
                continue;
            }

            if (found[index].ValueKind != JsonValueKind.Undefined)
            {
                return null;
            }

            found[index] = property.Value;
        }

        return found;
    }

    private static bool Absent(JsonElement element) => element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    private static bool Text(JsonElement element, out string? text)
    {
        text = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        return text is not null || Absent(element);
    }

    /// <summary>A boolean Stripe.net reads as such; absent is false, as it leaves the property; null it may refuse.</summary>
    private static bool Flag(JsonElement element, out bool flag)
    {
        flag = element.ValueKind == JsonValueKind.True;
        return element.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Undefined;
    }

    /// <summary>
    /// An item's quantity: a whole number that fits the route's int (Stripe.net reads a long, absent as 0, and refuses
    /// null).
    /// </summary>
    private static bool Count(JsonElement element, out long count)
    {
        count = 0;
        if (element.ValueKind == JsonValueKind.Undefined)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var n))
        {
            return false;
        }

        count = n;
        return true;
    }

    /// <summary>An item's period end, which Stripe.net reads as the Unix epoch when absent and refuses as null.</summary>
    private static bool ItemTime(JsonElement element, out DateTime time)
    {
        time = DateTime.UnixEpoch;
        if (element.ValueKind == JsonValueKind.Undefined)
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.Null || !Time(element, out var value))
        {
            return false;
        }

        time = value!.Value;
        return true;
    }

    /// <summary>A Unix time in seconds, as Stripe.net reads one between 1970 and its milliseconds guard.</summary>
    private static bool Time(JsonElement element, out DateTime? time)
    {
        time = element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var seconds) && seconds is >= 0 and <= LastUnixSecond
            ? DateTime.UnixEpoch.AddSeconds(seconds)
            : null;
        return time is not null || Absent(element);
    }
}
