namespace OrleansBilling.Grains.Events;

/// <summary>
/// When a failed delivery is tried again: after a pause as long as the time since its window began (so the pauses double from
/// the first), at least <see cref="EventDeliveryOptions.FirstRetryAfter"/> and at most <see cref="EventDeliveryOptions.LongestPause"/>,
/// give or take a fifth; never past the window's end. A delivery's window begins at its first attempt, or at a replay.
/// </summary>
public static class DeliverySchedule
{
    /// <summary>
    /// The next attempt after one failed at <paramref name="now"/>, or null when the window that began at
    /// <paramref name="windowStart"/> is over (the delivery is given up). The last attempt falls at the window's end.
    /// </summary>
    public static DateTimeOffset? NextAttempt(DateTimeOffset windowStart, DateTimeOffset now, EventDeliveryOptions options, double jitter)
    {
        var end = windowStart + options.RetryFor;
        if (now >= end)
        {
            return null;
        }

        var elapsed = now - windowStart;
        var pause = elapsed < options.FirstRetryAfter ? options.FirstRetryAfter : elapsed > options.LongestPause ? options.LongestPause : elapsed;
        var next = now + (pause * (0.8 + (Math.Clamp(jitter, 0, 1) * 0.4)));
        return next < end ? next : end;
    }
}
