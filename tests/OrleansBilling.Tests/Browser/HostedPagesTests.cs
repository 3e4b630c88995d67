using Microsoft.Playwright;
using OrleansBilling.Tests.EndToEnd;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Browser;

/// <summary>
/// The sandbox's hosted pages in a real browser (issue 11 §6): a customer pays on the checkout page and,
/// the product's success URL being out of reach, ends on the page's own success page; the mailbox names
/// each email's template and shows its parameters readably.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class HostedPagesTests(SandboxBillingService service, Chromium chromium) : IClassFixture<SandboxBillingService>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_customer_pays_on_the_checkout_page_and_ends_on_its_success_page_when_the_product_is_out_of_reach()
    {
        using var api = service.Client();
        var session = await api.OpenCheckoutAsync("browser_pay", "basic");
        var page = await chromium.NewPageAsync();

        await page.GotoAsync($"{service.BaseAddress}sandbox/checkout/{session}");
        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Pay ") }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Payment complete. Thank you.");
        Assert.EndsWith($"/sandbox/checkout/{session}/success", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "https://app.test/welcome" })).ToBeVisibleAsync();
        await api.AllDeliveredAsync();
        Assert.Equal("Active", await api.StateOfAsync("browser_pay"));
    }

    [Fact]
    public async Task The_mailbox_names_the_template_and_shows_its_parameters()
    {
        using var api = service.Client();
        await api.SubscribeAsync("browser_mail", "basic");
        await api.AllDeliveredAsync();
        var page = await chromium.NewPageAsync();

        await page.GotoAsync($"{service.BaseAddress}sandbox/mailbox");

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "browser_mail@example.com" }).Filter(new() { HasText = "welcome" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator(".template strong")).ToHaveTextAsync("welcome");
        await Assertions.Expect(row.Locator("dl.params dt", new() { HasText = "plan" })).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator("dl.params dd").Filter(new() { HasText = "Basic" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task The_invoice_page_shows_who_is_billed_when_it_is_due_and_each_line_with_its_period()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("browser_invoice", "basic");
        var invoice = await api.StripeGetAsync($"invoices/{(await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("latest_invoice").GetString()}");
        var line = invoice.GetProperty("lines").GetProperty("data")[0];
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(invoice.GetProperty("hosted_invoice_url").GetString()!);

        await Assertions.Expect(page.Locator("dl.invoice")).ToContainTextAsync("browser_invoice@example.com");
        await Assertions.Expect(page.Locator("dl.invoice")).ToContainTextAsync("Due");
        var row = page.Locator("table.lines tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync(line.GetProperty("description").GetString()!);
        await Assertions.Expect(row).ToContainTextAsync(Day(line.GetProperty("period").GetProperty("start").GetInt64()) + " – " + Day(line.GetProperty("period").GetProperty("end").GetInt64()));
        await Assertions.Expect(page.Locator("table.lines tfoot")).ToContainTextAsync("9.00 USD");
    }

    private static string Day(long unix) =>
        DateTimeOffset.FromUnixTimeSeconds(unix).ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
}
