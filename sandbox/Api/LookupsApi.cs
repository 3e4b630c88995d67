using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary>Read-only lookups the service may make while handling events: charges, payment intents, prices.</summary>
internal sealed class LookupsApi(SandboxState state) : ResourceApi(state)
{
    public ApiOutcome Charge(StripeApiRequest request) =>
        Answer(request, Find(State.Charges, request.Id, "charge").ToJson());

    public ApiOutcome PaymentIntent(StripeApiRequest request) =>
        Answer(request, Find(State.PaymentIntents, request.Id, "payment_intent").ToJson());

    public ApiOutcome Price(StripeApiRequest request) =>
        Answer(request, StripeJson.Price(State.FindPrice(request.Id) ?? throw StripeApiException.NoSuch("price", request.Id, "id", inUrl: true)));
}
