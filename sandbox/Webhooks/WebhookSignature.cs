using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansBilling.Sandbox.Webhooks;

/// <summary>Stripe's <c>Stripe-Signature</c> header: HMAC-SHA256 keyed by the whole whsec_ string over "{t}.{body}".</summary>
internal static class WebhookSignature
{
    public static string Header(string payload, string secret, long unixTime)
    {
        var signed = string.Create(CultureInfo.InvariantCulture, $"{unixTime}.{payload}");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed));
        return string.Create(CultureInfo.InvariantCulture, $"t={unixTime},v1={Convert.ToHexStringLower(mac)}");
    }
}
