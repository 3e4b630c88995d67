namespace OrleansBilling.Tests.Postgres;

/// <summary>A test grain that manages its reminders on request, to exercise the ADO.NET reminder table.</summary>
[Alias("OrleansBilling.Tests.Postgres.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers (or updates) a reminder due and repeating every <paramref name="period"/>.</summary>
    [Alias("Register")]
    Task Register(string name, TimeSpan period);

    /// <summary>Whether the grain has a reminder of that name (read through the reminder service).</summary>
    [Alias("Exists")]
    Task<bool> Exists(string name);

    /// <summary>The names of all reminders of this grain.</summary>
    [Alias("GetNames")]
    Task<string[]> GetNames();

    /// <summary>Unregisters the named reminder if it exists.</summary>
    [Alias("Unregister")]
    Task Unregister(string name);
}
