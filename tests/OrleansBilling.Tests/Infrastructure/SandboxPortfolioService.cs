namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// The local default on the sandbox with a portfolio: the demo product in dollars and <c>atlas</c> in euros (a monthly
/// team and solo plan and a yearly plan), for reports across products and currencies.
/// </summary>
public sealed class SandboxPortfolioService : BillingService
{
    public const string AtlasApiKey = "bk_test_atlas_key_0123456789";

    protected override bool UseSandbox => true;

    protected override IEnumerable<string> Arguments() =>
    [
        "--Billing:Products:atlas:Name=Atlas",
        $"--Billing:Products:atlas:ApiKeys:0={AtlasApiKey}",
        "--Billing:Products:atlas:Plans:team:PriceId=price_atlas_team",
        "--Billing:Products:atlas:Plans:team:Amount=1500",
        "--Billing:Products:atlas:Plans:team:Currency=eur",
        "--Billing:Products:atlas:Plans:solo:PriceId=price_atlas_solo",
        "--Billing:Products:atlas:Plans:solo:Amount=1000",
        "--Billing:Products:atlas:Plans:solo:Currency=eur",
        "--Billing:Products:atlas:Plans:annual:PriceId=price_atlas_annual",
        "--Billing:Products:atlas:Plans:annual:Amount=12000",
        "--Billing:Products:atlas:Plans:annual:Currency=eur",
        "--Billing:Products:atlas:Plans:annual:Interval=Year",
        "--Billing:ExchangeRates:Currency=usd",
        "--Billing:ExchangeRates:Rates:eur:2020-01-01=1.0850",
        "--Billing:ExchangeRates:Rates:eur:2099-01-01=2",
    ];
}
