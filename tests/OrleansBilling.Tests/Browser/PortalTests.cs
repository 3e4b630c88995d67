using System.Text.Json;
using Microsoft.Playwright;
using OrleansBilling.Tests.EndToEnd;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Browser;

/// <summary>
/// The billing portal in a real browser, as each product configures it (issue 11 §6): a demo customer
/// sees the invoices, switches to Pro and cancels at the period end, and the service follows each step
/// from Stripe's events (the plan, its metered price, the cancellation); a customer of a product whose
/// portal offers only the card sees no way to cancel, switch or read invoices.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class PortalTests(SandboxTwoProductsService service, Chromium chromium) : IClassFixture<SandboxTwoProductsService>, IClassFixture<Chromium>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_demo_customer_reads_invoices_switches_to_pro_and_cancels_in_the_portal_and_the_service_follows()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("portal_demo", "basic");
        await api.AllDeliveredAsync();
        var invoice = (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("latest_invoice").GetString()!;
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(await PortalUrlAsync(api, "portal_demo"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Demo", Exact = true })).ToBeVisibleAsync();
        var invoices = page.GetByRole(AriaRole.Region, new() { Name = "Invoices" });
        await Assertions.Expect(invoices.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Assertions.Expect(invoices).ToContainTextAsync("9.00 USD");

        await page.GetByLabel("New plan").SelectOptionAsync(new SelectOptionValue { Value = "price_demo_pro" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch plan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your plan is switched.");
        await Poll.UntilAsync(async () => (await api.SubscriptionOfAsync("portal_demo")).GetProperty("planId").GetString() == "pro", Patience, "pro at the service");
        await Poll.UntilAsync(async () => Prices(await api.StripeGetAsync($"subscriptions/{subscription}")).SequenceEqual(["price_demo_pro", "price_demo_pro_api_calls"]), Patience, "pro's metered price at Stripe");

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel subscription" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your subscription is canceled.");
        await Assertions.Expect(page.Locator(".subscription .status")).ToContainTextAsync("Cancels");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Don't cancel" })).ToBeVisibleAsync();
        await Poll.UntilAsync(async () => await api.StateOfAsync("portal_demo") == "Canceling", Patience, "canceling at the service");

        await invoices.GetByRole(AriaRole.Link).Last.ClickAsync();
        Assert.EndsWith($"/sandbox/invoices/{invoice}", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_of_a_product_whose_portal_offers_only_the_card_cannot_cancel_switch_or_read_invoices_there()
    {
        using var api = service.Client(SandboxTwoProductsService.LiteApiKey);
        await api.SubscribeAsync("portal_lite", "solo");
        await api.AllDeliveredAsync();
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(await PortalUrlAsync(api, "portal_lite"));

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Lite", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("New card number")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel subscription" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch plan" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Invoices" })).ToHaveCountAsync(0);
    }

    private static async Task<string> PortalUrlAsync(HttpClient api, string customerId)
    {
        using var response = await api.PostJsonAsync($"/v1/customers/{customerId}/portal", new { returnUrl = "https://app.test/account" });
        return (await response.ReadOkAsync()).GetProperty("url").GetString()!;
    }

    private static IEnumerable<string?> Prices(JsonElement subscription) =>
        subscription.GetProperty("items").GetProperty("data").EnumerateArray().Select(i => i.GetProperty("price").GetProperty("id").GetString());
}
