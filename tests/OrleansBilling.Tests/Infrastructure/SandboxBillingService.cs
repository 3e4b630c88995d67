using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.Sandbox;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The local default as <c>dotnet run --project silo</c> runs it: the real Stripe.net client against
/// the in-process sandbox, webhooks signed and delivered to the real endpoint, billing time on the
/// sandbox's movable clock. Driven only over HTTP, like a product, a customer and Stripe would.
/// </summary>
public sealed class SandboxBillingService : BillingService
{
    protected override bool UseSandbox => true;

    public SandboxControl Sandbox => Services.GetRequiredService<SandboxControl>();

    public SandboxClock SandboxClock => Services.GetRequiredService<SandboxClock>();
}
