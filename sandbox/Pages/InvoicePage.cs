using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Pages;

/// <summary>The hosted invoice page: what is owed and, while open, a card form that pays it.</summary>
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
        return $"""
            <h1>Invoice {HtmlPage.Encode(invoice.Number ?? invoice.Id)}</h1>
            <p class="amount">{HtmlPage.Money(invoice.AmountDue, invoice.Currency)}</p>
            <p>Status: {HtmlPage.Encode(invoice.Status)}</p>
            {messageHtml}
            {form}
            """;
    }
}
