namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The kinds of test, as the xunit trait <c>Kind</c>, so a fast subset can run while working:
/// <c>dotnet test -- --filter-trait "Kind=Unit"</c>. <c>dotnet test</c> alone runs them all.
/// </summary>
public static class TestKind
{
    /// <summary>The trait's name.</summary>
    public const string Trait = "Kind";

    /// <summary>Pure code, no host, no network: milliseconds each.</summary>
    public const string Unit = "Unit";

    /// <summary>Grains in an in-process Orleans cluster on a fake clock.</summary>
    public const string Grain = "Grain";

    /// <summary>A host (the service, the sandbox, the Brevo emulator) over real HTTP on loopback.</summary>
    public const string Http = "Http";

    /// <summary>The whole local default, driven as a product, Stripe and a customer would: the sandbox's clock, webhooks and mailbox.</summary>
    public const string EndToEnd = "EndToEnd";

    /// <summary>A throwaway PostgreSQL server: storage, reminders, clustering, migrations, the real hosts on it.</summary>
    public const string Postgres = "Postgres";

    /// <summary>The deployment as files: the rendered Kubernetes manifests and the image definition, read and validated offline.</summary>
    public const string Deployment = "Deployment";
}
