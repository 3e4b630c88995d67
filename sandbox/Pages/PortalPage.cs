using System.Text;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Pages;

/// <summary>
/// The customer portal, as its configuration allows: each subscription with a way to cancel (or take the
/// cancellation back) and to switch plan, the card, and the invoices with links to their pages.
/// </summary>
internal static class PortalPage
{
    public static string Body(SandboxState state, PortalSessionRecord session, string? message, bool isError)
    {
        var customer = state.Customers[session.CustomerId];
        var configuration = state.PortalConfigurations[session.ConfigurationId];
        var subscriptions = new StringBuilder();
        foreach (var subscription in state.Subscriptions.Values.Where(s => s.CustomerId == customer.Id).OrderByDescending(s => s.Sequence))
        {
            subscriptions.Append(Subscription(state, session, configuration, subscription));
        }

        var open = state.Invoices.Values.Where(i => i.CustomerId == customer.Id && i.Status == "open").Sum(i => i.AmountDue - i.AmountPaid);
        var messageHtml = message is null ? "" : $"""<p class="{(isError ? "error" : "ok")}" role="status">{HtmlPage.Encode(message)}</p>""";
        var back = session.ReturnUrl is null ? "" : $"""<p><a href="{HtmlPage.Encode(session.ReturnUrl)}">Return</a></p>""";
        var card = !configuration.PaymentMethodUpdate ? "" : $"""
            <section aria-label="Payment method">
            <h2>Payment method</h2>
            <p>Card: {(customer.Card is null ? "none" : "•••• " + HtmlPage.Encode(customer.Card.Last4))}</p>
            {(open > 0 ? $"<p class=\"error\">Outstanding: {open / 100m:0.00}. A new card pays it.</p>" : "")}
            <form method="post" action="/sandbox/portal/{HtmlPage.Encode(session.Id)}">
            <input type="hidden" name="action" value="card">
            <label for="card">New card number</label>
            <input type="text" id="card" name="card" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required>
            <button type="submit">Update card</button>
            </form>
            {HtmlPage.TestCardList()}
            </section>
            """;
        return $"""
            <h1>{HtmlPage.Encode(configuration.Headline ?? "Billing")}</h1>
            <p>Signed in as {HtmlPage.Encode(customer.Email ?? customer.Id)}</p>
            {messageHtml}
            {subscriptions}
            {card}
            {(configuration.InvoiceHistory ? Invoices(state, customer) : "")}
            {back}
            """;
    }

    private static string Subscription(SandboxState state, PortalSessionRecord session, PortalConfigurationRecord configuration, SubscriptionRecord subscription)
    {
        var live = subscription.Status != "canceled";
        var status = !live ? $"Canceled {HtmlPage.Date(subscription.EndedAt ?? subscription.PeriodEnd)}"
            : subscription.CancelAtPeriodEnd ? $"Cancels {HtmlPage.Date(subscription.PeriodEnd)}"
            : $"Renews {HtmlPage.Date(subscription.PeriodEnd)}";
        var actions = new StringBuilder();
        if (live && configuration.CancelEnabled)
        {
            var (action, label) = subscription.CancelAtPeriodEnd ? ("renew", "Don't cancel") : ("cancel", "Cancel subscription");
            actions.Append(Form(session, subscription, action, "", label));
        }

        var switchable = configuration.SwitchTargets(subscription, state.FindPrice);
        if (switchable.Count > 0)
        {
            var options = string.Concat(switchable.Select(p => $"""<option value="{HtmlPage.Encode(p.Id)}">{HtmlPage.Encode(p.ProductName)} — {HtmlPage.Money(p.UnitAmount, p.Currency)} / {HtmlPage.Encode(p.Interval)}</option>"""));
            var field = $"""<label for="price-{HtmlPage.Encode(subscription.Id)}">New plan</label><select id="price-{HtmlPage.Encode(subscription.Id)}" name="price">{options}</select>""";
            actions.Append(Form(session, subscription, "switch", field, "Switch plan"));
        }

        return $"""
            <section aria-label="{HtmlPage.Encode(subscription.Price.ProductName)}" class="subscription">
            <h2>{HtmlPage.Encode(subscription.Price.ProductName)}</h2>
            <p>{HtmlPage.Money(subscription.Price.UnitAmount, subscription.Price.Currency)} / {HtmlPage.Encode(subscription.Price.Interval)} · <span class="status">{HtmlPage.Encode(status)}</span></p>
            {actions}
            </section>
            """;
    }

    private static string Form(PortalSessionRecord session, SubscriptionRecord subscription, string action, string fields, string label) => $"""
        <form method="post" action="/sandbox/portal/{HtmlPage.Encode(session.Id)}">
        <input type="hidden" name="action" value="{action}">
        <input type="hidden" name="subscription" value="{HtmlPage.Encode(subscription.Id)}">
        {fields}
        <button type="submit">{HtmlPage.Encode(label)}</button>
        </form>
        """;

    private static string Invoices(SandboxState state, CustomerRecord customer)
    {
        var rows = string.Concat(state.Invoices.Values
            .Where(i => i.CustomerId == customer.Id && i.Status != "draft")
            .OrderByDescending(i => i.Sequence)
            .Select(i => $"""
                <tr><td><a href="{HtmlPage.Encode(i.HostedUrl)}">{HtmlPage.Encode(i.Number ?? i.Id)}</a></td><td>{HtmlPage.Date(i.Created)}</td><td class="money">{HtmlPage.Money(i.Total, i.Currency)}</td><td>{HtmlPage.Encode(i.Status)}</td></tr>
                """));
        return $"""
            <section aria-label="Invoices">
            <h2>Invoices</h2>
            <table><tr><th>Invoice</th><th>Date</th><th>Amount</th><th>Status</th></tr>{rows}</table>
            </section>
            """;
    }
}
