using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary><c>/v1/customers</c>.</summary>
internal sealed class CustomersApi(SandboxState state) : ResourceApi(state)
{
    public ApiOutcome Create(StripeApiRequest request)
    {
        var p = request.Parameters;
        var metadata = p.Map("metadata");
        var customer = State.AddCustomer(p.String("email"), p.String("name"));
        customer.Description = p.String("description");
        customer.Phone = p.String("phone");
        customer.Metadata = Metadata.Create(metadata);
        State.Emit(request.Events, "customer.created", customer.ToJson());
        return Answer(request, customer.ToJson());
    }

    public ApiOutcome Get(StripeApiRequest request) =>
        Answer(request, Find(State.Customers, request.Id, "customer").ToJson());

    public ApiOutcome Update(StripeApiRequest request)
    {
        var customer = Find(State.Customers, request.Id, "customer");
        var p = request.Parameters;
        var metadata = p.Map("metadata");
        var before = customer.ToJson();
        if (p.Has("email"))
        {
            customer.Email = NullIfEmpty(p.String("email"));
        }

        if (p.Has("name"))
        {
            customer.Name = NullIfEmpty(p.String("name"));
        }

        if (p.Has("description"))
        {
            customer.Description = NullIfEmpty(p.String("description"));
        }

        if (p.Has("phone"))
        {
            customer.Phone = NullIfEmpty(p.String("phone"));
        }

        if (metadata is not null)
        {
            customer.Metadata = Metadata.Merge(customer.Metadata, metadata);
        }

        var after = customer.ToJson();
        var previous = StripeJson.PreviousAttributes(before, after);
        if (previous.Count > 0)
        {
            State.Emit(request.Events, "customer.updated", after, previous);
        }

        return Answer(request, customer.ToJson());
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
