using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Email;

/// <summary>The sandbox's Brevo emulator answers <c>POST /v3/smtp/email</c> as Brevo does, to any client.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class BrevoEmulatorTests
{
    private const string TemplateEmail = """
        {"to":[{"email":"ada@example.com","name":"Ada"}],"templateId":7,"params":{"plan":"pro"},"tags":["demo"],"headers":{"idempotencyKey":"k-1"}}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task AssertBrevoErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
    }

    private static async Task<string?> MessageIdAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("messageId").GetString();

    [Fact]
    public async Task A_template_email_is_201_with_a_sandbox_message_id()
    {
        await using var brevo = await BrevoSandbox.StartAsync();

        using var response = await brevo.PostEmailAsync(TemplateEmail);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var messageId = await MessageIdAsync(response);
        Assert.Matches("^<.+@sandbox>$", messageId);
        Assert.Equal(messageId, Assert.Single(brevo.Mailbox.Emails).MessageId);
    }

    [Fact]
    public async Task A_missing_key_or_one_not_starting_with_xkeysib_is_401_unauthorized()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        foreach (var key in new[] { null, "", "sk_test_sandbox", "XKEYSIB-upper" })
        {
            using var response = await brevo.PostEmailAsync(TemplateEmail, key);

            await AssertBrevoErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        }

        Assert.Empty(brevo.Mailbox.Emails);
    }

    [Fact]
    public async Task An_email_without_recipients_is_400_missing_parameter()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        foreach (var body in new[] { """{"templateId":7}""", """{"to":[],"templateId":7}""" })
        {
            using var response = await brevo.PostEmailAsync(body);

            await AssertBrevoErrorAsync(response, HttpStatusCode.BadRequest, "missing_parameter");
        }
    }

    [Fact]
    public async Task A_malformed_address_is_400_invalid_parameter()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        foreach (var address in new[] { "ada", "ada@", "@example.com", "ada@example", "ada lovelace@example.com", "ada@@example.com" })
        {
            using var response = await brevo.PostEmailAsync($$"""{"to":[{"email":"{{address}}"}],"templateId":7}""");

            await AssertBrevoErrorAsync(response, HttpStatusCode.BadRequest, "invalid_parameter");
        }
    }

    [Fact]
    public async Task An_email_with_neither_a_template_nor_a_subject_and_content_is_400_missing_parameter()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        foreach (var body in new[]
        {
            """{"to":[{"email":"ada@example.com"}],"sender":{"email":"billing@example.com"}}""",
            """{"to":[{"email":"ada@example.com"}],"sender":{"email":"billing@example.com"},"subject":"Hello"}""",
            """{"to":[{"email":"ada@example.com"}],"sender":{"email":"billing@example.com"},"htmlContent":"<p>Hi</p>"}""",
        })
        {
            using var response = await brevo.PostEmailAsync(body);

            await AssertBrevoErrorAsync(response, HttpStatusCode.BadRequest, "missing_parameter");
        }
    }

    [Fact]
    public async Task An_email_with_its_own_content_needs_a_sender()
    {
        await using var brevo = await BrevoSandbox.StartAsync();

        using var withoutSender = await brevo.PostEmailAsync("""{"to":[{"email":"ada@example.com"}],"subject":"Hello","textContent":"Hi"}""");
        using var withSender = await brevo.PostEmailAsync("""{"to":[{"email":"ada@example.com"}],"sender":{"email":"billing@example.com"},"subject":"Hello","textContent":"Hi"}""");

        await AssertBrevoErrorAsync(withoutSender, HttpStatusCode.BadRequest, "missing_parameter");
        Assert.Equal(HttpStatusCode.Created, withSender.StatusCode);
        Assert.Equal("Hello", Assert.Single(brevo.Mailbox.Emails).Subject);
    }

    [Fact]
    public async Task A_body_that_is_not_a_json_object_or_a_template_id_that_is_not_a_number_is_400_invalid_parameter()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        foreach (var body in new[] { "not json", "[]", """{"to":[{"email":"ada@example.com"}],"templateId":"seven"}""", """{"to":[{"email":"ada@example.com"}],"templateId":7,"params":[1]}""" })
        {
            using var response = await brevo.PostEmailAsync(body);

            await AssertBrevoErrorAsync(response, HttpStatusCode.BadRequest, "invalid_parameter");
        }
    }

    [Fact]
    public async Task A_planned_429_carries_the_rate_limit_headers_and_then_the_emulator_sends_again()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        using var plan = await brevo.Http.PostAsJsonAsync("/sandbox/brevo/fail", new { count = 1, status = 429, resetSeconds = 3 }, Ct);

        using var limited = await brevo.PostEmailAsync(TemplateEmail);
        using var sent = await brevo.PostEmailAsync(TemplateEmail);

        Assert.Equal(HttpStatusCode.OK, plan.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("3", Assert.Single(limited.Headers.GetValues("x-sib-ratelimit-reset")));
        Assert.Equal("0", Assert.Single(limited.Headers.GetValues("x-sib-ratelimit-remaining")));
        Assert.NotEmpty(limited.Headers.GetValues("x-sib-ratelimit-limit"));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Single(brevo.Mailbox.Emails);
    }

    [Fact]
    public async Task Planned_500s_fail_exactly_the_next_n_calls()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        using var plan = await brevo.Http.PostAsJsonAsync("/sandbox/brevo/fail", new { count = 2, status = 500 }, Ct);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await brevo.PostEmailAsync(TemplateEmail);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.Created], statuses);
    }

    [Fact]
    public async Task The_fail_switch_takes_only_429_or_a_5xx()
    {
        await using var brevo = await BrevoSandbox.StartAsync();

        using var response = await brevo.Http.PostAsJsonAsync("/sandbox/brevo/fail", new { count = 1, status = 400 }, Ct);

        await AssertBrevoErrorAsync(response, HttpStatusCode.BadRequest, "invalid_parameter");
    }

    [Fact]
    public async Task An_idempotency_key_names_its_email_only_within_the_window()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        using var first = await brevo.PostEmailAsync(TemplateEmail);
        using var within = await brevo.PostEmailAsync(TemplateEmail);

        brevo.Clock.Advance(OrleansBilling.Sandbox.SandboxMailbox.IdempotencyWindow);
        using var after = await brevo.PostEmailAsync(TemplateEmail);

        var firstId = await MessageIdAsync(first);
        Assert.Equal(firstId, await MessageIdAsync(within));
        Assert.NotEqual(firstId, await MessageIdAsync(after));
        Assert.Equal(2, brevo.Mailbox.Emails.Count);
        Assert.Equal([false, true, false], brevo.Mailbox.Calls.Select(c => c.Replayed));
    }

    [Fact]
    public async Task An_unknown_brevo_path_is_404()
    {
        await using var brevo = await BrevoSandbox.StartAsync();

        using var response = await brevo.Http.GetAsync(new Uri(brevo.BrevoBaseUrl + "contacts"), Ct);

        await AssertBrevoErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }
}
