using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Pages;

/// <summary>
/// The hosted invoice page: who is billed, when it is due, each line with its period, the total and what
/// is paid, and, while open, a card form that pays it.
/// </summary>
internal static class InvoicePage
{
    public static string Body(InvoiceRecord invoice, string? message, bool isError)
    {
        var messageHtml = message is null ? "" : $"""<p class="{(isError ? "error" : "ok")}" role="status">{HtmlPage.Encode(message)}</p>""";
        var form = invoice.Status != "open" ? "" : $"""
            <form method="post" action="/sandbox/invoices/{HtmlPage.Encode(invoice.Id)}">
            <label for="card">Card number</label>
            <input type="text" id="card" name="card" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required>
            <button type="submit">Pay {HtmlPage.Money(invoice.AmountDue - invoice.AmountPaid, invoice.Currency)}</button>
            </form>
            {HtmlPage.TestCardList()}
            """;
        var lines = string.Concat(invoice.Lines.Select(line => $"""
            <tr><td>{HtmlPage.Encode(line.Description)}</td><td>{Day(line.PeriodStart)} – {Day(line.PeriodEnd)}</td><td class="money">{HtmlPage.Money(line.Amount, invoice.Currency)}</td></tr>
            """).Concat(invoice.DiscountAmounts.Select(discount => $"""
            <tr><td>Discount</td><td></td><td class="money">−{HtmlPage.Money(discount.Amount, invoice.Currency)}</td></tr>
            """)));
        var customer = invoice.CustomerName is { Length: > 0 } name ? $"{HtmlPage.Encode(name)} &lt;{HtmlPage.Encode(invoice.CustomerEmail ?? "")}&gt;" : HtmlPage.Encode(invoice.CustomerEmail ?? invoice.CustomerId);
        return $"""
            <h1>Invoice {HtmlPage.Encode(invoice.Number ?? invoice.Id)}</h1>
            <p class="amount">{HtmlPage.Money(invoice.AmountDue, invoice.Currency)}</p>
            <dl class="invoice">
            <dt>Billed to</dt><dd>{customer}</dd>
            <dt>Due</dt><dd>{Day(invoice.FinalizedAt ?? invoice.Created)}</dd>
            <dt>Status</dt><dd>{HtmlPage.Encode(invoice.Status)}</dd>
            </dl>
            <table class="lines"><thead><tr><th>Description</th><th>Period</th><th>Amount</th></tr></thead>
            <tbody>{lines}</tbody>
            <tfoot><tr><th colspan="2">Total</th><td class="money">{HtmlPage.Money(invoice.Total, invoice.Currency)}</td></tr>
            <tr><th colspan="2">Amount paid</th><td class="money">{HtmlPage.Money(invoice.AmountPaid, invoice.Currency)}</td></tr></tfoot>
            </table>
            {messageHtml}
            {form}
            """;
    }

    private static string Day(DateTimeOffset at) => at.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
}
