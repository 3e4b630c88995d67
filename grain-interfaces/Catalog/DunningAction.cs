namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>What a dunning step does besides sending its email.</summary>
public enum DunningAction
{
    /// <summary>Only send the step's email.</summary>
    Email,
    /// <summary>Revoke access (<c>AccessSuspended</c>) and send the email.</summary>
    Suspend,
    /// <summary>The final step: cancel at the provider (<c>DunningExhausted</c>) and send the email.</summary>
    Cancel,
}
