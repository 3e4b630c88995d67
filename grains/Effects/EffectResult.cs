namespace OrleansBilling.Grains.Effects;

/// <summary>How an effect ended: done, or given up on because no retry can succeed (and why).</summary>
public sealed record EffectResult(string? GaveUpBecause)
{
    public static EffectResult Done { get; } = new((string?)null);

    public static EffectResult GaveUp(string reason) => new(reason);
}
