using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Gateway.Admin;

namespace OrleansBilling.Gateway.SupportConsole;

/// <summary>
/// Checks a console sign-in against the configured accounts, with a lock-out after repeated failures (per name,
/// in this gateway process). Each attempt is counted before its password is checked, so sign-ins sent at once
/// cannot check more passwords than the allowance, and a lock in force is never lifted by a late failure. A
/// well-formed name without an account costs a hash check and locks alike, so neither tells which names exist.
/// </summary>
public sealed class ConsoleSignIn(IOptionsMonitor<ConsoleOptions> options, TimeProvider clock)
{
    /// <summary>The claim carrying the staff role.</summary>
    public const string RoleClaim = "billing:role";

    /// <summary>The claim tying a session to the account's password hash: a changed password ends it.</summary>
    public const string StampClaim = "billing:stamp";

    /// <summary>The claim saying when the session began: it ends after <see cref="LongestSession"/> however active.</summary>
    public const string SinceClaim = "billing:since";

    /// <summary>The longest a console session lasts, however often it is used.</summary>
    public static readonly TimeSpan LongestSession = TimeSpan.FromHours(12);

    // Names tried are remembered whether or not an account has them; the record is bounded all the same.
    private const int MostNamesRemembered = 10_000;

    private static readonly PasswordHasher<string> Hasher = new();
    private static readonly string UnknownAccountHash = Hasher.HashPassword("", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    private readonly Lock gate = new();
    private readonly Dictionary<string, (int Attempts, DateTimeOffset? LockedUntil)> attempts = new(StringComparer.Ordinal);

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
        if (!StaffPeople.IsValidName(name) || password is not { Length: > 0 and <= 1024 })
        {
            // A name no account can have is not remembered: there is nothing to lock.
            return (Outcome.WrongNameOrPassword, null);
        }

        var settings = options.CurrentValue;
        var now = clock.GetUtcNow();
        lock (gate)
        {
            var (count, lockedUntil) = attempts.GetValueOrDefault(name);
            if (lockedUntil > now)
            {
                return (Outcome.LockedOut, null);
            }

            // The allowance is taken by attempts under way too: no more passwords are checked than it allows.
            if (lockedUntil is null && count >= settings.MaxFailedSignIns)
            {
                attempts[name] = (0, now + settings.LockoutFor);
                return (Outcome.LockedOut, null);
            }

            if (attempts.Count >= MostNamesRemembered && !attempts.ContainsKey(name))
            {
                foreach (var idle in attempts.Where(a => a.Value is { Attempts: 0, LockedUntil: null } || a.Value.LockedUntil <= now).Select(a => a.Key).ToList())
                {
                    attempts.Remove(idle);
                }
            }

            attempts[name] = (lockedUntil is null ? count + 1 : 1, null);
        }

        var account = settings.Accounts.GetValueOrDefault(name);
        var verified = Hasher.VerifyHashedPassword("", account?.PasswordHash ?? UnknownAccountHash, password) != PasswordVerificationResult.Failed;
        lock (gate)
        {
            if (account is not null && verified)
            {
                attempts.Remove(name);
                return (Outcome.SignedIn, PrincipalOf(new StaffCaller(name, account.Role, null), Stamp(account), now));
            }

            var (count, lockedUntil) = attempts.GetValueOrDefault(name);
            if (lockedUntil > now || count >= settings.MaxFailedSignIns)
            {
                attempts[name] = (0, lockedUntil > now ? lockedUntil : now + settings.LockoutFor);
                return (Outcome.LockedOut, null);
            }

            return (Outcome.WrongNameOrPassword, null);
        }
    }

    /// <summary>
    /// Whether a session still stands for a configured account with the same role and password, and is not older
    /// than <see cref="LongestSession"/>: removing an account, lowering its role or changing its password ends its sessions.
    /// </summary>
    public bool StillValid(ClaimsPrincipal user)
    {
        if (CallerOf(user) is not { } caller
            || !DateTimeOffset.TryParse(user.FindFirstValue(SinceClaim), System.Globalization.CultureInfo.InvariantCulture, out var since))
        {
            return false;
        }

        // A session of the identity provider stands while the provider is configured (its roles are read at sign-in);
        // one of a configured account while that account has the same role and password.
        var stamp = user.FindFirstValue(StampClaim);
        var standing = stamp == ConsoleOpenIdConnect.Stamp
            ? options.CurrentValue.OpenIdConnect.Enabled
            : options.CurrentValue.Accounts.GetValueOrDefault(caller.Person) is { } account && account.Role == caller.Role && stamp == Stamp(account);
        if (!standing)
        {
            return false;
        }

        return clock.GetUtcNow() - since < LongestSession;
    }

    /// <summary>Rejects a session that no longer stands (<see cref="StillValid"/>) on every request.</summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is null || !StillValid(context.Principal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(ConsoleAuth.Scheme);
        }
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

    private static string Stamp(ConsoleAccountOptions account) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(account.PasswordHash ?? "")))[..16];

    /// <summary>A console session's principal: the person, the role, what it was signed in with, and when.</summary>
    internal static ClaimsPrincipal PrincipalOf(StaffCaller caller, string stamp, DateTimeOffset now) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, caller.Person),
            new Claim(RoleClaim, caller.Role.ToString()),
            new Claim(StampClaim, stamp),
            new Claim(SinceClaim, now.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        ],
        ConsoleAuth.Scheme));
}
