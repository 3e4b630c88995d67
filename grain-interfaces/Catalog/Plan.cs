namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>One plan of a product's catalog: what it costs and what it entitles.</summary>
/// <param name="PlanId">The product's own id for the plan (<c>basic</c>, <c>pro</c>).</param>
/// <param name="Name">A name for people.</param>
/// <param name="ProviderPriceId">The Stripe price the plan bills through.</param>
/// <param name="AmountMinor">The price per interval in the currency's minor unit (cents).</param>
/// <param name="Currency">ISO 4217 code, lower case as Stripe writes it.</param>
/// <param name="Interval">How often it bills.</param>
/// <param name="TrialDays">Days of free trial for a new subscriber; 0 for none.</param>
/// <param name="Features">On/off features the plan grants.</param>
/// <param name="Limits">Numeric limits the plan grants.</param>
[GenerateSerializer, Immutable, Alias("billing.Plan")]
public sealed record Plan(
    [property: Id(0)] string PlanId,
    [property: Id(1)] string Name,
    [property: Id(2)] string ProviderPriceId,
    [property: Id(3)] long AmountMinor,
    [property: Id(4)] string Currency,
    [property: Id(5)] BillingInterval Interval,
    [property: Id(6)] int TrialDays,
    [property: Id(7)] IReadOnlyDictionary<string, bool> Features,
    [property: Id(8)] IReadOnlyDictionary<string, long> Limits);
