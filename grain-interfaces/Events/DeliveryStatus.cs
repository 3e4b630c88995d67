namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>Where one event's delivery to one endpoint stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Not yet answered with 2xx: sent soon, or again after a pause.</summary>
    Pending,
    /// <summary>The endpoint answered 2xx.</summary>
    Delivered,
    /// <summary>Given up: every attempt failed for the whole retry window. A replay sends it again.</summary>
    Failed,
}
