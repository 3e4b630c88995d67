namespace OrleansBilling.Grains.Products;

/// <summary>The persisted state of an API key's index entry.</summary>
[GenerateSerializer, Alias("billing.ApiKeyGrainState")]
public sealed class ApiKeyGrainState
{
    [Id(0)] public string? ProductId { get; set; }

    /// <summary>When the key stops working (a rotation's overlap ends); null while it has no end.</summary>
    [Id(1)] public DateTimeOffset? ExpiresAt { get; set; }
}
