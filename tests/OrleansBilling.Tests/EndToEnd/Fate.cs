namespace OrleansBilling.Tests.EndToEnd;

/// <summary>What happens to a customer over forty days of <see cref="MixedFates"/>.</summary>
internal enum Fate
{
    /// <summary>Subscribes to basic late: active, never renewed.</summary>
    NewlyActive,
    /// <summary>Subscribes to basic on day 0 and is renewed.</summary>
    Renewed,
    /// <summary>Subscribes to basic on day 0, changes to pro on day 5 and is renewed on pro.</summary>
    PlanChanged,
    /// <summary>Starts a pro trial late: still trialing.</summary>
    Trialing,
    /// <summary>Starts a pro trial on day 0 that converts.</summary>
    TrialConverted,
    /// <summary>Starts a pro trial, schedules a cancel and takes it back; the trial converts.</summary>
    CancelUndone,
    /// <summary>Starts a pro trial and cancels it at its end.</summary>
    TrialCanceledAtEnd,
    /// <summary>Pays with the 0341 card: the renewal fails.</summary>
    PastDue,
    /// <summary>Pays with the 0341 card, the renewal fails, then pays with a good card.</summary>
    Recovered,
    /// <summary>Cancels at the period end on day 5: canceled at the renewal.</summary>
    CanceledAtPeriodEnd,
    /// <summary>Subscribes late and cancels at the period end: still canceling.</summary>
    Canceling,
    /// <summary>Cancels now on day 5.</summary>
    CanceledNow,
    /// <summary>Cancels now on day 5 and subscribes again on day 35.</summary>
    WonBack,
    /// <summary>Renewal fails, cancels now while past due, subscribes again with a good card.</summary>
    WonBackAfterPastDue,
    /// <summary>Opens a checkout, the card is declined, the session expires.</summary>
    CheckoutAbandoned,
}
