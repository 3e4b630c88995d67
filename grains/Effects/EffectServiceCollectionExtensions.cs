using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Events;
using OrleansBilling.Grains.Telemetry;

namespace OrleansBilling.Grains.Effects;

public static class EffectServiceCollectionExtensions
{
    /// <summary>The executor of every effect kind, the runner the grains use, what they count, and the answers they share with the gateway in their silo.</summary>
    public static IServiceCollection AddBillingEffects(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEffectExecutor, SendEmailExecutor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEffectExecutor, RetryPaymentExecutor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEffectExecutor, CancelAtProviderExecutor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEffectExecutor, CancelDuplicateExecutor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEffectExecutor, ChangeMeteredPricesExecutor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEffectExecutor, PublishReadModelExecutor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEffectExecutor, IndexProviderCustomerExecutor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEffectExecutor, SyncUsagePeriodExecutor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEffectExecutor, RecordAuditExecutor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEffectExecutor, PublishProductEventsExecutor>());
        services.AddProductEventDelivery();
        services.TryAddSingleton<EffectRunner>();
        services.AddMetrics();
        services.TryAddSingleton<BillingMetrics>();
        services.TryAddSingleton<LocalEntitlements>();
        return services;
    }
}
