namespace OrleansBilling.GrainInterfaces;

/// <summary>
/// A grain method whose second run with the same arguments changes nothing more than the first (a read, the
/// webhook inbox by event id, usage by idempotency key). A standalone gateway may send such a call again when
/// its silo died after the call may have been delivered; other calls are sent again only when the silo
/// refused them before they ran.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RepeatableAttribute : Attribute;
