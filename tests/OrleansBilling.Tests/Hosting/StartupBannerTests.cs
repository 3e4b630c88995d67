using Microsoft.Extensions.Configuration;
using OrleansBilling.Silo.Hosting;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Hosting;

/// <summary>The start-up banner prints keys and secrets in the local default only (issue 10 §3).</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class StartupBannerTests
{
    private const string DemoKey = "bk_live_demo_key_0123456789";

    private static readonly IConfiguration Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Stripe:ApiKey"] = "sk_test_secret_stripe_key",
        ["Stripe:WebhookSecret"] = "whsec_secret_signing",
        ["Brevo:ApiKey"] = "xkeysib-secret-brevo",
        ["Billing:AdminKey"] = "adm_secret_admin_key",
    }).Build();

    private static readonly string[] Secrets = [DemoKey, "sk_test_secret_stripe_key", "whsec_secret_signing", "xkeysib-secret-brevo", "adm_secret_admin_key"];

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Outside_the_local_default_no_key_or_secret_is_printed(bool inMemory, bool sandbox)
    {
        var banner = string.Join('\n', StartupBanner.Lines("http://localhost:5080", Seeded(), Configuration, inMemory, sandbox));

        Assert.All(Secrets, secret => Assert.DoesNotContain(secret, banner, StringComparison.Ordinal));
        Assert.Contains("Billing:Demo:ApiKey", banner, StringComparison.Ordinal);
    }

    [Fact]
    public void The_local_default_prints_its_throwaway_keys_to_try_the_service_with()
    {
        var banner = string.Join('\n', StartupBanner.Lines("http://localhost:5080", Seeded(), Configuration, inMemory: true, sandbox: true));

        Assert.All(Secrets, secret => Assert.Contains(secret, banner, StringComparison.Ordinal));
    }

    private static SeededProducts Seeded()
    {
        var seeded = new SeededProducts { DemoApiKey = DemoKey };
        seeded.ProductIds.Add(DemoProduct.Id);
        return seeded;
    }
}
