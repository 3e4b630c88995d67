using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>What configuration declares at every start, and what an admin changes through the API since: who wins, and the keys.</summary>
[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class ProductGrainTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private static readonly DunningPolicy Short = new([new DunningStep(TimeSpan.Zero, DunningAction.Cancel, "subscription_canceled")]);

    private static readonly DunningPolicy Long = new(
    [
        new DunningStep(TimeSpan.Zero, DunningAction.Email, "payment_failed"),
        new DunningStep(TimeSpan.FromDays(30), DunningAction.Cancel, "subscription_canceled"),
    ]);

    [Fact]
    public async Task An_admins_dunning_policy_stays_when_configuration_declares_the_product_again()
    {
        var product = await Configured("prod_policy_kept", DunningPolicy.Default);

        Assert.Empty(await product.SetDunningPolicy(Short, "admin:sam"));
        Assert.Empty(await product.Configure(Definition("prod_policy_kept", DunningPolicy.Default)));

        Assert.Equal(Short, (await product.GetDefinition())!.Dunning);
        var versions = await product.GetDunningPolicies();
        Assert.Equal([(2, "admin:sam"), (1, DunningPolicyVersion.Configuration)], versions.Select(v => (v.Version, v.SetBy)));
    }

    [Fact]
    public async Task A_policy_changed_in_configuration_is_the_newer_decision_and_wins_over_the_admins()
    {
        var product = await Configured("prod_policy_edited", DunningPolicy.Default);
        Assert.Empty(await product.SetDunningPolicy(Short, "admin:sam"));

        Assert.Empty(await product.Configure(Definition("prod_policy_edited", Long)));

        Assert.Equal(Long, (await product.GetDefinition())!.Dunning);
        Assert.Equal([3, 2, 1], (await product.GetDunningPolicies()).Select(v => v.Version));
    }

    [Fact]
    public async Task Declaring_the_same_product_again_makes_no_new_version()
    {
        var product = await Configured("prod_policy_same", Long);

        Assert.Empty(await product.Configure(Definition("prod_policy_same", Long)));

        Assert.Equal(DunningPolicyVersion.Configuration, Assert.Single(await product.GetDunningPolicies()).SetBy);
    }

    [Fact]
    public async Task A_key_taken_out_of_configuration_stops_and_one_an_admin_issued_stays()
    {
        var product = await Configured("prod_keys_config", null);
        await product.SetConfiguredApiKeys([ApiKeys.Hash("bk_cfg_a"), ApiKeys.Hash("bk_cfg_b")]);
        var issued = await product.IssueApiKey("admin:sam");

        await product.SetConfiguredApiKeys([ApiKeys.Hash("bk_cfg_b")]);

        Assert.Null(await ProductOf("bk_cfg_a"));
        Assert.Equal("prod_keys_config", await ProductOf("bk_cfg_b"));
        Assert.Equal("prod_keys_config", await ProductOf(issued.Key));
        var revoked = Assert.Single(await product.ListApiKeys(), k => k.RevokedAt is not null);
        Assert.Equal(DunningPolicyVersion.Configuration, revoked.RevokedBy);
    }

    [Fact]
    public async Task A_rotated_key_works_beside_its_successor_until_the_overlap_ends_and_a_revoked_key_stops_at_once()
    {
        var product = await Configured("prod_keys_rotate", null);
        var first = await product.IssueApiKey("admin:sam");

        var second = await product.RotateApiKey(first.Id, TimeSpan.FromHours(1), "admin:sam");

        Assert.NotNull(second);
        Assert.Equal(first.Id, second.Replaces);
        Assert.Equal("prod_keys_rotate", await ProductOf(first.Key));
        Assert.Equal("prod_keys_rotate", await ProductOf(second.Key));
        cluster.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await ProductOf(first.Key));
        Assert.Equal("prod_keys_rotate", await ProductOf(second.Key));

        Assert.True(await product.RevokeApiKey(second.Id, "admin:lin"));
        Assert.Null(await ProductOf(second.Key));
        Assert.False(await product.RevokeApiKey(second.Id, "admin:lin"));
        Assert.Null(await product.RotateApiKey(second.Id, TimeSpan.FromHours(1), "admin:lin"));
    }

    [Fact]
    public async Task A_revoke_whose_write_failed_can_be_repeated_and_stops_the_key()
    {
        var product = await Configured("prod_keys_failed_write", null);
        var issued = await product.IssueApiKey("admin:sam");
        cluster.Storage.FailNextWriteOf("product");

        await Assert.ThrowsAnyAsync<Exception>(() => product.RevokeApiKey(issued.Id, "admin:sam"));

        Assert.Contains(await product.ListApiKeys(), k => k.Id == issued.Id && k.RevokedAt is null);
        Assert.True(await product.RevokeApiKey(issued.Id, "admin:sam"));
        Assert.Null(await ProductOf(issued.Key));
        Assert.Contains(await product.ListApiKeys(), k => k.Id == issued.Id && k.RevokedAt is not null);
    }

    [Fact]
    public async Task A_configured_key_an_admin_revoked_or_a_rotation_retired_stays_stopped_when_configuration_declares_it_again()
    {
        var product = await Configured("prod_keys_leaked", null);
        string[] configured = [ApiKeys.Hash("bk_leaked"), ApiKeys.Hash("bk_retired")];
        await product.SetConfiguredApiKeys(configured);
        var keys = await product.ListApiKeys();
        Assert.True(await product.RevokeApiKey(keys.Single(k => k.Id == $"key_{ApiKeys.Hash("bk_leaked")[..12]}").Id, "admin:sam"));
        await product.RotateApiKey($"key_{ApiKeys.Hash("bk_retired")[..12]}", TimeSpan.FromHours(1), "admin:sam");
        cluster.Clock.Advance(TimeSpan.FromHours(2));

        await product.SetConfiguredApiKeys(configured);

        Assert.Null(await ProductOf("bk_leaked"));
        Assert.Null(await ProductOf("bk_retired"));
        Assert.Equal("admin:sam", (await product.ListApiKeys()).Single(k => k.Id == $"key_{ApiKeys.Hash("bk_leaked")[..12]}").RevokedBy);
    }

    [Fact]
    public async Task A_key_configuration_took_out_comes_back_when_configuration_declares_it_again()
    {
        var product = await Configured("prod_keys_back", null);
        await product.SetConfiguredApiKeys([ApiKeys.Hash("bk_back")]);
        await product.SetConfiguredApiKeys([]);
        Assert.Null(await ProductOf("bk_back"));

        await product.SetConfiguredApiKeys([ApiKeys.Hash("bk_back")]);

        Assert.Equal("prod_keys_back", await ProductOf("bk_back"));
    }

    [Fact]
    public async Task The_key_list_never_shows_a_key_or_its_hash()
    {
        var product = await Configured("prod_keys_list", null);
        var issued = await product.IssueApiKey("admin:sam");

        var listed = Assert.Single(await product.ListApiKeys());

        Assert.Equal(issued.Id, listed.Id);
        Assert.DoesNotContain(issued.Key, listed.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeys.Hash(issued.Key), listed.ToString(), StringComparison.Ordinal);
    }

    private static ProductDefinition Definition(string productId, DunningPolicy? dunning) =>
        DemoProduct.Definition with { ProductId = productId, Dunning = dunning };

    private async Task<IProductGrain> Configured(string productId, DunningPolicy? dunning)
    {
        var product = cluster.Grains.GetGrain<IProductGrain>(BillingIds.ProductKey(productId));
        Assert.Empty(await product.Configure(Definition(productId, dunning)));
        return product;
    }

    private async Task<string?> ProductOf(string key)
    {
        var snapshot = await cluster.Grains.GetGrain<IApiKeyDirectoryGrain>(IApiKeyDirectoryGrain.Key).Snapshot(-1);
        return snapshot!.Bindings.SingleOrDefault(b => b.Hash == ApiKeys.Hash(key)) is { } binding && binding.WorksAt(cluster.Clock.GetUtcNow()) ? binding.ProductId : null;
    }
}
