namespace OrleansBilling.Sandbox;

/// <summary>A recipient of a <see cref="SandboxEmail"/>.</summary>
public sealed record SandboxEmailAddress(string Email, string? Name);
