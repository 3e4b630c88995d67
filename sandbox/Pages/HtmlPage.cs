using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace OrleansBilling.Sandbox.Pages;

/// <summary>The frame of the sandbox's hosted pages: plain HTML with a form, nothing to load from elsewhere.</summary>
internal static class HtmlPage
{
    public const string Stripe = "Stripe";
    public const string Brevo = "Brevo";
    public const string Receiver = "Receiver";

    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Money(long amount, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{amount / 100m:0.00} {currency.ToUpperInvariant()}");

    public static string Date(DateTimeOffset time) => time.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <param name="title">The page's title.</param>
    /// <param name="body">The page's HTML, already encoded.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="sandbox">Which emulator the page belongs to: <see cref="Stripe"/>, <see cref="Brevo"/> or <see cref="Receiver"/>.</param>
    public static IResult Result(string title, string body, int status = 200, string sandbox = Stripe) =>
        Results.Content(Render(title, body, sandbox), "text/html; charset=utf-8", statusCode: status);

    public static string TestCardList() =>
        """
        <details><summary>Test cards</summary><ul>
        <li><code>4242 4242 4242 4242</code> always succeeds</li>
        <li><code>4000 0000 0000 0341</code> is accepted now and declines every later charge</li>
        <li><code>4000 0000 0000 9995</code> declines: insufficient funds</li>
        <li><code>4000 0000 0000 0002</code> declines: generic decline</li>
        </ul></details>
        """;

    private static string Render(string title, string body, string sandbox) =>
        $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Encode(title)}} · {{sandbox}} sandbox</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1a1f36; }
        .banner { background: #fff3cd; padding: .4rem .8rem; border-radius: .3rem; font-size: .85rem; }
        .amount { font-size: 2rem; font-weight: 600; margin: .5rem 0; }
        label { display: block; margin: 1rem 0 .3rem; }
        input[type=text], input[type=email] { width: 100%; padding: .6rem; font-size: 1rem; box-sizing: border-box; }
        button { margin-top: 1rem; width: 100%; padding: .8rem; font-size: 1rem; background: #635bff; color: white; border: 0; border-radius: .3rem; cursor: pointer; }
        .error { color: #c0123c; margin-top: 1rem; }
        .ok { color: #0a7d32; margin-top: 1rem; }
        table { width: 100%; border-collapse: collapse; } td, th { text-align: left; padding: .3rem; border-bottom: 1px solid #e3e8ee; }
        </style>
        </head>
        <body>
        <p class="banner">Test mode · OrleansBilling {{sandbox}} sandbox · {{sandbox switch { Brevo => "no email leaves this machine", Receiver => "a product's end of events, on this machine", _ => "no real money moves" }}}</p>
        {{body}}
        </body>
        </html>
        """;
}
