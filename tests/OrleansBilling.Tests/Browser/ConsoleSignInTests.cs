using System.Net;
using Microsoft.Playwright;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Browser;

/// <summary>
/// Signing in to the staff console (issue 12 §1) in a real browser: a configured account signs in and out with a
/// cookie that is HttpOnly and SameSite=Strict, every console page asks for it, repeated failures lock the
/// account, and a form posted without its antiforgery token is refused.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class ConsoleSignInTests(ConsoleService service, Chromium chromium) : IClassFixture<ConsoleService>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_configured_account_signs_in_with_a_strict_http_only_cookie_and_signs_out()
    {
        var page = await chromium.NewPageAsync();

        await page.GotoAsync($"{service.BaseAddress}console");
        var redirectedTo = new Uri(page.Url).AbsolutePath;
        await ConsolePages.SignInAsync(page, ConsoleService.AdminPerson, ConsoleService.AdminPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync("Signed in as ada (admin)");
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "billing_console");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync($"{service.BaseAddress}console");

        Assert.Equal("/console/sign-in", redirectedTo);
        Assert.Equal((true, SameSiteAttribute.Strict), (cookie.HttpOnly, cookie.SameSite));
        Assert.Equal("/console/sign-in", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task The_keyboard_alone_signs_in_a_support_agent_who_sees_the_role()
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync($"{service.BaseAddress}console/sign-in");

        // The skip link, the console's name, then the form.
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByLabel("Name")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(ConsoleService.SupportPerson);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(ConsoleService.SupportPassword);
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("support role");
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync($"{service.BaseAddress}console/sign-in");

        for (var i = 0; i < 4; i++)
        {
            await ConsolePages.SignInAsync(page, ConsoleService.LockedPerson, "wrong password");
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("do not match");
        }

        await ConsolePages.SignInAsync(page, ConsoleService.LockedPerson, "wrong password");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked");
        await ConsolePages.SignInAsync(page, ConsoleService.LockedPerson, ConsoleService.LockedPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked");

        // Another account is not locked with it.
        await ConsolePages.SignInAsync(page, ConsoleService.AdminPerson, "not it either");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("do not match");
    }

    [Theory]
    [InlineData("/console/../admin/v1/anomalies")]
    [InlineData("//elsewhere.example/console")]
    [InlineData("https://elsewhere.example/console")]
    public async Task A_sign_in_goes_back_only_to_a_console_page(string returnUrl)
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync($"{service.BaseAddress}console/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");

        await ConsolePages.SignInAsync(page, ConsoleService.SupportPerson, ConsoleService.SupportPassword);

        await Assertions.Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("support role");
        Assert.Equal(service.BaseAddress + "console", page.Url);
    }

    [Fact]
    public async Task A_sign_in_posted_without_its_antiforgery_token_is_refused()
    {
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["person"] = ConsoleService.AdminPerson, ["password"] = ConsoleService.AdminPassword });

        using var response = await client.PostAsync(new Uri("/console/sign-in", UriKind.Relative), form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("billing_console=", StringComparison.Ordinal));
    }
}
