namespace OrleansBilling.GrainInterfaces;

/// <summary>
/// A grain with a wake-up: one durable reminder due at the earliest thing it must do by itself. The
/// reminder wakes it; so does a silo starting, for every wake-up that fell due while no silo ran.
/// </summary>
[Alias("billing.IWakeable")]
public interface IWakeable : IGrainWithStringKey
{
    /// <summary>Does whatever has fallen due, as the reminder's tick would, and arms the wake-up for what is left.</summary>
    [Alias("CatchUp")]
    Task CatchUp();
}
