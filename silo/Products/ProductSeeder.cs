using Microsoft.Extensions.Options;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Silo.Products;

/// <summary>
/// Puts the configured products (and, in the local default, the demo product) in place when the
/// silo starts. Idempotent: configuring a product again with the same definition and keys changes
/// nothing. What an admin changed through the API since (a dunning policy, issued keys) is kept
/// (<see cref="IProductGrain"/>).
/// </summary>
public sealed partial class ProductSeeder(
    IGrainFactory grains,
    IOptions<BillingOptions> options,
    IConfiguration configuration,
    SeededProducts seeded,
    ILogger<ProductSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (productId, product) in options.Value.Products)
        {
            var (definition, _) = product.ToDefinition(productId);
            await Seed(definition!, product.ApiKeys);
        }

        var demo = options.Value.Demo;
        var hasDatabase = configuration.GetConnectionString("Billing") is { Length: > 0 };
        if (demo.Enabled ?? !hasDatabase)
        {
            seeded.DemoApiKeyGenerated = string.IsNullOrEmpty(demo.ApiKey);
            seeded.DemoApiKey = seeded.DemoApiKeyGenerated ? ApiKeys.Generate() : demo.ApiKey;
            await Seed(DemoProduct.Definition, [seeded.DemoApiKey!]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task Seed(ProductDefinition definition, IEnumerable<string> apiKeys)
    {
        var product = grains.GetGrain<IProductGrain>(BillingIds.ProductKey(definition.ProductId));
        var problems = await product.Configure(definition);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Product '{definition.ProductId}' was refused: {string.Join(" ", problems)}");
        }

        // What configuration declares now: a key taken out of it stops working.
        await product.SetConfiguredApiKeys([.. apiKeys.Select(ApiKeys.Hash)]);

        seeded.ProductIds.Add(definition.ProductId);
        LogSeeded(definition.ProductId, definition.Plans.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Product {ProductId} configured with {PlanCount} plans")]
    private partial void LogSeeded(string productId, int planCount);
}
