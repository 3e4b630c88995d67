using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>
/// People and roles on the admin API (issue 12 §1): each member of staff calls with a token of their own,
/// every action is recorded under their name whatever a header claims, a role too small is a 403 problem
/// that changes nothing, and only admins issue, list and revoke tokens, which are shown once.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class StaffAccessTests(BillingService service) : IClassFixture<BillingService>
{
    [Fact]
    public async Task Support_is_refused_a_refund_and_nothing_moves_while_finance_refunds_under_its_own_name()
    {
        using var api = service.Client();
        await service.ActivateAsync(api, "staff_refund");
        service.Payments.Payments["ch_staff"] = new RefundablePayment("ch_staff", service.Payments.CustomersOf["demo/staff_refund"], null, 900, 0, "usd");
        using var support = await service.StaffAsync("sam", StaffRole.Support);
        using var finance = await service.StaffAsync("fiona", StaffRole.Finance);
        var body = new { charge = "ch_staff", amount = 300, reason = "asked nicely" };

        using var refused = await support.PostJsonAsync("/admin/v1/products/demo/customers/staff_refund/refunds", body, "staff-refund-1");
        var problem = await refused.ReadJsonAsync();
        var refundsAfterRefusal = service.Payments.CallsNamed("refund").Count(c => c.Target == "ch_staff");
        finance.DefaultRequestHeaders.Add("Billing-Actor", "mallory");
        using var refunded = await finance.PostJsonAsync("/admin/v1/products/demo/customers/staff_refund/refunds", body, "staff-refund-2");
        await refunded.ReadOkAsync();
        var history = EndToEnd.SandboxApi.History(await api.SubscriptionOfAsync("staff_refund"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("urn:orleans-billing:problem:forbidden", problem.GetProperty("type").GetString());
        Assert.Contains("needs the finance role; sam has support", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, refundsAfterRefusal);
        var entry = Assert.Single(history, e => e.GetProperty("name").GetString() == "RefundIssued");
        Assert.Equal("admin:fiona", entry.GetProperty("actor").GetString());
        Assert.DoesNotContain(history, e => e.GetProperty("actor").GetString()!.Contains("mallory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Support_grants_overrides_as_itself_but_cannot_change_a_dunning_policy_or_api_keys()
    {
        using var api = service.Client();
        await service.ActivateAsync(api, "staff_override");
        using var support = await service.StaffAsync("sam", StaffRole.Support);

        using var granted = await support.PostJsonAsync("/admin/v1/products/demo/customers/staff_override/overrides", new
        {
            feature = "sso", value = true, reason = "pilot", expiresAt = service.Clock.GetUtcNow().AddDays(7),
        });
        using var dunning = await support.PutAsJsonAsync("/admin/v1/products/demo/dunning", new { steps = new[] { new { after = "P0D", action = "cancel", template = "subscription_canceled" } } }, TestContext.Current.CancellationToken);
        using var keys = await support.PostJsonAsync("/admin/v1/products/demo/api-keys", new { });

        Assert.Equal("admin:sam", (await granted.ReadOkAsync()).GetProperty("actor").GetString());
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (dunning.StatusCode, keys.StatusCode));
    }

    [Fact]
    public async Task Only_admins_issue_list_and_revoke_tokens_which_are_shown_once_and_stop_at_once()
    {
        using var admin = await service.StaffAsync("ada", StaffRole.Admin);
        using var finance = await service.StaffAsync("fiona.b", StaffRole.Finance);

        using var byFinance = await finance.PostJsonAsync("/admin/v1/staff/tokens", new { person = "eve", role = "Admin" });
        var issued = await admin.PostJsonAsync("/admin/v1/staff/tokens", new { person = "tom", role = "Support" });
        var token = await issued.ReadOkAsync();
        using var tom = service.Client(token.GetProperty("token").GetString());
        using var before = await tom.GetAsync(new Uri("/admin/v1/anomalies", UriKind.Relative), TestContext.Current.CancellationToken);
        using var listed = await admin.GetAsync(new Uri("/admin/v1/staff/tokens", UriKind.Relative), TestContext.Current.CancellationToken);
        var listing = await listed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var revoked = await admin.DeleteAsync(new Uri($"/admin/v1/staff/tokens/{token.GetProperty("id").GetString()}", UriKind.Relative), TestContext.Current.CancellationToken);
        using var after = await tom.GetAsync(new Uri("/admin/v1/anomalies", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, byFinance.StatusCode);
        Assert.StartsWith("bst_", token.GetProperty("token").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized), (before.StatusCode, revoked.StatusCode, after.StatusCode));
        Assert.DoesNotContain("bst_", listing, StringComparison.Ordinal);
        var tomListed = JsonDocument.Parse(listing).RootElement.EnumerateArray().Single(t => t.GetProperty("person").GetString() == "tom");
        Assert.Equal(("Support", "admin:ada"), (tomListed.GetProperty("role").GetString(), tomListed.GetProperty("createdBy").GetString()));
        Assert.Equal("admin:ada", (await revoked.ReadOkAsync()).GetProperty("revokedBy").GetString());
    }

    [Theory]
    [InlineData("ada@example.com", "admin", "person")]
    [InlineData("Ada", "admin", "person")]
    [InlineData("bootstrap", "admin", "person")]
    [InlineData("", "support", "person")]
    [InlineData("ada", "owner", null)]
    [InlineData("ada", null, "role")]
    public async Task A_token_for_a_malformed_person_or_role_is_a_clear_problem_and_issues_nothing(string person, string? role, string? field)
    {
        using var admin = await service.StaffAsync("ada", StaffRole.Admin);
        var count = (await (await admin.GetAsync(new Uri("/admin/v1/staff/tokens", UriKind.Relative), TestContext.Current.CancellationToken)).ReadOkAsync()).GetArrayLength();

        using var response = await admin.PostJsonAsync("/admin/v1/staff/tokens", new { person, role });
        var problem = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        Assert.DoesNotContain("example.com", problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(count, (await (await admin.GetAsync(new Uri("/admin/v1/staff/tokens", UriKind.Relative), TestContext.Current.CancellationToken)).ReadOkAsync()).GetArrayLength());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bst_not_a_token_anyone_was_given_0123456789")]
    [InlineData("bk_test_demo_key_0123456789")]
    public async Task Without_a_staff_token_the_admin_api_answers_401(string? credential)
    {
        using var client = service.Client(credential);

        using var response = await client.GetAsync(new Uri("/admin/v1/anomalies", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
