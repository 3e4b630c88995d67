using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansBilling.Grains.Events;

public static class EventServiceCollectionExtensions
{
    /// <summary>
    /// What delivers events to products: <see cref="EventDeliveryOptions"/> from <c>Billing:Events</c>, and the HTTP client that
    /// follows no redirect, uses no proxy, and (unless private addresses are allowed) connects only to public addresses.
    /// The event store is the host's to register.
    /// </summary>
    public static IServiceCollection AddProductEventDelivery(this IServiceCollection services)
    {
        services.AddOptions<EventDeliveryOptions>()
            .BindConfiguration(EventDeliveryOptions.Section)
            .Validate(o => !o.Problems().Any(), "Billing:Events: AttemptTimeout above zero and at most 2 minutes; FirstRetryAfter above zero, LongestPause at least that, RetryFor at least LongestPause; GatherFor 0 to 5 s; Concurrency 1 to 256; MaxEndpointsPerProduct 1 to 1000.")
            .ValidateOnStart();
        services.TryAddSingleton<EventSender>();
        services.AddHttpClient(EventSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var handler = new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseProxy = false,
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                };
                if (!sp.GetRequiredService<IOptions<EventDeliveryOptions>>().Value.AllowPrivateAddresses)
                {
                    handler.ConnectCallback = EndpointAddress.ConnectPublicAsync;
                }

                return handler;
            });
        return services;
    }
}
