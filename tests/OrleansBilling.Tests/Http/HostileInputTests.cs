using System.Net;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>Input sent to hurt (issue 10 §1): a clear problem every time, never a 5xx, and nothing changed.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class HostileInputTests(BillingService service) : IClassFixture<BillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_events_of_1e308_are_refused_and_the_customer_still_answers()
    {
        using var client = service.Client();
        var customer = $"fz_huge_{Guid.NewGuid():N}";
        await service.ActivateAsync(client, customer);

        foreach (var key in new[] { "huge-1", "huge-2" })
        {
            using var response = await client.PostRawJsonAsync($"/v1/customers/{customer}/usage", $$"""{"meter":"api_calls","quantity":1e308,"idempotencyKey":"{{key}}"}""");
            await response.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-quantity");
        }

        using var batch = await client.PostRawJsonAsync("/v1/entitlements:batch", $$"""{"customerIds":["{{customer}}"]}""");
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(0m, (await client.EntitlementsOfAsync(customer)).GetProperty("meters").GetProperty("api_calls").GetProperty("used").GetDecimal());
    }

    [Fact]
    public async Task Quantities_add_up_exactly_to_the_largest_a_meter_takes()
    {
        using var client = service.Client();
        var customer = $"fz_exact_{Guid.NewGuid():N}";
        await service.ActivateAsync(client, customer);

        // 0.1 + 0.2 is 0.30000000000000004 in doubles; the largest event is the meter's maximum.
        var events = new[] { "0.1", "0.2", "1000000000", "0.000001" }.Select((q, i) => $$"""{"customerId":"{{customer}}","meter":"api_calls","quantity":{{q}},"idempotencyKey":"exact-{{i}}"}""");
        using var accepted = await client.PostRawJsonAsync("/v1/usage", $$"""{"events":[{{string.Join(',', events)}}]}""");
        using var over = await client.PostRawJsonAsync($"/v1/customers/{customer}/usage", """{"meter":"api_calls","quantity":1000000001,"idempotencyKey":"over"}""");
        using var tooFine = await client.PostRawJsonAsync($"/v1/customers/{customer}/usage", """{"meter":"api_calls","quantity":0.0000001,"idempotencyKey":"fine"}""");

        Assert.All((await accepted.ReadOkAsync()).GetProperty("results").EnumerateArray(), r => Assert.Equal("Accepted", r.GetProperty("outcome").GetString()));
        var problem = await over.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-quantity");
        Assert.Contains("1000000000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await tooFine.ReadProblemAsync(HttpStatusCode.BadRequest, "urn:orleans-billing:problem:invalid-quantity");
        var meter = (await client.EntitlementsOfAsync(customer)).GetProperty("meters").GetProperty("api_calls");
        Assert.Equal("1000000000.300001", meter.GetProperty("used").GetRawText());
        Assert.Equal(0m, meter.GetProperty("remaining").GetDecimal());
    }

    [Fact]
    public async Task A_usage_batch_of_1000_events_with_every_field_at_its_longest_fits_its_routes_limit()
    {
        using var client = service.Client();
        var customer = "fz_batch_" + new string('c', 55);
        await service.ActivateAsync(client, customer);
        var events = Enumerable.Range(0, 1000).Select(i => new
        {
            customerId = customer,
            meter = "api_calls",
            quantity = 123456.123456m,
            idempotencyKey = $"{i:D4}" + new string('k', 251),
            timestamp = service.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(-7)).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        });
        var json = System.Text.Json.JsonSerializer.Serialize(new { events }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

        using var response = await client.PostRawJsonAsync("/v1/usage", json);

        Assert.InRange(json.Length, 400_000, (int)OrleansBilling.Gateway.Problems.BodyLimits.UsageBatch);
        var results = (await response.ReadOkAsync()).GetProperty("results");
        Assert.Equal(1000, results.EnumerateArray().Count(r => r.GetProperty("outcome").GetString() == "Accepted"));
    }

    [Theory]
    [InlineData("/v1/usage", 2 * 1024 * 1024)]
    [InlineData("/v1/checkout", 64 * 1024)]
    [InlineData("/admin/v1/products/demo/dunning", 64 * 1024)]
    public async Task A_body_one_byte_past_its_routes_limit_is_a_413_problem_before_it_is_read(string path, int limit)
    {
        using var client = service.Client(apiKey: path.StartsWith("/admin", StringComparison.Ordinal) ? BillingService.AdminKey : BillingService.DemoApiKey);
        var json = "{\"padding\":\"" + new string('x', limit + 1 - 14) + "\"}";
        using var request = new HttpRequestMessage(path.StartsWith("/admin", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post, path)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };

        // As a client sending a large body should: the 413 comes before the body is sent, not mid-way
        // (without it the server may close the connection while the client still writes).
        request.Headers.ExpectContinue = true;

        using var response = await client.SendAsync(request, Cancellation);

        Assert.Equal(limit + 1, json.Length);
        var problem = await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge, "urn:orleans-billing:problem:payload-too-large");
        Assert.Contains(limit.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

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
