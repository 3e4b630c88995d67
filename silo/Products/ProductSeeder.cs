using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Products;

namespace OrleansBilling.Silo.Products;

/// <summary>
/// Puts the configured products (and, in the local default, the demo product) in place when the
/// silo starts. Idempotent: configuring a product again with the same definition and keys changes
/// nothing. What an admin changed through the API since (a dunning policy, issued keys) is kept
/// (<see cref="IProductGrain"/>). A silo that starts while the cluster still counts a killed
/// predecessor at its address as alive meets rejected messages for a few seconds: the seeding is
/// tried again then, for about two and a half minutes, rather than ending the process: a silo's view of the
/// cluster is read again from the membership table once a minute, and a CI run saw 40 seconds fall short.
/// </summary>
public sealed partial class ProductSeeder(
    IGrainFactory grains,
    IOptions<BillingOptions> options,
    IConfiguration configuration,
    SeededProducts seeded,
    ILogger<ProductSeeder> logger) : IHostedService
{
    private readonly ResiliencePipeline whileClusterSettles = WhileClusterSettles(TimeProvider.System, logger);

    /// <summary>
    /// Tries again what failed because the cluster is unavailable (<see cref="ExceptionProblems.IsUnavailable"/>),
    /// 30 times with a growing pause of up to 5 s (about 2.5 minutes in all); any other failure ends at once.
    /// </summary>
    public static ResiliencePipeline WhileClusterSettles(TimeProvider clock, ILogger logger) =>
        new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ExceptionProblems.IsUnavailable),
                MaxRetryAttempts = 30,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(250),
                MaxDelay = TimeSpan.FromSeconds(5),
                UseJitter = true,
                OnRetry = retry =>
                {
                    LogSeedRetried(logger, retry.AttemptNumber + 1, retry.Outcome.Exception?.GetType().Name ?? "", retry.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (productId, product) in options.Value.Products)
        {
            var (definition, _) = product.ToDefinition(productId);
            await Seed(definition!, product.ApiKeys, cancellationToken);
        }

        var demo = options.Value.Demo;
        var hasDatabase = configuration.GetConnectionString("Billing") is { Length: > 0 };
        if (demo.Enabled ?? !hasDatabase)
        {
            seeded.DemoApiKeyGenerated = string.IsNullOrEmpty(demo.ApiKey);
            seeded.DemoApiKey = seeded.DemoApiKeyGenerated ? ApiKeys.Generate() : demo.ApiKey;
            await Seed(DemoProduct.Definition, [seeded.DemoApiKey!], cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task Seed(ProductDefinition definition, IEnumerable<string> apiKeys, CancellationToken cancellationToken) =>
        whileClusterSettles.ExecuteAsync(async _ => await SeedOnce(definition, apiKeys), cancellationToken).AsTask();

    private async Task SeedOnce(ProductDefinition definition, IEnumerable<string> apiKeys)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuring the products failed (attempt {Attempt}, {Exception}): the cluster is settling; again in {Delay}")]
    private static partial void LogSeedRetried(ILogger logger, int attempt, string exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Product {ProductId} configured with {PlanCount} plans")]
    private partial void LogSeeded(string productId, int planCount);
}
