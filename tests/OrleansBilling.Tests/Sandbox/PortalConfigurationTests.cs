using System.Net;
using Stripe;
using Stripe.BillingPortal;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>
/// Billing-portal configurations (issue 11 §6): the portal page offers what its configuration allows (cancel
/// at the period end or at once, a switch between the configured prices, invoices, the card) and refuses
/// what it does not, changing nothing.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class PortalConfigurationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_configured_portal_cancels_at_the_period_end_takes_it_back_and_switches_to_a_configured_price()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var paid = await sandbox.SubscribeAsync();
        var configuration = await ConfigureAsync(sandbox, cancelMode: "at_period_end", switchTo: [SandboxHost.Basic, SandboxHost.Pro]);
        var portal = await SessionAsync(sandbox, paid.CustomerId!, configuration.Id);

        var page = await sandbox.Http.GetStringAsync(new Uri(portal.Url), Ct);
        var (canceled, _) = await PostAsync(sandbox, portal, "cancel", paid.SubscriptionId!);
        var cancelsAtEnd = (await sandbox.GetSubscriptionAsync(paid.SubscriptionId!)).CancelAtPeriodEnd;
        var (renewed, _) = await PostAsync(sandbox, portal, "renew", paid.SubscriptionId!);
        var renews = !(await sandbox.GetSubscriptionAsync(paid.SubscriptionId!)).CancelAtPeriodEnd;
        var (switched, after) = await PostAsync(sandbox, portal, "switch", paid.SubscriptionId!, SandboxHost.Pro);

        Assert.Equal(configuration.Id, portal.ConfigurationId);
        Assert.Contains(">Cancel subscription</button>", page, StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{SandboxHost.Pro}\">", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"<option value=\"{SandboxHost.Basic}\">", page, StringComparison.Ordinal);
        Assert.Contains(paid.InvoiceId!, page, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"card\"", page, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, true, HttpStatusCode.OK, true, HttpStatusCode.OK), (canceled, cancelsAtEnd, renewed, renews, switched));
        Assert.Contains("Your plan is switched.", after, StringComparison.Ordinal);
        Assert.Equal(SandboxHost.Pro, (await sandbox.GetSubscriptionAsync(paid.SubscriptionId!)).Items.Data[0].Price.Id);
    }

    [Fact]
    public async Task A_portal_that_cancels_immediately_ends_the_subscription_at_once()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var paid = await sandbox.SubscribeAsync();
        var portal = await SessionAsync(sandbox, paid.CustomerId!, (await ConfigureAsync(sandbox, cancelMode: "immediately", switchTo: [])).Id);

        var (status, _) = await PostAsync(sandbox, portal, "cancel", paid.SubscriptionId!);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("canceled", (await sandbox.GetSubscriptionAsync(paid.SubscriptionId!)).Status);
        Assert.Single(sandbox.Receiver.OfType("customer.subscription.deleted"));
    }

    [Theory]
    [InlineData("cancel", null)]
    [InlineData("switch", SandboxHost.Pro)]
    [InlineData("card", null)]
    public async Task The_default_portal_offers_only_invoices_and_the_card_and_refuses_the_rest_changing_nothing(string action, string? price)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var paid = await sandbox.SubscribeAsync();
        var portal = await SessionAsync(sandbox, paid.CustomerId!, configurationId: null);
        var restricted = await SessionAsync(sandbox, paid.CustomerId!, (await ConfigureAsync(sandbox, cancelMode: null, switchTo: [])).Id);
        var updates = sandbox.Receiver.Events.Count;

        var page = await sandbox.Http.GetStringAsync(new Uri(portal.Url), Ct);
        var (status, body) = action == "card"
            ? await PostAsync(sandbox, restricted, "card", null, card: "4242424242424242")
            : await PostAsync(sandbox, portal, action, paid.SubscriptionId!, price);

        Assert.Equal("bpc_sandbox_default", portal.ConfigurationId);
        Assert.Contains("name=\"card\"", page, StringComparison.Ordinal);
        Assert.Contains(paid.InvoiceId!, page, StringComparison.Ordinal);
        Assert.DoesNotContain("Cancel subscription", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Switch plan", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("This portal does not offer that.", body, StringComparison.Ordinal);
        Assert.Equal(updates, sandbox.Receiver.Events.Count);
        var subscription = await sandbox.GetSubscriptionAsync(paid.SubscriptionId!);
        Assert.Equal(("active", false, SandboxHost.Basic), (subscription.Status, subscription.CancelAtPeriodEnd, subscription.Items.Data[0].Price.Id));
    }

    [Fact]
    public async Task The_portal_refuses_a_switch_to_a_configured_price_of_another_interval()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var paid = await sandbox.SubscribeAsync(metered: [SandboxHost.BasicCalls]);
        var portal = await SessionAsync(sandbox, paid.CustomerId!, (await ConfigureAsync(sandbox, cancelMode: null, switchTo: [SandboxHost.Basic, SandboxHost.Yearly])).Id);

        var page = await sandbox.Http.GetStringAsync(new Uri(portal.Url), Ct);
        var (status, _) = await PostAsync(sandbox, portal, "switch", paid.SubscriptionId!, SandboxHost.Yearly);

        Assert.DoesNotContain($"<option value=\"{SandboxHost.Yearly}\">", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal([SandboxHost.Basic, SandboxHost.BasicCalls], (await sandbox.GetSubscriptionAsync(paid.SubscriptionId!)).Items.Data.Select(i => i.Price.Id));
    }

    [Fact]
    public async Task A_session_with_an_unknown_configuration_and_a_configuration_with_a_price_of_another_product_are_refused()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var paid = await sandbox.SubscribeAsync();
        var basic = await sandbox.Stripe.V1.Prices.GetAsync(SandboxHost.Basic, cancellationToken: Ct);

        var unknown = await Assert.ThrowsAsync<StripeException>(() => SessionAsync(sandbox, paid.CustomerId!, "bpc_missing"));
        var mixed = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.BillingPortal.Configurations.CreateAsync(
            new ConfigurationCreateOptions
            {
                Features = new()
                {
                    SubscriptionUpdate = new()
                    {
                        Enabled = true,
                        DefaultAllowedUpdates = ["price"],
                        Products = [new() { Product = basic.ProductId, Prices = [SandboxHost.Pro] }],
                    },
                },
            },
            cancellationToken: Ct));

        Assert.Equal(("resource_missing", "configuration"), (unknown.StripeError.Code, unknown.StripeError.Param));
        Assert.Equal(HttpStatusCode.BadRequest, mixed.HttpStatusCode);
    }

    /// <summary>A configuration with the invoices, cancel as <paramref name="cancelMode"/> (off when null) and a switch between <paramref name="switchTo"/>; no card.</summary>
    private static async Task<Configuration> ConfigureAsync(SandboxHost sandbox, string? cancelMode, IReadOnlyList<string> switchTo)
    {
        var products = new List<ConfigurationFeaturesSubscriptionUpdateProductOptions>();
        foreach (var priceId in switchTo)
        {
            var product = (await sandbox.Stripe.V1.Prices.GetAsync(priceId, cancellationToken: Ct)).ProductId;
            products.Add(new() { Product = product, Prices = [priceId] });
        }

        return await sandbox.Stripe.V1.BillingPortal.Configurations.CreateAsync(
            new ConfigurationCreateOptions
            {
                BusinessProfile = new() { Headline = "Demo" },
                Features = new()
                {
                    InvoiceHistory = new() { Enabled = true },
                    PaymentMethodUpdate = new() { Enabled = false },
                    SubscriptionCancel = new() { Enabled = cancelMode is not null, Mode = cancelMode ?? "at_period_end" },
                    SubscriptionUpdate = new()
                    {
                        Enabled = products.Count > 0,
                        DefaultAllowedUpdates = products.Count > 0 ? ["price"] : [],
                        Products = products.Count > 0 ? products : null,
                        ProrationBehavior = "create_prorations",
                    },
                },
            },
            cancellationToken: Ct);
    }

    private static Task<Session> SessionAsync(SandboxHost sandbox, string customerId, string? configurationId) =>
        sandbox.Stripe.V1.BillingPortal.Sessions.CreateAsync(
            new SessionCreateOptions { Customer = customerId, ReturnUrl = "https://app.example/account", Configuration = configurationId },
            cancellationToken: Ct);

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(SandboxHost sandbox, Session portal, string action, string? subscriptionId, string? price = null, string? card = null)
    {
        var fields = new Dictionary<string, string> { ["action"] = action };
        if (subscriptionId is not null)
        {
            fields["subscription"] = subscriptionId;
        }

        if (price is not null)
        {
            fields["price"] = price;
        }

        if (card is not null)
        {
            fields["card"] = card;
        }

        using var content = new FormUrlEncodedContent(fields);
        using var response = await sandbox.Http.PostAsync(new Uri(portal.Url), content, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }
}
