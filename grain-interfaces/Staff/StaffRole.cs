namespace OrleansBilling.GrainInterfaces.Staff;

/// <summary>What a member of staff may do; each role has the rights of those before it.</summary>
public enum StaffRole
{
    /// <summary>Look up customers, grant and remove overrides, retry a payment, cancel and resume.</summary>
    Support,
    /// <summary>Support's rights, and refunds and reports.</summary>
    Finance,
    /// <summary>Everything: dunning policies, products, API keys and staff tokens too.</summary>
    Admin,
}
