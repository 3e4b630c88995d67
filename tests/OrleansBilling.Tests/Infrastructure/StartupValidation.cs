using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using OrleansBilling.Silo;
using Xunit;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>The silo host built with some settings but not started: what does start-up validation say?</summary>
public static class StartupValidation
{
    /// <summary>The host as <c>dotnet run --project silo</c> builds it, on free loopback ports, with <paramref name="settings"/> (<c>--Key=value</c>).</summary>
    public static WebApplication Host(params string[] settings)
    {
        var ports = LoopbackPorts.Take(2);
        return BillingHost.Build(["--urls=http://127.0.0.1:0", $"--Orleans:SiloPort={ports[0]}", $"--Orleans:GatewayPort={ports[1]}", .. settings]);
    }

    /// <summary>Starts the host, expecting validation to stop it, and returns every failure named.</summary>
    public static async Task<IReadOnlyList<string>> FailuresAsync(WebApplication app)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(TestContext.Current.CancellationToken));
        var validations = failure is AggregateException all ? all.InnerExceptions.OfType<OptionsValidationException>() : [Assert.IsType<OptionsValidationException>(failure)];
        return [.. validations.SelectMany(e => e.Failures)];
    }
}
