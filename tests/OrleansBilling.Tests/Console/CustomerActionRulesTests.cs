using OrleansBilling.Gateway.Admin;
using OrleansBilling.Gateway.SupportConsole;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Console;

/// <summary>
/// What the console accepts before it confirms an action: a reason always, a refund of a paid invoice and never more
/// than was paid (in hundredths), an override of an entitlement the product has, with a value of its kind and an end;
/// who may take each action; and how a customer's address is shown.
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class CustomerActionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static readonly CustomerSnapshot Customer = new(
        "demo", "ana", DemoProduct.Definition,
        new SubscriptionView("demo", "ana", SubscriptionState.Active, "basic", Now.AddDays(-3), Now.AddDays(27), null, false, "ana@example.com", 4, []),
        new EntitlementsView(SubscriptionState.Active, true, "basic", Now.AddDays(27), new Dictionary<string, bool>(), new Dictionary<string, long>(), 4, null, null, null,
            new Dictionary<string, MeterUsageView>(), []),
        [new InvoiceView("in_paid", "paid", 900, 900, "usd", Now.AddDays(-3), null, null, null), new InvoiceView("in_open", "open", 900, 0, "usd", Now, null, null, null)]);

    [Theory]
    [InlineData("3.00", null)]
    [InlineData("9", null)]
    [InlineData("", null)]
    [InlineData("9.01", "Amount")]
    [InlineData("0", "Amount")]
    [InlineData("1.005", "Amount")]
    [InlineData("-1", "Amount")]
    [InlineData("1e2", "Amount")]
    public void A_refund_is_of_a_paid_invoice_and_never_more_than_was_paid(string amount, string? problem)
    {
        var (action, problems) = CustomerAction.Check(Form("refund", invoice: "in_paid", amount: amount), Customer, Now);

        Assert.Equal(problem, problems.Keys.SingleOrDefault());
        Assert.Equal(problem is null, action is not null);
    }

    [Theory]
    [InlineData("jpy", "1500", "1500 JPY of invoice in_paid")]
    [InlineData("jpy", "1500.5", null)]
    [InlineData("kwd", "1.125", "1.125 KWD of invoice in_paid")]
    [InlineData("kwd", "1.1255", null)]
    [InlineData("usd", "19.99", "19.99 USD of invoice in_paid")]
    public async Task A_refund_amount_has_the_decimals_of_the_invoice_s_currency(string currency, string amount, string? consequence)
    {
        var customer = Customer with { Invoices = [new InvoiceView("in_paid", "paid", 2000, 2000, currency, Now.AddDays(-3), null, null, null)] };

        var (action, problems) = CustomerAction.Check(Form("refund", invoice: "in_paid", amount: amount), customer, Now);

        Assert.Equal(consequence is null, problems.ContainsKey("Amount"));
        Assert.Equal(consequence, action is null ? null : (await action.Consequence(null!, null!))[..consequence!.Length]);
    }

    [Fact]
    public void A_refund_of_an_unpaid_or_unknown_invoice_is_refused()
    {
        Assert.Equal(["Invoice"], CustomerAction.Check(Form("refund", invoice: "in_open"), Customer, Now).Problems.Keys);
        Assert.Equal(["Invoice"], CustomerAction.Check(Form("refund", invoice: "in_someone_else"), Customer, Now).Problems.Keys);
    }

    [Theory]
    [InlineData("", "Reason")]
    [InlineData("   ", "Reason")]
    [InlineData("line\u0000break", "Reason")]
    public void Every_action_needs_a_reason(string reason, string problem) =>
        Assert.Contains(problem, CustomerAction.Check(Form("cancel-now", reason: reason), Customer, Now).Problems.Keys);

    [Theory]
    [InlineData("feature:sso", "on", "2026-12-05", null)]
    [InlineData("feature:sso", "yes", "2026-12-31", "Value")]
    [InlineData("limit:api_calls", "5000", "2026-12-31", null)]
    [InlineData("limit:api_calls", "-1", "2026-12-31", "Value")]
    [InlineData("feature:teleport", "on", "2026-12-31", "Entitlement")]
    [InlineData("feature:sso", "on", "2026-12-04", "Until")]
    [InlineData("feature:sso", "on", "2032-01-01", "Until")]
    [InlineData("feature:sso", "on", "31/12/2026", "Until")]
    public void An_override_is_of_an_entitlement_the_product_has_with_a_value_of_its_kind_and_an_end(string entitlement, string value, string until, string? problem)
    {
        var (action, problems) = CustomerAction.Check(Form("grant-override", entitlement: entitlement, value: value, until: until), Customer, Now);

        Assert.Equal(problem, problems.Keys.SingleOrDefault());
        Assert.Equal(problem is null, action is not null);
    }

    [Fact]
    public void The_same_form_has_the_same_fingerprint_and_another_reason_another()
    {
        var first = CustomerAction.Check(Form("cancel-now"), Customer, Now).Action!;
        var again = CustomerAction.Check(Form("cancel-now"), Customer, Now).Action!;
        var other = CustomerAction.Check(Form("cancel-now", reason: "another reason"), Customer, Now).Action!;

        Assert.Equal(first.Fingerprint(), again.Fingerprint());
        Assert.NotEqual(first.Fingerprint(), other.Fingerprint());
    }

    [Fact]
    public void Only_finance_and_admins_refund_and_every_other_action_is_support_s()
    {
        Assert.Equal([CustomerActions.Refund], CustomerActions.Needs.Where(n => n.Value == StaffRole.Finance).Select(n => n.Key));
        Assert.All(CustomerActions.Needs.Where(n => n.Key != CustomerActions.Refund), n => Assert.Equal(StaffRole.Support, n.Value));
        Assert.Equal(["Action"], CustomerAction.Check(Form("delete-everything"), Customer, Now).Problems.Keys);
    }

    [Theory]
    [InlineData("ana@example.com", "a•••@e•••.com")]
    [InlineData("Bo@mail.co.uk", "B•••@m•••.uk")]
    [InlineData("x@localhost", "x•••@l•••")]
    [InlineData("@example.com", null)]
    [InlineData("ana@", null)]
    [InlineData(null, null)]
    public void An_address_is_shown_masked(string? email, string? shown) => Assert.Equal(shown, CustomerMatch.Mask(email));

    [Theory]
    [InlineData("GrantOverride", "grant-override")]
    [InlineData("Refund", "refund")]
    [InlineData("ListAuditTrail", "list-audit-trail")]
    public void An_endpoint_s_name_is_its_action_s(string endpoint, string action) => Assert.Equal(action, StaffAudit.ActionName(endpoint));

    private static CustomerActionForm Form(
        string action, string reason = "asked by the customer", string? invoice = null, string? amount = null, string? entitlement = null, string? value = null, string? until = null) =>
        new() { Action = action, Reason = reason, Invoice = invoice, Amount = amount, Entitlement = entitlement, Value = value, Until = until };
}
