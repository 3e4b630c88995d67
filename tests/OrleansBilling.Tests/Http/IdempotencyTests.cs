using System.Net;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>A POST repeated with its <c>Idempotency-Key</c> gets the first answer and does its work once.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class IdempotencyTests(BillingService service) : IClassFixture<BillingService>
{
    private const string Replayed = "Idempotent-Replayed";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Repeating_a_checkout_with_its_key_answers_the_first_answer_marked_as_replayed()
    {
        using var client = service.Client();
        var body = BillingApi.Checkout("idem_replay");
        using var first = await client.PostJsonAsync("/v1/checkout", body, idempotencyKey: "key-idem-replay");

        using var repeat = await client.PostJsonAsync("/v1/checkout", body, idempotencyKey: "key-idem-replay");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.False(first.Headers.Contains(Replayed));
        Assert.Equal("true", Assert.Single(repeat.Headers.GetValues(Replayed)));
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancellation), await repeat.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task Repeating_a_checkout_with_its_key_reaches_the_provider_once()
    {
        using var client = service.Client();
        var body = BillingApi.Checkout("idem_once");
        using var first = await client.PostJsonAsync("/v1/checkout", body, idempotencyKey: "key-idem-once");

        using var repeat = await client.PostJsonAsync("/v1/checkout", body, idempotencyKey: "key-idem-once");

        Assert.Single(service.Payments.CallsNamed("checkout"), c => c.Target == "demo/idem_once");
        Assert.Single((await client.SubscriptionOfAsync("idem_once")).GetProperty("recentHistory").EnumerateArray());
    }

    [Fact]
    public async Task Reusing_a_key_with_a_different_body_is_422_idempotency_key_reused_and_changes_nothing()
    {
        using var client = service.Client();
        using var first = await client.PostJsonAsync("/v1/checkout", BillingApi.Checkout("idem_reused", plan: "basic"), idempotencyKey: "key-idem-reused");

        using var other = await client.PostJsonAsync("/v1/checkout", BillingApi.Checkout("idem_reused", plan: "pro"), idempotencyKey: "key-idem-reused");

        await other.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "urn:orleans-billing:problem:idempotency-key-reused");
        var subscription = await client.SubscriptionOfAsync("idem_reused");
        Assert.Equal("basic", subscription.GetProperty("planId").GetString());
        Assert.Single(subscription.GetProperty("recentHistory").EnumerateArray());
        Assert.Single(service.Payments.CallsNamed("checkout"), c => c.Target == "demo/idem_reused");
    }

    [Fact]
    public async Task A_key_longer_than_255_characters_is_400_invalid_request()
    {
        using var client = service.Client();

        using var response = await client.PostJsonAsync("/v1/checkout", BillingApi.Checkout("idem_long_key"), idempotencyKey: new string('k', 256));

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-request");
        Assert.DoesNotContain(service.Payments.Calls, c => c.Target == "demo/idem_long_key");
    }

    [Fact]
    public async Task A_key_of_255_characters_is_accepted()
    {
        using var client = service.Client();

        using var response = await client.PostJsonAsync("/v1/checkout", BillingApi.Checkout("idem_max_key"), idempotencyKey: new string('k', 255));

        await response.ReadOkAsync();
    }

    [Fact]
    public async Task Without_a_key_two_identical_posts_are_two_requests()
    {
        using var client = service.Client();
        var body = BillingApi.Checkout("idem_no_key");
        using var first = await client.PostJsonAsync("/v1/checkout", body);

        using var second = await client.PostJsonAsync("/v1/checkout", body);

        Assert.NotEqual((await first.ReadOkAsync()).GetProperty("sessionId").GetString(), (await second.ReadOkAsync()).GetProperty("sessionId").GetString());
        Assert.False(second.Headers.Contains(Replayed));
        Assert.Equal(2, service.Payments.CallsNamed("checkout").Count(c => c.Target == "demo/idem_no_key"));
        Assert.Equal(2, (await client.SubscriptionOfAsync("idem_no_key")).GetProperty("recentHistory").GetArrayLength());
    }

    [Fact]
    public async Task A_provider_outage_is_not_remembered_so_the_same_key_may_try_again()
    {
        using var client = service.Client();
        var body = BillingApi.Checkout("idem_outage");
        service.Payments.FailNext(1);
        using var failed = await client.PostJsonAsync("/v1/checkout", body, idempotencyKey: "key-idem-outage");

        using var retry = await client.PostJsonAsync("/v1/checkout", body, idempotencyKey: "key-idem-outage");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("Incomplete", (await retry.ReadOkAsync()).GetProperty("state").GetString());
        Assert.False(retry.Headers.Contains(Replayed));
    }

    [Fact]
    public async Task A_repeat_answers_the_first_answer_even_after_later_changes()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "idem_later");
        using var cancel = await client.PostJsonAsync("/v1/customers/idem_later/subscription/cancel", new { atPeriodEnd = true }, idempotencyKey: "key-idem-later");
        using var resume = await client.PostJsonAsync("/v1/customers/idem_later/subscription/resume", null);

        using var repeat = await client.PostJsonAsync("/v1/customers/idem_later/subscription/cancel", new { atPeriodEnd = true }, idempotencyKey: "key-idem-later");

        Assert.Equal("Canceling", (await repeat.ReadOkAsync()).GetProperty("state").GetString());
        Assert.Equal("true", Assert.Single(repeat.Headers.GetValues(Replayed)));
        Assert.Equal("Active", (await client.SubscriptionOfAsync("idem_later")).GetProperty("state").GetString());
    }
}
