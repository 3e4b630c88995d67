using System.Net;
using System.Text.Json;
using Stripe;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>What every call to the emulated API gets, as from Stripe: test keys, errors, idempotency, and a log of what was sent.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class StripeApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_that_is_not_a_test_secret_key_is_refused_with_401()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var live = sandbox.NewStripeClient("sk_live_0123456789");

        var error = await Assert.ThrowsAsync<StripeException>(() => live.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Contains("Invalid API Key", error.StripeError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_object_is_404_resource_missing_naming_the_param()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Subscriptions.GetAsync("sub_missing", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.NotFound, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal("resource_missing", error.StripeError.Code);
        Assert.Equal("id", error.StripeError.Param);
        Assert.Equal("No such subscription: 'sub_missing'", error.StripeError.Message);
    }

    [Fact]
    public async Task An_unknown_url_is_404()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.Stripe.V1.Products.GetAsync("prod_x", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.NotFound, error.HttpStatusCode);
        Assert.Contains("Unrecognized request URL", error.StripeError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_is_created_read_and_updated_with_metadata()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var created = await sandbox.Stripe.V1.Customers.CreateAsync(
            new CustomerCreateOptions { Email = "ada@example.com", Name = "Ada", Metadata = new Dictionary<string, string> { ["account"] = "acct_1" } },
            cancellationToken: Ct);
        var updated = await sandbox.Stripe.V1.Customers.UpdateAsync(
            created.Id,
            new CustomerUpdateOptions { Name = "Ada Lovelace", Metadata = new Dictionary<string, string> { ["tier"] = "gold" } },
            cancellationToken: Ct);
        var read = await sandbox.Stripe.V1.Customers.GetAsync(created.Id, cancellationToken: Ct);

        Assert.StartsWith("cus_", created.Id, StringComparison.Ordinal);
        Assert.Equal("ada@example.com", read.Email);
        Assert.Equal("Ada Lovelace", updated.Name);
        Assert.Equal(new Dictionary<string, string> { ["account"] = "acct_1", ["tier"] = "gold" }, read.Metadata);
        Assert.False(read.Livemode);
        Assert.Equal(["customer.created", "customer.updated"], sandbox.Receiver.Types);
        Assert.Equal("Ada", ((Newtonsoft.Json.Linq.JObject)sandbox.Receiver.Events[1].Data.PreviousAttributes)["name"]!.ToString());
    }

    [Fact]
    public async Task The_same_idempotency_key_and_parameters_replay_the_first_response()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var options = new CustomerCreateOptions { Email = "ada@example.com" };
        var key = new RequestOptions { IdempotencyKey = "create-customer-ada" };

        var first = await sandbox.Stripe.V1.Customers.CreateAsync(options, key, Ct);
        var second = await sandbox.Stripe.V1.Customers.CreateAsync(options, key, Ct);

        Assert.Equal(first.Id, second.Id);
        Assert.Single(sandbox.Receiver.OfType("customer.created"));
        Assert.True(sandbox.Requests.To("POST", "/v1/customers")[1].Replayed);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_other_parameters_is_400_idempotency_error()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var key = new RequestOptions { IdempotencyKey = "create-customer-once" };
        await sandbox.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "ada@example.com" }, key, Ct);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "grace@example.com" }, key, Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("idempotency_error", error.StripeError.Type);
    }

    [Fact]
    public async Task The_request_log_holds_the_parameters_StripeNet_sent()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        await sandbox.CreateCheckoutAsync(trialDays: 7, requestOptions: new RequestOptions { IdempotencyKey = "checkout-acct_42" });

        var request = Assert.Single(sandbox.Requests.To("POST", "/v1/checkout/sessions"));
        Assert.Equal("price_basic", request.Parameter("line_items[0][price]"));
        Assert.Equal("subscription", request.Parameter("mode"));
        Assert.Equal("acct_42", request.Parameter("subscription_data[metadata][customer]"));
        Assert.Equal("7", request.Parameter("subscription_data[trial_period_days]"));
        Assert.Equal("checkout-acct_42", request.IdempotencyKey);
        Assert.Equal(200, request.StatusCode);

        var log = JsonDocument.Parse(await sandbox.Http.GetStringAsync(new Uri("/sandbox/requests", UriKind.Relative), Ct)).RootElement;
        var parameters = log[0].GetProperty("parameters");
        Assert.Equal("price_basic", parameters.GetProperty("line_items").GetProperty("0").GetProperty("price").GetString());
        Assert.Equal("demo", parameters.GetProperty("subscription_data").GetProperty("metadata").GetProperty("product").GetString());
    }

    [Fact]
    public async Task Expand_replaces_an_id_with_its_object()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync();

        var subscription = await sandbox.Stripe.V1.Subscriptions.GetAsync(
            result.SubscriptionId,
            new SubscriptionGetOptions { Expand = ["latest_invoice", "customer"] },
            cancellationToken: Ct);

        Assert.Equal("paid", subscription.LatestInvoice.Status);
        Assert.Equal("ada@example.com", subscription.Customer.Email);
    }
}
