using System.Security.Cryptography;
using System.Text;

namespace OrleansBilling.GrainInterfaces.Products;

/// <summary>API keys are stored and looked up only by their hash.</summary>
public static class ApiKeys
{
    /// <summary>Lower-case hex SHA-256 of the key. Keys are long random secrets, so an unsalted hash suffices.</summary>
    public static string Hash(string apiKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>The shortest and longest key accepted: a generated key has 35 characters.</summary>
    public const int MinLength = 16, MaxLength = 128;

    /// <summary>
    /// Whether <paramref name="apiKey"/> has the shape of a key: <see cref="MinLength"/> to
    /// <see cref="MaxLength"/> letters, digits, '_' and '-'. Checked before anything else, and of
    /// configured keys at start.
    /// </summary>
    public static bool HasKeyShape(string? apiKey) =>
        apiKey is { Length: >= MinLength and <= MaxLength } && apiKey.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>A new random key with a recognisable prefix.</summary>
    public static string Generate() => Secret("bk_", 24);

    /// <summary>
    /// A random secret of <paramref name="bytes"/> bytes as letters and digits after <paramref name="prefix"/>: the
    /// shape every key, token and generated password of the service has.
    /// </summary>
    public static string Secret(string prefix, int bytes) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).Replace('+', 'A').Replace('/', 'B').TrimEnd('=');
}
