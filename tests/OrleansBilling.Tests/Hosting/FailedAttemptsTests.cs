using System.Net;
using OrleansBilling.Gateway.Auth;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Hosting;

/// <summary>Whose allowance of failures a request uses: an IPv4 address's own, an IPv6 host's /64's.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class FailedAttemptsTests
{
    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("192.0.2.7", "::ffff:192.0.2.7", true)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    public void Addresses_of_one_IPv6_64_are_one_client_and_IPv4_addresses_each_their_own(string a, string b, bool same)
    {
        Assert.Equal(same, FailedAttempts.ClientOf(IPAddress.Parse(a)) == FailedAttempts.ClientOf(IPAddress.Parse(b)));
    }
}
