namespace OrleansBilling.GrainInterfaces.Staff;

/// <summary>How a member of staff's action ended, as the audit trail keeps it.</summary>
public enum AuditOutcome
{
    /// <summary>Done: the change was made.</summary>
    Succeeded,

    /// <summary>The service refused it (a rule, a state, the payment provider); nothing changed.</summary>
    Refused,

    /// <summary>The person's role does not allow it; nothing changed.</summary>
    Forbidden,

    /// <summary>Begun and not known to have ended (written before an action outside a customer's record, so none goes unrecorded).</summary>
    Attempted,

    /// <summary>The person looked at a customer's data.</summary>
    Viewed,
}
