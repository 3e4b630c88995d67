using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.Grains.Email;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Email;

/// <summary>What the Brevo emulator received, as JSON, as a page, and cleared.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class MailboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EmailMessage Welcome(string to) => new(
        $"demo/{to}/welcome",
        to,
        null,
        3,
        new Dictionary<string, string> { ["plan"] = "<b>pro</b>" },
        ["demo", "welcome"]);

    [Fact]
    public async Task The_emails_endpoint_lists_each_email_with_its_sandbox_arrival_time()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        brevo.Clock.Advance(TimeSpan.FromDays(3));
        var receipt = await brevo.Sender.SendAsync(Welcome("grace@example.com"), Ct);

        var emails = await brevo.Http.GetFromJsonAsync<JsonElement>("/sandbox/emails", Ct);

        var email = Assert.Single(emails.EnumerateArray());
        Assert.Equal(receipt.MessageId, email.GetProperty("messageId").GetString());
        Assert.Equal("grace@example.com", Assert.Single(email.GetProperty("to").EnumerateArray()).GetProperty("email").GetString());
        Assert.Equal(3, email.GetProperty("templateId").GetInt64());
        Assert.Equal("<b>pro</b>", email.GetProperty("params").GetProperty("plan").GetString());
        Assert.Equal(["demo", "welcome"], email.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("demo/grace@example.com/welcome", email.GetProperty("idempotencyKey").GetString());
        var receivedAt = DateTimeOffset.Parse(email.GetProperty("receivedAt").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(brevo.Mailbox.Emails[0].ReceivedAt, receivedAt);
        Assert.InRange(receivedAt, DateTimeOffset.UtcNow.AddDays(3).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(3).AddMinutes(1));
    }

    [Fact]
    public async Task The_mailbox_page_lists_the_emails_html_encoded()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        await brevo.Sender.SendAsync(Welcome("grace@example.com"), Ct);
        await brevo.Sender.SendAsync(Welcome("alan@example.com"), Ct);

        using var page = await brevo.Http.GetAsync(new Uri("/sandbox/mailbox", UriKind.Relative), Ct);

        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("grace@example.com", html, StringComparison.Ordinal);
        Assert.Contains("alan@example.com", html, StringComparison.Ordinal);
        Assert.Contains("#3", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;pro&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>pro</b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_the_emails_empties_the_mailbox()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        await brevo.Sender.SendAsync(Welcome("grace@example.com"), Ct);

        using var deleted = await brevo.Http.DeleteAsync(new Uri("/sandbox/emails", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(brevo.Mailbox.Emails);
        Assert.Empty((await brevo.Http.GetFromJsonAsync<JsonElement>("/sandbox/emails", Ct)).EnumerateArray());
    }

    [Fact]
    public async Task The_mailbox_finds_the_emails_to_one_address()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        await brevo.Sender.SendAsync(Welcome("grace@example.com"), Ct);
        await brevo.Sender.SendAsync(Welcome("alan@example.com"), Ct);

        var toGrace = brevo.Mailbox.To("Grace@Example.com");

        Assert.Equal("grace@example.com", Assert.Single(Assert.Single(toGrace).To).Email);
    }
}
