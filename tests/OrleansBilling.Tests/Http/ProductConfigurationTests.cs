using Microsoft.Extensions.Options;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>Configuration is checked before the service starts: a mistake stops it with every problem named.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class ProductConfigurationTests
{
    [Fact]
    public async Task A_product_declared_wrongly_stops_the_start_naming_every_problem()
    {
        await using var app = StartupValidation.Host(
            "--Billing:Products:broken:Plans:gold:Amount=-5",
            "--Billing:Products:broken:Dunning:0:After=three days",
            "--Billing:Products:broken:Dunning:0:Action=email",
            "--Billing:Products:broken:Dunning:0:Template=payment_failed",
            "--Billing:Products:broken:Meters:tokens:MaxQuantity=1e16",
            "--Billing:Products:broken:ApiKeys:0=short key");

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(failure.Failures, f => f.Contains("Billing:Products:broken", StringComparison.Ordinal) && f.Contains("PriceId", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("must not be negative", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("ISO 8601", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("last step must be 'cancel'", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("Meter 'tokens': the maximum quantity", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("Billing:Products:broken:ApiKeys:0 must be", StringComparison.Ordinal) && !f.Contains("short key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outside_the_local_sandbox_a_missing_stripe_key_or_webhook_secret_stops_the_start()
    {
        await using var app = StartupValidation.Host("--Billing:Sandbox:Enabled=false");

        // Both settings are checked before anything runs, and each failure names its setting.
        var failure = await Assert.ThrowsAsync<AggregateException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        var messages = failure.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        Assert.Contains(messages, f => f.Contains("Stripe:ApiKey is required", StringComparison.Ordinal));
        Assert.Contains(messages, f => f.Contains("Stripe:WebhookSecret is required", StringComparison.Ordinal));
    }
}
