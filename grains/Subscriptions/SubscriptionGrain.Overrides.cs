using System.Globalization;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;

namespace OrleansBilling.Grains.Subscriptions;

/// <summary>
/// Support overrides: granted and removed with who and why in the history, applied in the
/// entitlements until they expire. An expired override is never shown (every read filters by the
/// clock); the <c>overrides</c> reminder and an activation timer remove it and record that.
/// </summary>
public sealed partial class SubscriptionGrain
{
    private const string OverridesReminder = "overrides";
    private IGrainTimer? overridesTimer;

    public Task<IReadOnlyList<OverrideView>> GetOverrides()
    {
        var now = clock.GetUtcNow();
        return Task.FromResult<IReadOnlyList<OverrideView>>([.. state.State.Overrides.Where(o => o.ExpiresAt > now).Select(o => o.View())]);
    }

    public Task<CommandResult<OverrideView>> GrantOverride(OverrideRequest request, CommandContext context) =>
        Command(context, reply => reply.Override, (reply, result) => reply with { Override = result }, async () =>
        {
            if (await Product(refresh: true) is not { } catalog)
            {
                return CommandResult<OverrideView>.Failure(UnknownProduct());
            }

            var now = clock.GetUtcNow();
            await ExpireOverrides(catalog, now);
            if (OverrideRules.Refusal(request, catalog, state.State.Overrides.Count, now) is { } refusal)
            {
                return CommandResult<OverrideView>.Failure(new CommandError(refusal.Code, refusal.Message, Current.State));
            }

            var granted = new GrantedOverride(
                $"ovr_{state.State.OverridesGranted + 1}", request.Feature, request.Limit, request.FeatureValue, request.LimitValue,
                request.Reason, context.Actor, now, request.ExpiresAt);
            state.State.OverridesGranted++;
            state.State.Overrides.Add(granted);
            Record(catalog, InputId(context), context.Actor, "OverrideGranted", $"{Describe(granted)}; reason: {granted.Reason}");
            await PersistAndAct();
            await ArmOverrideExpiry();
            return CommandResult<OverrideView>.Success(granted.View());
        });

    public Task<CommandResult<OverrideView>> RemoveOverride(string overrideId, CommandContext context) =>
        Command(context, reply => reply.Override, (reply, result) => reply with { Override = result }, async () =>
        {
            if (await Product(refresh: false) is not { } catalog)
            {
                return CommandResult<OverrideView>.Failure(UnknownProduct());
            }

            var now = clock.GetUtcNow();
            await ExpireOverrides(catalog, now);
            if (state.State.Overrides.Find(o => o.Id == overrideId) is not { } removed)
            {
                return CommandResult<OverrideView>.Failure(new CommandError(
                    CommandErrorCode.OverrideNotFound, $"The customer has no override '{overrideId}' in force.", Current.State));
            }

            state.State.Overrides.Remove(removed);
            Record(catalog, InputId(context), context.Actor, "OverrideRemoved", Describe(removed));
            await PersistAndAct();
            await ArmOverrideExpiry();
            return CommandResult<OverrideView>.Success(removed.View());
        });

    /// <summary>Removes the overrides that have expired, recording each in the history.</summary>
    private async Task ExpireOverrides(ProductDefinition catalog, DateTimeOffset now)
    {
        var expired = state.State.Overrides.Where(o => o.ExpiresAt <= now).ToList();
        if (expired.Count == 0)
        {
            return;
        }

        foreach (var o in expired)
        {
            state.State.Overrides.Remove(o);
            Record(catalog, $"override-expired:{o.Id}", "clock", "OverrideExpired", Describe(o));
        }

        await PersistAndAct();
    }

    private void Record(ProductDefinition catalog, string inputId, string source, string fact, string detail)
    {
        Apply(Decide(new LifecycleInput.RecordFact(inputId, source, fact, detail), catalog));
        entitlements = null;
        dirty = true;
    }

    /// <summary>The durable reminder and a timer of this activation wake the grain at the next expiry.</summary>
    private async Task ArmOverrideExpiry()
    {
        overridesTimer?.Dispose();
        overridesTimer = null;
        if (state.State.Overrides.Count == 0)
        {
            await StopReminder(OverridesReminder);
            return;
        }

        var dueIn = Later(state.State.Overrides.Min(o => o.ExpiresAt) - clock.GetUtcNow());
        await this.RegisterOrUpdateReminder(OverridesReminder, dueIn, TimeSpan.FromHours(1));
        ArmOverridesTimer(dueIn);
    }

    private void ArmOverridesTimer(TimeSpan dueIn) =>
        overridesTimer = this.RegisterGrainTimer(
            _ => OnOverridesDue(),
            new GrainTimerCreationOptions { DueTime = dueIn, Period = Timeout.InfiniteTimeSpan });

    private async Task OnOverridesDue()
    {
        if (await Product(refresh: false) is { } catalog)
        {
            await ExpireOverrides(catalog, clock.GetUtcNow());
        }

        await ArmOverrideExpiry();
    }

    private static string Describe(GrantedOverride o) =>
        string.Create(CultureInfo.InvariantCulture, $"{o.Id}: {(o.Feature is { } f ? $"feature {f} = {(o.FeatureValue == true ? "on" : "off")}" : $"limit {o.Limit} = {o.LimitValue}")} until {o.ExpiresAt:O} by {o.Actor}");
}
