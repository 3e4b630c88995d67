using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>
/// One billing-portal configuration per product (issue 11 §6): made at the provider the first time a
/// customer of the product opens the portal, then reused by every session of the product, while another
/// product gets its own.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class PortalConfigurationApiTests(TwoProductsService service) : IClassFixture<TwoProductsService>
{
    [Fact]
    public async Task Every_portal_session_of_a_product_uses_its_one_configuration_and_another_product_gets_its_own()
    {
        using var demo = service.Client();
        using var other = service.Client(TwoProductsService.OtherApiKey);
        await service.ActivateAsync(demo, "pc_1");
        await service.ActivateAsync(demo, "pc_2");
        await other.StartCheckoutAsync("pc_3");

        foreach (var (api, customer) in new[] { (demo, "pc_1"), (demo, "pc_2"), (demo, "pc_1"), (other, "pc_3") })
        {
            using var response = await api.PostJsonAsync($"/v1/customers/{customer}/portal", new { returnUrl = "https://app.test/account" });
            await response.ReadOkAsync();
        }

        var made = service.Payments.CallsNamed("portal_configuration");
        Assert.Equal(["demo", "other"], made.Select(c => c.Target).Order(StringComparer.Ordinal));
        Assert.Contains("price_demo_basic,price_demo_pro", Assert.Single(made, c => c.Target == "demo").Detail, StringComparison.Ordinal);
        var sessions = service.Payments.CallsNamed("portal");
        Assert.Equal(
            ["configuration=bpc_demo", "configuration=bpc_demo", "configuration=bpc_demo", "configuration=bpc_other"],
            sessions.Select(c => c.Detail![(c.Detail!.IndexOf(' ', StringComparison.Ordinal) + 1)..]));
    }
}
