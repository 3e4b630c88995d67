using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Pages;

/// <summary>The hosted checkout page: the plan, its price, and a card form that posts back to the same URL.</summary>
internal static class CheckoutPage
{
    public static string Body(CheckoutSessionRecord session, string? customerEmail, string? error)
    {
        var price = session.Price;
        if (session.Status == "complete")
        {
            return $"""
                <h1>{HtmlPage.Encode(price.ProductName)}</h1>
                <p class="ok">Paid. Thank you.</p>
                <p><a href="{HtmlPage.Encode(session.SuccessUrl.Replace("{CHECKOUT_SESSION_ID}", session.Id, StringComparison.Ordinal))}">Continue</a></p>
                """;
        }

        if (session.Status != "open")
        {
            return $"""
                <h1>{HtmlPage.Encode(price.ProductName)}</h1>
                <p class="error">This checkout session has {HtmlPage.Encode(session.Status)}.</p>
                {BackLink(session, "Back")}
                """;
        }

        var trial = session.TrialPeriodDays is > 0 ? $"<p>{session.TrialPeriodDays} days free, then:</p>" : "";
        var email = customerEmail is null
            ? """<label for="email">Email</label><input type="email" id="email" name="email" autocomplete="email">"""
            : $"<p>Paying as {HtmlPage.Encode(customerEmail)}</p>";
        var shownError = error ?? session.LastError;
        var errorHtml = shownError is null ? "" : $"""<p class="error" role="alert">{HtmlPage.Encode(shownError)}</p>""";
        return $"""
            <h1>Subscribe to {HtmlPage.Encode(price.ProductName)}</h1>
            {trial}
            <p class="amount">{HtmlPage.Money(price.UnitAmount, price.Currency)} <small>per {HtmlPage.Encode(price.Interval)}</small></p>
            <form method="post" action="/sandbox/checkout/{HtmlPage.Encode(session.Id)}">
            {email}
            <label for="card">Card number</label>
            <input type="text" id="card" name="card" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required>
            {errorHtml}
            <button type="submit">{(session.AmountTotal == 0 ? "Start trial" : "Pay " + HtmlPage.Money(price.UnitAmount, price.Currency))}</button>
            </form>
            {HtmlPage.TestCardList()}
            {BackLink(session, "Cancel")}
            """;
    }

    /// <summary>Where a paid checkout ends when the product's success URL cannot be reached.</summary>
    public static string Success(CheckoutSessionRecord session)
    {
        var url = session.SuccessUrl.Replace("{CHECKOUT_SESSION_ID}", session.Id, StringComparison.Ordinal);
        return $"""
            <h1>{HtmlPage.Encode(session.Price.ProductName)}</h1>
            <p class="ok" role="status">Payment complete. Thank you.</p>
            <p>{HtmlPage.Money(session.AmountTotal, session.Price.Currency)} paid; the subscription renews every {HtmlPage.Encode(session.Price.Interval)}.</p>
            <p>The product's page could not be reached from here: <a href="{HtmlPage.Encode(url)}">{HtmlPage.Encode(url)}</a></p>
            """;
    }

    private static string BackLink(CheckoutSessionRecord session, string text) =>
        session.CancelUrl is { } url ? $"""<p><a href="{HtmlPage.Encode(url)}">{text}</a></p>""" : "";
}
