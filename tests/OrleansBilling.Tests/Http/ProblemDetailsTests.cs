using System.Net;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>Every refusal is an RFC 9457 problem whose <c>type</c> a product service can switch on, and a refused request changes nothing.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class ProblemDetailsTests(BillingService service) : IClassFixture<BillingService>
{
    private const string InvalidId = "urn:orleans-billing:problem:invalid-id";
    private const string InvalidRequest = "urn:orleans-billing:problem:invalid-request";
    private const string UnknownPlan = "urn:orleans-billing:problem:unknown-plan";
    private const string TransitionNotAllowed = "urn:orleans-billing:problem:transition-not-allowed";
    private const string ProviderUnavailable = "urn:orleans-billing:problem:provider-unavailable";
    private const string ProviderRejected = "urn:orleans-billing:problem:provider-rejected";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Customer ids as they appear in a request path.</summary>
    public static TheoryData<string> MalformedPathIds =>
    [
        new string('a', 65),
        "a+b",
        "a%2Bb",
        "a%2Fb",
        "a%20b",
        "caf%C3%A9",
    ];

    [Theory]
    [MemberData(nameof(MalformedPathIds))]
    public async Task A_malformed_customer_id_in_the_path_is_400_invalid_id(string customerId)
    {
        using var client = service.Client();

        using var response = await client.GetAsync($"/v1/customers/{customerId}/subscription", Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, InvalidId);
    }

    [Fact]
    public async Task A_customer_id_of_64_characters_is_well_formed()
    {
        using var client = service.Client();

        using var response = await client.GetAsync($"/v1/customers/{new string('a', 64)}/subscription", Cancellation);

        await response.ReadOkAsync();
    }

    [Fact]
    public async Task A_malformed_customer_id_in_a_command_path_is_400_invalid_id()
    {
        using var client = service.Client();

        using var response = await client.PostJsonAsync("/v1/customers/a%2Fb/subscription/cancel", new { atPeriodEnd = true });

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, InvalidId);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a+b")]
    [InlineData("..")]
    public async Task A_malformed_customer_id_in_the_checkout_body_is_400_invalid_id(string customerId)
    {
        using var client = service.Client();

        using var response = await client.PostJsonAsync("/v1/checkout", BillingApi.Checkout(customerId));

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, InvalidId);
    }

    [Fact]
    public async Task A_checkout_for_a_plan_the_product_does_not_have_is_422_unknown_plan()
    {
        using var client = service.Client();

        using var response = await client.PostJsonAsync("/v1/checkout", BillingApi.Checkout("prob_unknown_plan", plan: "platinum"));

        await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, UnknownPlan);
    }

    [Fact]
    public async Task A_plan_change_to_a_plan_the_product_does_not_have_is_422_unknown_plan()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "prob_unknown_plan_change");

        using var response = await client.PostJsonAsync("/v1/customers/prob_unknown_plan_change/subscription/plan", new { plan = "platinum" });

        await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, UnknownPlan);
    }

    [Fact]
    public async Task Cancel_for_a_customer_without_a_subscription_is_409_naming_the_state_and_the_transition()
    {
        using var client = service.Client();

        using var response = await client.PostJsonAsync("/v1/customers/prob_cancel_none/subscription/cancel", new { atPeriodEnd = true });

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict, TransitionNotAllowed);
        Assert.Equal("None", problem.GetProperty("currentState").GetString());
        Assert.Equal("CancelScheduled", problem.GetProperty("transition").GetString());
    }

    [Fact]
    public async Task Resume_when_nothing_is_scheduled_is_409_naming_the_state_and_the_transition()
    {
        using var client = service.Client();
        await client.StartCheckoutAsync("prob_resume_incomplete");

        using var response = await client.PostJsonAsync("/v1/customers/prob_resume_incomplete/subscription/resume", null);

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict, TransitionNotAllowed);
        Assert.Equal("Incomplete", problem.GetProperty("currentState").GetString());
        Assert.Equal("CancelUndone", problem.GetProperty("transition").GetString());
    }

    [Fact]
    public async Task An_unknown_route_is_404_with_the_services_own_problem_type()
    {
        using var client = service.Client();

        using var response = await client.GetAsync("/v1/customers/prob_404/nothing-here", TestContext.Current.CancellationToken);

        await response.ReadProblemAsync(HttpStatusCode.NotFound, "urn:orleans-billing:problem:not-found");
    }

    [Fact]
    public async Task Resume_of_an_active_subscription_with_nothing_scheduled_is_409()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "prob_resume_active");

        using var response = await client.PostJsonAsync("/v1/customers/prob_resume_active/subscription/resume", null);

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict, TransitionNotAllowed);
        Assert.Equal("Active", problem.GetProperty("currentState").GetString());
        Assert.Equal("CancelUndone", problem.GetProperty("transition").GetString());
    }

    /// <summary>Checkout bodies with one bad field, and the field the problem names.</summary>
    public static TheoryData<string, string> InvalidCheckoutBodies => new()
    {
        { """{"customerId":"","plan":"basic","successUrl":"https://app.test/ok","cancelUrl":"https://app.test/no"}""", "customerId" },
        { """{"plan":"basic","successUrl":"https://app.test/ok","cancelUrl":"https://app.test/no"}""", "customerId" },
        { """{"customerId":"prob_body","successUrl":"https://app.test/ok","cancelUrl":"https://app.test/no"}""", "plan" },
        { """{"customerId":"prob_body","plan":" ","successUrl":"https://app.test/ok","cancelUrl":"https://app.test/no"}""", "plan" },
        { """{"customerId":"prob_body","plan":"basic","successUrl":"/welcome","cancelUrl":"https://app.test/no"}""", "successUrl" },
        { """{"customerId":"prob_body","plan":"basic","successUrl":"ftp://app.test/ok","cancelUrl":"https://app.test/no"}""", "successUrl" },
        { """{"customerId":"prob_body","plan":"basic","successUrl":"https://app.test/ok"}""", "cancelUrl" },
        { """{"customerId":"prob_body","plan":"basic","successUrl":"https://app.test/ok","cancelUrl":"https://app.test/no","email":"not-an-address"}""", "email" },
        { """{"customerId":"prob_body","plan":"basic","successUrl":"https://app.test/ok","cancelUrl":"https://app.test/no","email":"ada @example.com"}""", "email" },
    };

    [Theory]
    [MemberData(nameof(InvalidCheckoutBodies))]
    public async Task A_checkout_with_an_invalid_field_is_400_invalid_request_naming_the_field(string body, string field)
    {
        using var client = service.Client();

        using var response = await client.PostRawJsonAsync("/v1/checkout", body);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest, InvalidRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"The problem names {field}: {problem}");
    }

    [Fact]
    public async Task A_cancel_that_does_not_say_when_is_400_invalid_request()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "prob_cancel_when");

        using var response = await client.PostRawJsonAsync("/v1/customers/prob_cancel_when/subscription/cancel", "{}");

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest, InvalidRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("atPeriodEnd", out _));
    }

    [Theory]
    [InlineData("""{"proration":"always_invoice"}""", "plan")]
    [InlineData("""{"plan":"pro","proration":"sometimes"}""", "proration")]
    [InlineData("""{"plan":"pro","proration":"AlwaysInvoice"}""", "proration")]
    public async Task A_plan_change_with_an_invalid_field_is_400_invalid_request_naming_the_field(string body, string field)
    {
        using var client = service.Client();

        using var response = await client.PostRawJsonAsync("/v1/customers/prob_plan_body/subscription/plan", body);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest, InvalidRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"The problem names {field}: {problem}");
    }

    [Theory]
    [InlineData("""{"atPeriodEnd": tru""")]
    [InlineData("""{"atPeriodEnd": "soon"}""")]
    [InlineData("not json")]
    public async Task A_malformed_json_body_is_400_problem_and_changes_nothing(string body)
    {
        using var client = service.Client();
        var customerId = $"prob_json_{Guid.NewGuid():N}";
        await service.ActivateAsync(client, customerId);

        using var response = await client.PostRawJsonAsync($"/v1/customers/{customerId}/subscription/cancel", body);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, InvalidRequest);
        Assert.Equal("Active", (await client.SubscriptionOfAsync(customerId)).GetProperty("state").GetString());
        Assert.DoesNotContain(service.Payments.Calls, c => c.Target == BillingApi.ProviderSubscriptionOf(customerId));
    }

    [Fact]
    public async Task A_provider_outage_at_checkout_is_503_provider_unavailable_and_changes_nothing()
    {
        using var client = service.Client();
        service.Payments.FailNext(1);

        using var response = await client.PostJsonAsync("/v1/checkout", BillingApi.Checkout("prob_outage_checkout"));

        await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable, ProviderUnavailable);
        var subscription = await client.SubscriptionOfAsync("prob_outage_checkout");
        Assert.Equal("None", subscription.GetProperty("state").GetString());
        Assert.Empty(subscription.GetProperty("recentHistory").EnumerateArray());
    }

    [Fact]
    public async Task A_provider_outage_during_cancel_is_503_provider_unavailable_and_the_subscription_stays_active()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "prob_outage_cancel");
        service.Payments.FailNext(1);

        using var response = await client.PostJsonAsync("/v1/customers/prob_outage_cancel/subscription/cancel", new { atPeriodEnd = false });

        await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable, ProviderUnavailable);
        Assert.Equal("Active", (await client.SubscriptionOfAsync("prob_outage_cancel")).GetProperty("state").GetString());
        Assert.True((await client.EntitlementsOfAsync("prob_outage_cancel")).GetProperty("entitled").GetBoolean());
    }

    [Fact]
    public async Task A_provider_refusal_is_502_provider_rejected_and_changes_nothing()
    {
        using var client = service.Client();
        service.Payments.FailNext(1, transient: false);

        using var response = await client.PostJsonAsync("/v1/checkout", BillingApi.Checkout("prob_rejected"));

        await response.ReadProblemAsync(HttpStatusCode.BadGateway, ProviderRejected);
        Assert.Equal("None", (await client.SubscriptionOfAsync("prob_rejected")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_provider_outage_while_listing_invoices_is_503_provider_unavailable()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "prob_outage_invoices");
        service.Payments.FailNext(1);

        using var response = await client.GetAsync("/v1/customers/prob_outage_invoices/invoices", TestContext.Current.CancellationToken);

        await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable, ProviderUnavailable);
    }
}
