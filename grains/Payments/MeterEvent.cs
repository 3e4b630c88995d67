namespace OrleansBilling.Grains.Payments;

/// <summary>One usage event for the provider's billing meters.</summary>
/// <param name="EventName">The provider meter's event name.</param>
/// <param name="ProviderCustomerId">The provider's customer (<c>cus_…</c>).</param>
/// <param name="Value">The quantity.</param>
/// <param name="Timestamp">When the usage happened.</param>
/// <param name="Identifier">Unique per usage event across the account: the provider counts an identifier once.</param>
public sealed record MeterEvent(string EventName, string ProviderCustomerId, decimal Value, DateTimeOffset Timestamp, string Identifier);
