using System.Text;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Pages;

/// <summary>The customer portal: the customer's subscriptions and a form to replace the card.</summary>
internal static class PortalPage
{
    public static string Body(SandboxState state, PortalSessionRecord session, string? message, bool isError)
    {
        var customer = state.Customers[session.CustomerId];
        var rows = new StringBuilder();
        foreach (var subscription in state.Subscriptions.Values.Where(s => s.CustomerId == customer.Id).OrderBy(s => s.Sequence))
        {
            rows.Append($"<tr><td>{HtmlPage.Encode(subscription.Price.ProductName)}</td><td>{HtmlPage.Encode(subscription.Status)}</td><td>{HtmlPage.Date(subscription.PeriodEnd)}</td></tr>");
        }

        var open = state.Invoices.Values.Where(i => i.CustomerId == customer.Id && i.Status == "open").Sum(i => i.AmountDue - i.AmountPaid);
        var messageHtml = message is null ? "" : $"""<p class="{(isError ? "error" : "ok")}" role="status">{HtmlPage.Encode(message)}</p>""";
        var back = session.ReturnUrl is null ? "" : $"""<p><a href="{HtmlPage.Encode(session.ReturnUrl)}">Return</a></p>""";
        return $"""
            <h1>Billing for {HtmlPage.Encode(customer.Email ?? customer.Id)}</h1>
            <table><tr><th>Plan</th><th>Status</th><th>Period ends</th></tr>{rows}</table>
            <p>Card: {(customer.Card is null ? "none" : "•••• " + HtmlPage.Encode(customer.Card.Last4))}</p>
            {(open > 0 ? $"<p class=\"error\">Outstanding: {open / 100m:0.00}. A new card pays it.</p>" : "")}
            <form method="post" action="/sandbox/portal/{HtmlPage.Encode(session.Id)}">
            <label for="card">New card number</label>
            <input type="text" id="card" name="card" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required>
            <button type="submit">Update card</button>
            </form>
            {messageHtml}
            {HtmlPage.TestCardList()}
            {back}
            """;
    }
}
