using System.ComponentModel.DataAnnotations;

namespace OrleansBilling.Gateway.Webhooks;

/// <summary>What the webhook endpoint needs to trust Stripe (<c>Stripe</c> section).</summary>
public sealed class StripeWebhookOptions
{
    public const string Section = "Stripe";

    /// <summary>The endpoint's signing secret (<c>whsec_…</c>). Never logged, never answered.</summary>
    [Required(ErrorMessage = "Stripe:WebhookSecret is required: the signing secret of the Stripe webhook endpoint (whsec_…).")]
    public string WebhookSecret { get; set; } = "";

    /// <summary>How far a signature's timestamp may be from now, either way (Stripe's default: 300 s).</summary>
    [Range(1, 3600)]
    public int ToleranceSeconds { get; set; } = 300;
}
