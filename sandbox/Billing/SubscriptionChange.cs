namespace OrleansBilling.Sandbox.Billing;

/// <summary>The parts of <c>POST /v1/subscriptions/{id}</c> the sandbox acts on, validated.</summary>
internal sealed record SubscriptionChange(
    bool? CancelAtPeriodEnd,
    SandboxPrice? NewPrice,
    string ProrationBehavior,
    Dictionary<string, string>? Metadata,
    string? PauseBehavior,
    bool Unpause,
    DateTimeOffset? PauseResumesAt = null,
    string PaymentBehavior = "allow_incomplete")
{
    public bool OnlyMetadata => CancelAtPeriodEnd is null && NewPrice is null && PauseBehavior is null && !Unpause;
}
