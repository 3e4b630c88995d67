using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.Grains.Email;
using OrleansBilling.Sandbox;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Email;

/// <summary>The local default sends lifecycle email through the real Brevo client to its own sandbox mailbox.</summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class SiloEmailTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    [Fact]
    public async Task The_silo_resolves_the_email_sender_and_it_delivers_to_the_sandbox_mailbox()
    {
        var sender = service.Services.GetRequiredService<IEmailSender>();

        var receipt = await sender.SendAsync(
            new EmailMessage("demo/cust_mail/welcome/1", "mail@example.com", "Mail Tester", 1, new Dictionary<string, string> { ["plan"] = "basic" }, ["demo"]),
            TestContext.Current.CancellationToken);

        var email = Assert.Single(service.Services.GetRequiredService<SandboxMailbox>().To("mail@example.com"));
        Assert.Equal(receipt.MessageId, email.MessageId);
        Assert.Equal("basic", email.Params["plan"]);
    }
}
