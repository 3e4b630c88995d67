namespace OrleansBilling.Tests.Postgres;

/// <summary>Registers, reads and unregisters reminders; the ticks themselves are irrelevant here.</summary>
[GrainType(GrainTypeName)]
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    /// <summary>The pinned grain type (reminder rows store "type/key").</summary>
    public const string GrainTypeName = "t-reminder-probe";

    /// <inheritdoc />
    public Task Register(string name, TimeSpan period) => this.RegisterOrUpdateReminder(name, period, period);

    /// <inheritdoc />
    public async Task<bool> Exists(string name) => await this.GetReminder(name) is not null;

    /// <inheritdoc />
    public async Task<string[]> GetNames() => [.. (await this.GetReminders()).Select(r => r.ReminderName).Order(StringComparer.Ordinal)];

    /// <inheritdoc />
    public async Task Unregister(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
