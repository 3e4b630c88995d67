using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansBilling.GrainInterfaces.Usage;

namespace OrleansBilling.Gateway.Api;

/// <summary>
/// A usage event's quantity as sent: a usable number, or a mark that it was not one. Read without
/// failing the request, so one bad event of a batch is that event's error, and without keeping a
/// JSON document per event alive (the batch endpoint's hot path).
/// </summary>
[JsonConverter(typeof(UsageQuantityConverter))]
public readonly record struct UsageQuantity(decimal? Value);

/// <summary>A usage event's timestamp as sent: absent, a time with an offset (or Unix seconds), or malformed.</summary>
[JsonConverter(typeof(UsageTimestampConverter))]
public readonly record struct UsageTimestamp(DateTimeOffset? Value, bool Malformed);

/// <summary>Past an object or array given where a value belongs. The serializer has read the whole value ahead for a custom converter, so the partial-input form of skipping is enough.</summary>
internal static class UsageFieldReader
{
    public static void SkipComposite(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
        {
            throw new JsonException("The value was not read ahead whole.");
        }
    }
}

/// <summary>
/// Reads any JSON value as a <see cref="UsageQuantity"/>: a number of 0 or more whose text keeps the
/// decimal places and digits of <see cref="UsageQuantities"/> (so nothing is rounded to fit), or none.
/// Whether it is within its meter's maximum is the usage grain's to say.
/// </summary>
public sealed class UsageQuantityConverter : JsonConverter<UsageQuantity>
{
    public override bool HandleNull => true;

    public override UsageQuantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        decimal? value = reader.TokenType == JsonTokenType.Number
            && UsageQuantities.WrittenWithin(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan)
            && reader.TryGetDecimal(out var number) && number >= 0
                ? number
                : null;
        UsageFieldReader.SkipComposite(ref reader);
        return new UsageQuantity(value);
    }

    public override void Write(Utf8JsonWriter writer, UsageQuantity value, JsonSerializerOptions options)
    {
        if (value.Value is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Reads any JSON value as a <see cref="UsageTimestamp"/>: RFC 3339 with an offset, Unix seconds, null, or malformed.</summary>
public sealed class UsageTimestampConverter : JsonConverter<UsageTimestamp>
{
    public override bool HandleNull => true;

    public override UsageTimestamp Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var timestamp = reader.TokenType switch
        {
            JsonTokenType.Null => new UsageTimestamp(null, false),
            JsonTokenType.Number when reader.TryGetInt64(out var seconds) && seconds is > 0 and < 253402300800 =>
                new UsageTimestamp(DateTimeOffset.FromUnixTimeSeconds(seconds), false),
            JsonTokenType.String when reader.GetString() is { } s && HasOffset(s)
                && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) => new UsageTimestamp(parsed, false),
            _ => new UsageTimestamp(null, true),
        };
        UsageFieldReader.SkipComposite(ref reader);
        return timestamp;
    }

    public override void Write(Utf8JsonWriter writer, UsageTimestamp value, JsonSerializerOptions options)
    {
        if (value.Value is { } time)
        {
            writer.WriteStringValue(time);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>RFC 3339 requires the offset: a time without one would mean whatever the server's zone is.</summary>
    private static bool HasOffset(string s) =>
        s.Length > 19 && s[10] is 'T' or 't' && (s[^1] is 'Z' or 'z' || s[^6] is '+' or '-');
}
