namespace OrleansBilling.Grains.Events;

/// <summary>When a failed delivery is tried again: a pause that doubles from the first, up to the longest, give or take a fifth; never past its window.</summary>
public static class DeliverySchedule
{
    /// <summary>
    /// The next attempt after the <paramref name="attempts"/>-th failed at <paramref name="now"/>, or null when the window that began at
    /// <paramref name="windowStart"/> is over (the delivery is given up). The last attempt falls at the window's end.
    /// </summary>
    public static DateTimeOffset? NextAttempt(int attempts, DateTimeOffset windowStart, DateTimeOffset now, EventDeliveryOptions options, double jitter)
    {
        var end = windowStart + options.RetryFor;
        if (now >= end)
        {
            return null;
        }

        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var pause = TimeSpan.FromTicks((long)Math.Min(options.FirstRetryAfter.Ticks * Math.Pow(2, exponent), options.LongestPause.Ticks));
        var next = now + (pause * (0.8 + (Math.Clamp(jitter, 0, 1) * 0.4)));
        return next < end ? next : end;
    }
}
