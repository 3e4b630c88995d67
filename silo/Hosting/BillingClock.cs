using Orleans.Reminders;

namespace OrleansBilling.Silo.Hosting;

/// <summary>
/// Which clock each part of the silo runs on. Billing time (grains, grain timers, reminders) may be
/// the sandbox's movable clock; membership, messaging and the runtime's own housekeeping always
/// stay on real time, or moving the sandbox clock would make silos declare each other dead.
/// </summary>
public static class BillingClock
{
    public static IServiceCollection UseBillingClock(this IServiceCollection services, Func<IServiceProvider, TimeProvider> billingTime)
    {
        services.AddSingleton(billingTime);
        services.AddKeyedSingleton(TimeProviderNames.Grains, (sp, _) => billingTime(sp));
        services.AddKeyedSingleton(ReminderTimeProviderNames.Reminders, (sp, _) => billingTime(sp));
        foreach (var realTimeArea in new[]
        {
            TimeProviderNames.Membership,
            TimeProviderNames.Messaging,
            TimeProviderNames.SystemTimers,
            TimeProviderNames.ActivationManagement,
            TimeProviderNames.GrainDirectory,
        })
        {
            services.AddKeyedSingleton(realTimeArea, TimeProvider.System);
        }

        return services;
    }
}
