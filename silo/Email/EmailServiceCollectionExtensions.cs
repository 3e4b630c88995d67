using Microsoft.Extensions.Options;
using OrleansBilling.Grains.Email;
using OrleansBilling.Silo.Payments;

namespace OrleansBilling.Silo.Email;

/// <summary>Registers lifecycle email: <see cref="IEmailSender"/> on Brevo.</summary>
public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEmailSender"/> as the typed client <see cref="BrevoEmailSender"/> with Brevo's
    /// retry rules, and <see cref="BrevoOptions"/> from the <c>Brevo</c> section, validated at start.
    /// </summary>
    public static IServiceCollection AddBrevoEmail(this IServiceCollection services, SandboxMode sandbox)
    {
        services.AddOptions<BrevoOptions>().BindConfiguration(BrevoOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BrevoOptions>, BrevoOptionsValidator>();
        services.AddSingleton(sp => new BrevoEndpoint(sp.GetRequiredService<IOptions<BrevoOptions>>(), sandbox, sp));
        services.AddHttpClient<IEmailSender, BrevoEmailSender>((sp, client) =>
                BrevoEmailSender.Configure(client, sp.GetRequiredService<BrevoEndpoint>().BaseAddress, sp.GetRequiredService<IOptions<BrevoOptions>>().Value.ApiKey!))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .AddBrevoResilience(sp => sp.GetRequiredService<IOptions<BrevoOptions>>().Value.RetryPolicy);
        return services;
    }
}
