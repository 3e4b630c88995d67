using System.Text.Json;
using Microsoft.Playwright;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Browser;

/// <summary>What the console's browser tests do on every page: sign in, keep a screenshot, and check accessibility with axe-core.</summary>
internal static class ConsolePages
{
    /// <summary>A new page of <paramref name="chromium"/>, signed in to the console at <paramref name="baseAddress"/> as <paramref name="person"/>.</summary>
    public static async Task<IPage> SignedInAsync(Chromium chromium, Uri baseAddress, string person, string password)
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync($"{baseAddress}console");
        await SignInAsync(page, person, password);
        await Assertions.Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync($"Signed in as {person}");
        return page;
    }

    /// <summary>Signs in from the sign-in page the browser is on.</summary>
    public static async Task SignInAsync(IPage page, string person, string password)
    {
        await page.GetByLabel("Name").FillAsync(person);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>
    /// Keeps a full-page screenshot: attached to the test's result, and written to <c>BILLING_TEST_ARTIFACTS</c>
    /// (<c>.ci/run</c> sets it beside its reports) or the test's output folder, under <c>console/</c>.
    /// </summary>
    public static async Task KeepScreenshotAsync(IPage page, string name)
    {
        var png = await page.ScreenshotAsync(new() { FullPage = true });
        TestContext.Current.AddAttachment($"{name}.png", png, "image/png");
        var folder = Path.Combine(
            Environment.GetEnvironmentVariable("BILLING_TEST_ARTIFACTS") is { Length: > 0 } artifacts ? artifacts : Path.Combine(AppContext.BaseDirectory, "artifacts"),
            "console");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, $"{name}.png"), png, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// axe-core (npm, from the lockfile), run in the page on WCAG 2 A and AA rules (labels, contrast, names, landmarks):
    /// no violation may be found.
    /// </summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var axe = Path.Combine(await NodeTools.PackageAsync("axe-core"), "axe.min.js");
        await page.AddScriptTagAsync(new() { Path = axe });
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }))
                .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')}`)
            """);
        Assert.True(violations.GetArrayLength() == 0, $"{page.Url}: {violations}");
    }
}
