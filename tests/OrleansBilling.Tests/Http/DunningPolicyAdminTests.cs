using System.Net;
using System.Net.Http.Json;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>Setting a product's policy changes what later episodes follow: its own service, so other tests keep the default.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class DunningPolicyAdminTests(BillingService service) : IClassFixture<BillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Support_sets_a_products_policy_and_previews_its_timeline_from_a_given_start()
    {
        using var admin = service.Client(apiKey: BillingService.AdminKey);
        var policy = new
        {
            steps = new object[]
            {
                new { after = "P0D", action = "email", template = "payment_failed" },
                new { after = "P2D", action = "suspend", template = "access_suspended", retryPayment = true },
                new { after = "P5D", action = "cancel", template = "subscription_canceled" },
            },
        };

        using var put = await admin.PutAsJsonAsync("/admin/v1/products/other/dunning", policy, Cancellation);
        using var preview = await admin.GetAsync("/admin/v1/products/other/dunning/preview?start=2027-01-01T00:00:00Z", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        using var demoPut = await admin.PutAsJsonAsync("/admin/v1/products/demo/dunning", policy, Cancellation);
        Assert.Equal(HttpStatusCode.OK, demoPut.StatusCode);
        using var demoPreview = await admin.GetAsync("/admin/v1/products/demo/dunning/preview?start=2027-01-01T00:00:00Z", Cancellation);
        var timeline = (await demoPreview.ReadOkAsync()).EnumerateArray().ToList();
        Assert.Equal(["2027-01-01", "2027-01-03", "2027-01-06"], timeline.Select(s => s.GetProperty("dueAt").GetDateTimeOffset().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["Email", "Suspend", "Cancel"], timeline.Select(s => s.GetProperty("action").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, preview.StatusCode);
    }

    [Theory]
    [InlineData("""{"steps":[{"after":"three days","action":"email","template":"t"},{"after":"P1D","action":"cancel","template":"t"}]}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps":[{"after":"P1D","action":"shout","template":"t"},{"after":"P2D","action":"cancel","template":"t"}]}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps":[{"after":"P3D","action":"email","template":"t"},{"after":"P1D","action":"cancel","template":"t"}]}""", HttpStatusCode.UnprocessableEntity)]
    [InlineData("""{"steps":[{"after":"P1D","action":"email","template":"t"}]}""", HttpStatusCode.UnprocessableEntity)]
    [InlineData("""{"steps":[{"after":"P1D","action":"cancel","template":"t"},{"after":"P2D","action":"cancel","template":"t"}]}""", HttpStatusCode.UnprocessableEntity)]
    [InlineData("""{"steps":[null]}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps":[{"after":"P99999999D","action":"cancel","template":"t"}]}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps":[{"after":"P366D","action":"cancel","template":"t"}]}""", HttpStatusCode.UnprocessableEntity)]
    [InlineData("""{"steps":[{"after":"P10000000D","action":"cancel","template":"t"}]}""", HttpStatusCode.UnprocessableEntity)]
    public async Task A_policy_that_is_malformed_or_never_ends_properly_is_refused_and_changes_nothing(string body, HttpStatusCode status)
    {
        using var admin = service.Client(apiKey: BillingService.AdminKey);
        using var before = await admin.GetAsync("/admin/v1/products/demo/dunning/preview?start=2027-01-01T00:00:00Z", Cancellation);
        var timelineBefore = (await before.ReadOkAsync()).ToString();

        using var response = await admin.PutAsync("/admin/v1/products/demo/dunning", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Cancellation);

        await response.ReadProblemAsync(status);
        using var after = await admin.GetAsync("/admin/v1/products/demo/dunning/preview?start=2027-01-01T00:00:00Z", Cancellation);
        Assert.Equal(timelineBefore, (await after.ReadOkAsync()).ToString());
    }

    [Fact]
    public async Task A_policy_of_too_many_steps_is_refused_before_it_is_read()
    {
        using var admin = service.Client(apiKey: BillingService.AdminKey);
        var steps = Enumerable.Range(0, 21).Select(i => new { after = $"P{i}D", action = i == 20 ? "cancel" : "email", template = "t" }).ToArray();

        using var response = await admin.PutAsJsonAsync("/admin/v1/products/demo/dunning", new { steps }, Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    public async Task A_preview_from_a_start_whose_timeline_would_not_be_a_date_is_refused(string start)
    {
        using var admin = service.Client(apiKey: BillingService.AdminKey);

        using var response = await admin.GetAsync($"/admin/v1/products/demo/dunning/preview?start={start}", Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }
}
