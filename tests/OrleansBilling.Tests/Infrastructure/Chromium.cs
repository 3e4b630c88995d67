using Microsoft.Playwright;
using Xunit;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, or <c>BILLING_TEST_CHROMIUM</c>), headless, driven by
/// Playwright for .NET: one browser per test class, a fresh context per page. Nothing is downloaded; the
/// flags keep Chromium off the network it would otherwise try at start (this machine's is closed).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("BILLING_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"Chromium is not at {ExecutablePath}: install Debian's chromium (.ci/run does) or set BILLING_TEST_CHROMIUM.");
        }

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A new page in a context of its own (no cookies shared between tests).</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await browser!.NewContextAsync();
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
