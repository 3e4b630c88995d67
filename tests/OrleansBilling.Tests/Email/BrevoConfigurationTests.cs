using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Email;

/// <summary>Brevo's settings are checked before the service starts.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class BrevoConfigurationTests
{
    [Fact]
    public async Task Outside_the_local_sandbox_a_missing_brevo_key_stops_the_start()
    {
        await using var app = StartupValidation.Host("--Billing:Sandbox:Enabled=false", "--Stripe:ApiKey=sk_test_x", "--Stripe:WebhookSecret=whsec_x");

        var failures = await StartupValidation.FailuresAsync(app);

        Assert.Contains(failures, f => f.Contains("Brevo:ApiKey is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Brevo_limits_that_outlive_the_grain_call_or_a_base_url_that_is_no_url_stop_the_start()
    {
        await using var app = StartupValidation.Host("--Brevo:TotalTimeout=00:00:30", "--Brevo:BaseUrl=api.brevo.com/v3");

        var failures = await StartupValidation.FailuresAsync(app);

        Assert.Contains(failures, f => f.Contains("Brevo:TotalTimeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Brevo:BaseUrl", StringComparison.Ordinal));
    }
}
