using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Gateway.Admin;

namespace OrleansBilling.Gateway.SupportConsole;

/// <summary>
/// Checks a console sign-in against the configured accounts, with a lock-out after repeated failures (per account,
/// in this gateway process). An unknown person costs a hash check too, so a wrong name and a wrong password take
/// as long and read the same.
/// </summary>
public sealed class ConsoleSignIn(IOptionsMonitor<ConsoleOptions> options, TimeProvider clock)
{
    /// <summary>The claim carrying the staff role.</summary>
    public const string RoleClaim = "billing:role";

    private static readonly PasswordHasher<string> Hasher = new();
    private static readonly string UnknownAccountHash = Hasher.HashPassword("", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    // Names tried are counted whether or not an account has them (a lock-out must not tell which exist), so the
    // record is bounded: past this many names, those not locked are forgotten.
    private const int MostNamesRemembered = 10_000;

    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset? LockedUntil)> failures = new(StringComparer.Ordinal);

    /// <summary>The outcome of a sign-in: the person signed in, or why not.</summary>
    public enum Outcome
    {
        SignedIn,
        WrongNameOrPassword,
        LockedOut,
    }

    public (Outcome Outcome, ClaimsPrincipal? Principal) Check(string? person, string? password)
    {
        var name = (person ?? "").Trim().ToLowerInvariant();
        var settings = options.CurrentValue;
        var now = clock.GetUtcNow();
        if (failures.TryGetValue(name, out var record) && record.LockedUntil > now)
        {
            return (Outcome.LockedOut, null);
        }

        var account = StaffPeople.IsValidName(name) ? settings.Accounts.GetValueOrDefault(name) : null;
        var verified = Hasher.VerifyHashedPassword("", account?.PasswordHash ?? UnknownAccountHash, password ?? "") != PasswordVerificationResult.Failed;
        if (account is null || !verified)
        {
            if (failures.Count >= MostNamesRemembered)
            {
                foreach (var unlocked in failures.Where(f => !(f.Value.LockedUntil > now)).Select(f => f.Key).ToList())
                {
                    failures.TryRemove(unlocked, out _);
                }
            }

            var failed = failures.AddOrUpdate(name, _ => (1, null), (_, r) => (r.LockedUntil <= now ? 1 : r.Failures + 1, null));
            if (failed.Failures >= settings.MaxFailedSignIns)
            {
                failures[name] = (0, now + settings.LockoutFor);
                return (Outcome.LockedOut, null);
            }

            return (Outcome.WrongNameOrPassword, null);
        }

        failures.TryRemove(name, out _);
        return (Outcome.SignedIn, Principal(new StaffCaller(name, account.Role, null)));
    }

    /// <summary>The signed-in member of staff of a console request, or null.</summary>
    public static StaffCaller? CallerOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.FindFirstValue(ClaimTypes.Name) is { } name
            && Enum.TryParse<StaffRole>(user.FindFirstValue(RoleClaim), out var role)
            ? new StaffCaller(name, role, null)
            : null;

    /// <summary>Whether <paramref name="value"/> has the shape of such a hash (Identity's version 3 marker), not of a password.</summary>
    public static bool IsHash(string? value)
    {
        var bytes = new byte[64];
        return value is { Length: >= 60 and <= 200 } && Convert.TryFromBase64String(value, bytes, out var written) && written >= 45 && bytes[0] == 0x01;
    }

    /// <summary>A password's hash in the format <see cref="ConsoleAccountOptions.PasswordHash"/> takes.</summary>
    public static string Hash(string password) => Hasher.HashPassword("", password);

    private static ClaimsPrincipal Principal(StaffCaller caller) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, caller.Person), new Claim(RoleClaim, caller.Role.ToString())],
        ConsoleAuth.Scheme));
}
