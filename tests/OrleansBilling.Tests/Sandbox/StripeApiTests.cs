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

    [Theory]
    [InlineData("customers", "emial=ada%40example.com", "emial")]
    [InlineData("customers", "metadata[product]=demo&metdata[customer]=c1", "metdata[customer]")]
    [InlineData("checkout/sessions", "mode=subscription&line_items[0][price]=price_basic&line_items[0][quantity]=1&line_items[0][qty]=1&success_url=https%3A%2F%2Fa.test%2F", "line_items[0][qty]")]
    [InlineData("refunds", "payment_intent=pi_1&ammount=100", "ammount")]
    public async Task An_unknown_parameter_is_400_parameter_unknown_and_changes_nothing(string path, string form, string unknown)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var eventsBefore = sandbox.Control.Events.Count;

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/sandbox/stripe/v1/{path}", UriKind.Relative))
        {
            Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new("Bearer", SandboxHost.TestKey);
        using var response = await sandbox.Http.SendAsync(request, Ct);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("parameter_unknown", error.GetProperty("code").GetString());
        Assert.Equal(unknown, error.GetProperty("param").GetString());
        Assert.Equal($"Received unknown parameter: {unknown}", error.GetProperty("message").GetString());
        Assert.Equal("https://docs.stripe.com/error-codes/parameter-unknown", error.GetProperty("doc_url").GetString());
        Assert.Equal(eventsBefore, sandbox.Control.Events.Count);
    }

    [Fact]
    public async Task Clearing_a_hash_with_an_empty_string_and_expanding_any_field_are_accepted()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var customer = await sandbox.Stripe.V1.Customers.CreateAsync(
            new CustomerCreateOptions { Email = "ada@example.com", Metadata = new Dictionary<string, string> { ["product"] = "demo" } }, cancellationToken: Ct);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/sandbox/stripe/v1/customers/{customer.Id}?expand[]=default_source", UriKind.Relative))
        {
            Content = new StringContent("metadata=", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new("Bearer", SandboxHost.TestKey);
        using var response = await sandbox.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await sandbox.Stripe.V1.Customers.GetAsync(customer.Id, cancellationToken: Ct)).Metadata);
    }

    [Fact]
    public async Task A_checkout_without_a_cancel_url_is_accepted_as_at_Stripe()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var session = await sandbox.Stripe.V1.Checkout.Sessions.CreateAsync(
            new Stripe.Checkout.SessionCreateOptions
            {
                Mode = "subscription",
                LineItems = [new Stripe.Checkout.SessionLineItemOptions { Price = SandboxHost.Basic, Quantity = 1 }],
                SuccessUrl = "https://app.example/success",
            },
            cancellationToken: Ct);
        var page = await sandbox.Http.GetStringAsync(new Uri(session.Url), Ct);

        Assert.Null(session.CancelUrl);
        Assert.Contains("Card number", page, StringComparison.Ordinal);
        Assert.DoesNotContain(">Cancel<", page, StringComparison.Ordinal);
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
