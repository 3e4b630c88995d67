namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The local default on the sandbox (<see cref="SandboxBillingService"/>) with a second product, <c>lite</c>,
/// whose billing portal offers nothing but the card: no cancel, no plan switch, no invoices.
/// </summary>
public sealed class SandboxTwoProductsService : BillingService
{
    public const string LiteApiKey = "bk_test_lite_key_0123456789";

    protected override bool UseSandbox => true;

    protected override IEnumerable<string> Arguments() =>
    [
        "--Billing:Products:lite:Name=Lite",
        $"--Billing:Products:lite:ApiKeys:0={LiteApiKey}",
        "--Billing:Products:lite:Plans:solo:PriceId=price_lite_solo",
        "--Billing:Products:lite:Plans:solo:Amount=400",
        "--Billing:Products:lite:Plans:team:PriceId=price_lite_team",
        "--Billing:Products:lite:Plans:team:Amount=1200",
        "--Billing:Products:lite:Portal:Cancel=false",
        "--Billing:Products:lite:Portal:SwitchPlan=false",
        "--Billing:Products:lite:Portal:Invoices=false",
    ];
}
