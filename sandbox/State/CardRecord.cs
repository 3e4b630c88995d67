namespace OrleansBilling.Sandbox.State;

/// <summary>The card a customer saved: one test card number behind a payment method id.</summary>
internal sealed record CardRecord(string Number, string PaymentMethodId)
{
    public string Last4 => Number[^4..];
}
