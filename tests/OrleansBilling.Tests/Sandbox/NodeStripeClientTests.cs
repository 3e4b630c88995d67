using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>
/// A second, independent Stripe client against the sandbox: Stripe's official Node library calls every
/// endpoint the service uses and verifies the sandbox's webhook signatures (<c>tests/node/stripe-node-client.mjs</c>),
/// so what only this project wrote is checked by code it did not write (issue 11 §6).
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class NodeStripeClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stripe_s_Node_library_drives_every_endpoint_the_service_uses()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await sandbox.SubscribeAsync();
        await sandbox.WaitForEventAsync("invoice.paid");
        var recorded = sandbox.Receiver.RawDeliveries;
        var deliveries = Path.Combine(Path.GetTempPath(), $"sandbox-deliveries-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(deliveries, new JsonObject
        {
            ["secret"] = SandboxHost.Secret,
            ["deliveries"] = new JsonArray([.. recorded.Select(d => (JsonNode)new JsonObject
            {
                ["type"] = d.Type,
                ["body"] = d.Body,
                ["signature"] = d.Signature,
                ["receivedAt"] = d.ReceivedAt.ToUnixTimeSeconds(),
            })]),
        }.ToJsonString(), Ct);

        try
        {
            await NodeTools.PackageAsync("stripe");
            var script = Path.Combine(NodeTools.RepositoryRoot, "tests", "node", "stripe-node-client.mjs");
            var (exit, output) = await NodeTools.RunAsync("node", [script, sandbox.BaseUrl, SandboxHost.TestKey, deliveries], NodeTools.RepositoryRoot, TimeSpan.FromMinutes(2));

            var steps = output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.True(exit == 0, $"The Node client failed (exit {exit}):\n{output}");
            var declared = (await File.ReadAllLinesAsync(script, Ct)).Count(l => l.StartsWith("await step(", StringComparison.Ordinal));
            Assert.Equal(declared, steps.Count(s => s.GetProperty("ok").GetBoolean()));
            var verified = steps.Single(s => s.GetProperty("step").GetString()!.StartsWith("webhooks.", StringComparison.Ordinal));
            Assert.Equal(recorded.Count, verified.GetProperty("verified").GetInt32());
        }
        finally
        {
            File.Delete(deliveries);
        }
    }
}
