using OrleansBilling.Tests.Infrastructure;

namespace OrleansBilling.Tests.Http;

/// <summary>The billing service with a second product, <c>other</c>, declared in configuration beside the demo product.</summary>
public class TwoProductsService : BillingService
{
    public const string OtherProductId = "other";
    public const string OtherApiKey = "bk_test_other_key_9876543210";

    protected override IEnumerable<string> Arguments() =>
    [
        $"--Billing:Products:{OtherProductId}:Name=Other",
        $"--Billing:Products:{OtherProductId}:ApiKeys:0={OtherApiKey}",
        $"--Billing:Products:{OtherProductId}:Plans:basic:PriceId=price_other_basic",
        $"--Billing:Products:{OtherProductId}:Plans:basic:Amount=500",
        $"--Billing:Products:{OtherProductId}:Plans:basic:Limits:projects=3",
        $"--Billing:Products:{OtherProductId}:Plans:basic:Limits:api_calls=50",
        $"--Billing:Products:{OtherProductId}:Meters:api_calls:EventName=other_api_calls",
        $"--Billing:Products:{OtherProductId}:Meters:api_calls:Limit=api_calls",
    ];
}
