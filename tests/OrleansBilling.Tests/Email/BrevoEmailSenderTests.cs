using OrleansBilling.Grains.Email;
using OrleansBilling.Sandbox;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Email;

/// <summary>The real Brevo client, with its retry rules, against the sandbox's Brevo emulator.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class BrevoEmailSenderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EmailMessage PaymentFailed(string idempotencyKey = "demo/cust_1/payment_failed/ep_1", string to = "ada@example.com") => new(
        idempotencyKey,
        to,
        "Ada Lovelace",
        7,
        new Dictionary<string, string> { ["plan"] = "pro", ["amount"] = "29.00 USD", ["invoiceUrl"] = "https://pay.example/in_1" },
        ["demo", "payment_failed"]);

    [Fact]
    public async Task A_template_email_lands_in_the_mailbox_with_its_params_and_tags()
    {
        await using var brevo = await BrevoSandbox.StartAsync();

        var receipt = await brevo.Sender.SendAsync(PaymentFailed(), Ct);

        var email = Assert.Single(brevo.Mailbox.Emails);
        Assert.Equal(receipt.MessageId, email.MessageId);
        Assert.Equal(new SandboxEmailAddress("ada@example.com", "Ada Lovelace"), Assert.Single(email.To));
        Assert.Equal(7, email.TemplateId);
        Assert.Equal(PaymentFailed().Params, email.Params);
        Assert.Equal(["demo", "payment_failed"], email.Tags);
        Assert.Equal("demo/cust_1/payment_failed/ep_1", email.IdempotencyKey);
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_sends_one_email_under_one_message_id()
    {
        await using var brevo = await BrevoSandbox.StartAsync();

        var first = await brevo.Sender.SendAsync(PaymentFailed(), Ct);
        var second = await brevo.Sender.SendAsync(PaymentFailed(), Ct);

        Assert.Equal(first, second);
        Assert.Single(brevo.Mailbox.Emails);
    }

    [Fact]
    public async Task A_500_is_retried_and_the_email_is_sent_once()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        brevo.Mailbox.FailNext(1, status: 500);

        await brevo.Sender.SendAsync(PaymentFailed(), Ct);

        Assert.Equal([500, 201], brevo.Mailbox.Calls.Select(c => c.StatusCode));
        Assert.Single(brevo.Mailbox.Emails);
    }

    [Fact]
    public async Task A_429_is_retried_once_its_rate_limit_resets_and_the_email_is_sent_once()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        brevo.Mailbox.FailNext(1, status: 429, resetSeconds: 0);

        await brevo.Sender.SendAsync(PaymentFailed(), Ct);

        Assert.Equal([429, 201], brevo.Mailbox.Calls.Select(c => c.StatusCode));
        Assert.Single(brevo.Mailbox.Emails);
    }

    [Fact]
    public async Task A_429_whose_reset_outlasts_the_time_budget_fails_at_once_as_transient()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        brevo.Mailbox.FailNext(1, status: 429, resetSeconds: 60);

        var failure = await Assert.ThrowsAsync<EmailSendException>(() => brevo.Sender.SendAsync(PaymentFailed(), Ct));

        Assert.True(failure.Transient);
        Assert.Single(brevo.Mailbox.Calls);
        Assert.Empty(brevo.Mailbox.Emails);
    }

    [Fact]
    public async Task Server_errors_are_tried_four_times_in_all_then_fail_as_transient()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        brevo.Mailbox.FailNext(10, status: 503);

        var failure = await Assert.ThrowsAsync<EmailSendException>(() => brevo.Sender.SendAsync(PaymentFailed(), Ct));

        Assert.True(failure.Transient);
        Assert.Equal([503, 503, 503, 503], brevo.Mailbox.Calls.Select(c => c.StatusCode));
        Assert.All(brevo.Mailbox.Calls, call => Assert.Equal("demo/cust_1/payment_failed/ep_1", call.IdempotencyKey));
    }

    [Fact]
    public async Task A_bad_address_is_refused_once_and_not_transient()
    {
        await using var brevo = await BrevoSandbox.StartAsync();

        var failure = await Assert.ThrowsAsync<EmailSendException>(() => brevo.Sender.SendAsync(PaymentFailed(to: "ada at example.com"), Ct));

        Assert.False(failure.Transient);
        Assert.Contains("400", failure.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_parameter", failure.Message, StringComparison.Ordinal);
        Assert.Equal([400], brevo.Mailbox.Calls.Select(c => c.StatusCode));
    }

    [Fact]
    public async Task An_unknown_api_key_is_refused_once_and_not_transient()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        var sender = brevo.NewSender("not-a-brevo-key");

        var failure = await Assert.ThrowsAsync<EmailSendException>(() => sender.SendAsync(PaymentFailed(), Ct));

        Assert.False(failure.Transient);
        Assert.Contains("unauthorized", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-brevo-key", failure.Message, StringComparison.Ordinal);
        Assert.Equal([401], brevo.Mailbox.Calls.Select(c => c.StatusCode));
    }

    [Fact]
    public async Task An_unreachable_brevo_fails_as_transient()
    {
        await using var brevo = await BrevoSandbox.StartAsync();
        var nobodyListens = $"http://127.0.0.1:{LoopbackPorts.Take(1)[0]}/v3/";
        var sender = brevo.NewSender(BrevoSandbox.ApiKey, nobodyListens);

        var failure = await Assert.ThrowsAsync<EmailSendException>(() => sender.SendAsync(PaymentFailed(), Ct));

        Assert.True(failure.Transient);
    }
}
