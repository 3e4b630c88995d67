using System.Security.Cryptography;
using System.Text;

namespace OrleansBilling.GrainInterfaces.Products;

/// <summary>API keys are stored and looked up only by their hash.</summary>
public static class ApiKeys
{
    /// <summary>Lower-case hex SHA-256 of the key. Keys are long random secrets, so an unsalted hash suffices.</summary>
    public static string Hash(string apiKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>A new random key with a recognisable prefix.</summary>
    public static string Generate() =>
        "bk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', 'A').Replace('/', 'B').TrimEnd('=');
}
