using System.Net;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Tests.Infrastructure;
using OrleansBilling.GrainInterfaces.Staff;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>
/// Refunds at the edges the story tests cannot reach: a repeat after the answer was forgotten (more
/// than 24 hours later) refunds nothing more, and a customer in dunning can be refunded.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class RefundAdminTests(BillingService service) : IClassFixture<BillingService>
{
    [Fact]
    public async Task A_repeat_after_its_answer_was_forgotten_moves_no_money()
    {
        using var api = service.Client();
        await service.ActivateAsync(api, "refund_late");
        Seed("refund_late", "ch_late", 900);
        using var admin = await AdminAsync();

        using (var first = await admin.PostJsonAsync("/admin/v1/products/demo/customers/refund_late/refunds", new { charge = "ch_late", amount = 100, reason = "late" }, "refund-late-1"))
        {
            await first.ReadOkAsync();
        }

        service.Clock.Advance(TimeSpan.FromHours(25));
        using var repeat = await admin.PostJsonAsync("/admin/v1/products/demo/customers/refund_late/refunds", new { charge = "ch_late", amount = 100, reason = "late" }, "refund-late-1");

        Assert.Equal(HttpStatusCode.Conflict, repeat.StatusCode);
        Assert.Single(service.Payments.CallsNamed("refund"), c => c.Target == "ch_late");
    }

    [Fact]
    public async Task A_customer_in_dunning_is_refunded_and_told()
    {
        using var api = service.Client();
        await service.MakePastDueAsync(api, "refund_dunning");
        Seed("refund_dunning", "ch_dunning", 900);
        using var admin = await AdminAsync();

        using var response = await admin.PostJsonAsync("/admin/v1/products/demo/customers/refund_dunning/refunds", new { charge = "ch_dunning", reason = "goodwill" }, "refund-dunning-1");

        var view = await response.ReadOkAsync();
        Assert.Equal(900, view.GetProperty("amountMinor").GetInt64());
        Assert.Equal("PastDue", view.GetProperty("state").GetString());
    }

    private void Seed(string customer, string charge, long amount) =>
        service.Payments.Payments[charge] = new RefundablePayment(charge, service.Payments.CustomersOf[$"demo/{customer}"], null, amount, 0, "usd");

    private Task<HttpClient> AdminAsync() => service.StaffAsync("lin", StaffRole.Finance);
}
