using System.Security.Cryptography;
using OrleansBilling.Gateway.Hosting;

namespace OrleansBilling.Silo.Payments;

/// <summary>
/// Whether this process hosts the sandbox (local Stripe and Brevo emulators, movable clock) and
/// points Stripe.net and the Brevo client at it. On by default exactly when no database is
/// configured: the local default.
/// </summary>
public sealed class SandboxMode(bool enabled)
{
    public const string StripePath = "/sandbox/stripe";
    public const string SandboxApiKey = "sk_test_sandbox";
    public const string BrevoPath = "/sandbox/brevo/v3/";
    public const string SandboxBrevoApiKey = "xkeysib-sandbox";

    public bool Enabled { get; } = enabled;

    /// <summary><c>Billing:Sandbox:Enabled</c>, defaulting to on without <c>ConnectionStrings:Billing</c>.</summary>
    public static SandboxMode From(IConfiguration configuration) =>
        new(configuration.GetValue<bool?>("Billing:Sandbox:Enabled") ?? ClusterSettings.BillingConnectionString(configuration) is null);

    /// <summary>The console account the local default makes when none is configured.</summary>
    public const string LocalAccount = "admin";

    /// <summary>Where the local default keeps that account's generated password, for the banner only.</summary>
    public const string LocalPasswordKey = "Billing:Console:LocalPassword";

    /// <summary>
    /// The sandbox's defaults for whatever is not configured: test API keys for Stripe and Brevo, a
    /// fresh webhook signing secret and a fresh admin key (both printed at start). <c>Brevo:BaseUrl</c>
    /// defaults to this process's own emulator once it listens (<see cref="Email.BrevoEndpoint"/>).
    /// </summary>
    public static void ApplyDefaults(ConfigurationManager configuration)
    {
        var defaults = new Dictionary<string, string?>();
        AddIfMissing(configuration, defaults, "Stripe:ApiKey", SandboxApiKey);
        AddIfMissing(configuration, defaults, "Brevo:ApiKey", SandboxBrevoApiKey);
        AddIfMissing(configuration, defaults, "Stripe:WebhookSecret", "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        AddIfMissing(configuration, defaults, "Billing:AdminKey", "adm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

        // A console account to sign in with, printed at start: the password is kept only for the banner.
        if (!configuration.GetSection("Billing:Console:Accounts").GetChildren().Any())
        {
            var password = GrainInterfaces.Products.ApiKeys.Secret("", 12);
            defaults[$"Billing:Console:Accounts:{LocalAccount}:Role"] = "Admin";
            defaults[$"Billing:Console:Accounts:{LocalAccount}:PasswordHash"] = Gateway.SupportConsole.ConsoleSignIn.Hash(password);
            defaults[LocalPasswordKey] = password;
        }

        AddIfMissing(configuration, defaults, "Billing:Console:AllowHttp", "true");

        // Events to products go to this process's receiver, over plain HTTP on loopback.
        AddIfMissing(configuration, defaults, "Billing:Events:AllowHttp", "true");
        AddIfMissing(configuration, defaults, "Billing:Events:AllowPrivateAddresses", "true");
        configuration.AddInMemoryCollection(defaults);
    }

    private static void AddIfMissing(IConfiguration configuration, Dictionary<string, string?> defaults, string key, string value)
    {
        if (string.IsNullOrEmpty(configuration[key]))
        {
            defaults[key] = value;
        }
    }
}
