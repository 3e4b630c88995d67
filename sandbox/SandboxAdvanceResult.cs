namespace OrleansBilling.Sandbox;

/// <summary>What a clock advance did.</summary>
/// <param name="Now">The sandbox time after the advance.</param>
/// <param name="Events">The events it caused, in delivery order.</param>
public sealed record SandboxAdvanceResult(DateTimeOffset Now, IReadOnlyList<SandboxEvent> Events);
