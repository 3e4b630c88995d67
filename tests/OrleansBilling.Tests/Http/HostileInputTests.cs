using System.Net;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>Input sent to hurt (issue 10 §1): a clear problem every time, never a 5xx, and nothing changed.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class HostileInputTests(BillingService service) : IClassFixture<BillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("fz_1%0A")]
    [InlineData("fz_1%0D")]
    [InlineData("%E2%80%AEfz")]
    public async Task An_id_with_a_control_character_at_its_end_or_anywhere_is_refused(string id)
    {
        using var client = service.Client();

        using var response = await client.GetAsync($"/v1/customers/{id}/entitlements", Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-id");
    }

    [Fact]
    public async Task A_NUL_in_the_path_is_refused_before_the_API_hears_of_it()
    {
        using var client = service.Client();

        using var response = await client.GetAsync("/v1/customers/fz%00/entitlements", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("fz\n")]
    [InlineData("fz\u0000")]
    public async Task A_checkout_for_a_customer_id_with_a_control_character_is_refused(string customerId)
    {
        using var client = service.Client();

        using var refused = await client.PostJsonAsync("/v1/checkout", new
        {
            customerId, plan = "basic", successUrl = "https://app.test/ok", cancelUrl = "https://app.test/no",
        });

        await refused.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-id");
    }

    [Theory]
    [InlineData("\u202e@evil.test")]
    [InlineData("ada@exa\u0000mple.com")]
    [InlineData("ada@@example.com")]
    [InlineData("ada@example")]
    [InlineData("ada example@example.com")]
    public async Task A_checkout_with_an_email_that_is_no_address_is_refused_before_Stripe_hears_of_it(string email)
    {
        using var client = service.Client();
        var customer = $"fz_email_{Guid.NewGuid():N}";

        using var response = await client.PostJsonAsync("/v1/checkout", new
        {
            customerId = customer, plan = "basic", successUrl = "https://app.test/ok", cancelUrl = "https://app.test/no", email,
        });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        Assert.DoesNotContain(service.Payments.Attempts, a => a.Target == $"demo/{customer}");
    }

    [Theory]
    [InlineData("https://a.test/\u0000")]
    [InlineData("https://a.test/\n")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://")]
    public async Task A_checkout_with_a_return_url_that_is_no_web_address_is_refused_before_Stripe_hears_of_it(string url)
    {
        using var client = service.Client();
        var customer = $"fz_url_{Guid.NewGuid():N}";

        using var response = await client.PostJsonAsync("/v1/checkout", new
        {
            customerId = customer, plan = "basic", successUrl = url, cancelUrl = "https://app.test/no",
        });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty("successUrl", out _));
        Assert.DoesNotContain(service.Payments.Attempts, a => a.Target == $"demo/{customer}");
    }
}
