namespace OrleansBilling.Grains.Lifecycle;

/// <summary>A lifecycle email a decision asks for: the moment's template, and its sent-log key within the subscription.</summary>
/// <param name="Template">The lifecycle moment (<c>welcome</c>, <c>payment_failed</c>).</param>
/// <param name="Moment">Unique per email within the subscription (<c>welcome:3</c>, <c>dunning:1:0</c>): one email per moment, ever.</param>
/// <param name="Values">Template variables of this moment beside the subscription's own (a refund's amount).</param>
public sealed record LifecycleEmail(string Template, string Moment, IReadOnlyDictionary<string, string>? Values = null);
