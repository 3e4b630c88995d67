using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansBilling.Gateway.SupportConsole;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Console;

/// <summary>The console's sign-in rules on a fake clock: a lock-out ends when its time is up, and a password is never taken for a hash.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class ConsoleSignInRulesTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_locked_account_signs_in_again_once_the_lock_out_is_over_and_a_success_clears_its_failures()
    {
        var signIn = SignIn(("ada", "right", StaffRole.Finance));

        var outcomes = Enumerable.Range(0, 3).Select(_ => signIn.Check("ada", "wrong").Outcome).ToList();
        var whileLocked = signIn.Check("ada", "right").Outcome;
        clock.Advance(TimeSpan.FromMinutes(15));
        var (afterwards, principal) = signIn.Check("Ada ", "right");
        var failuresCleared = Enumerable.Range(0, 2).Select(_ => signIn.Check("ada", "wrong").Outcome).ToList();

        Assert.Equal([ConsoleSignIn.Outcome.WrongNameOrPassword, ConsoleSignIn.Outcome.WrongNameOrPassword, ConsoleSignIn.Outcome.LockedOut], outcomes);
        Assert.Equal(ConsoleSignIn.Outcome.LockedOut, whileLocked);
        Assert.Equal(ConsoleSignIn.Outcome.SignedIn, afterwards);
        Assert.Equal(("ada", StaffRole.Finance), (ConsoleSignIn.CallerOf(principal!)!.Person, ConsoleSignIn.CallerOf(principal!)!.Role));
        Assert.All(failuresCleared, o => Assert.Equal(ConsoleSignIn.Outcome.WrongNameOrPassword, o));
    }

    [Fact]
    public async Task Sign_ins_sent_at_once_check_no_more_passwords_than_the_allowance_and_the_lock_holds()
    {
        var signIn = SignIn(("ada", "right", StaffRole.Admin));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() => signIn.Check("ada", "wrong").Outcome)));
        var afterwards = signIn.Check("ada", "right").Outcome;

        // Three attempts (the allowance) get as far as a password check; every other one is locked out before it.
        Assert.InRange(outcomes.Count(o => o == ConsoleSignIn.Outcome.LockedOut), 24 - 3, 24);
        Assert.Equal(ConsoleSignIn.Outcome.LockedOut, afterwards);
    }

    [Fact]
    public void A_session_ends_when_its_account_is_removed_its_role_lowered_its_password_changed_or_it_is_twelve_hours_old()
    {
        var options = new ConsoleOptions();
        options.Accounts["ada"] = new ConsoleAccountOptions { PasswordHash = ConsoleSignIn.Hash("right"), Role = StaffRole.Admin };
        var signIn = new ConsoleSignIn(new FixedOptions(options), clock);
        var session = signIn.Check("ada", "right").Principal!;
        var valid = signIn.StillValid(session);

        options.Accounts["ada"] = new ConsoleAccountOptions { PasswordHash = options.Accounts["ada"].PasswordHash, Role = StaffRole.Support };
        var afterDemotion = signIn.StillValid(session);
        options.Accounts["ada"] = new ConsoleAccountOptions { PasswordHash = ConsoleSignIn.Hash("new"), Role = StaffRole.Admin };
        var afterNewPassword = signIn.StillValid(session);
        var fresh = signIn.Check("ada", "new").Principal!;
        clock.Advance(TimeSpan.FromHours(12));
        var afterTwelveHours = signIn.StillValid(fresh);
        var renewed = signIn.Check("ada", "new").Principal!;
        options.Accounts.Remove("ada");

        Assert.Equal((true, false, false, false, false), (valid, afterDemotion, afterNewPassword, afterTwelveHours, signIn.StillValid(renewed)));
    }

    [Fact]
    public void An_unknown_person_and_a_malformed_name_read_the_same_as_a_wrong_password()
    {
        var signIn = SignIn(("ada", "right", StaffRole.Admin));

        Assert.Equal(ConsoleSignIn.Outcome.WrongNameOrPassword, signIn.Check("nobody", "right").Outcome);
        Assert.Equal(ConsoleSignIn.Outcome.WrongNameOrPassword, signIn.Check("ada@example.com", "right").Outcome);
        Assert.Equal(ConsoleSignIn.Outcome.WrongNameOrPassword, signIn.Check(null, null).Outcome);
    }

    [Theory]
    [InlineData("correct horse battery staple", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_password_is_never_taken_for_a_hash(string? value, bool isHash) =>
        Assert.Equal(isHash, ConsoleSignIn.IsHash(value));

    [Fact]
    public void A_made_hash_is_a_hash_and_checks_its_password() =>
        Assert.True(ConsoleSignIn.IsHash(ConsoleSignIn.Hash("s3cret")));

    private ConsoleSignIn SignIn(params (string Person, string Password, StaffRole Role)[] accounts)
    {
        var options = new ConsoleOptions { MaxFailedSignIns = 3, LockoutFor = TimeSpan.FromMinutes(15) };
        foreach (var (person, password, role) in accounts)
        {
            options.Accounts[person] = new ConsoleAccountOptions { PasswordHash = ConsoleSignIn.Hash(password), Role = role };
        }

        return new ConsoleSignIn(new FixedOptions(options), clock);
    }

    private sealed class FixedOptions(ConsoleOptions value) : IOptionsMonitor<ConsoleOptions>
    {
        public ConsoleOptions CurrentValue => value;

        public ConsoleOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConsoleOptions, string?> listener) => null;
    }
}
