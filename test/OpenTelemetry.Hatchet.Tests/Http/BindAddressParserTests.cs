using System.Net;
using System.Net.Sockets;
using CsCheck;
using OpenTelemetry.Hatchet.Configuration;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>The bind address setting's parser, called directly: each form the Python SDK accepts, and nothing else.</summary>
public sealed class BindAddressParserTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("*")]
    [InlineData("+")]
    [InlineData(" 0.0.0.0 ")]
    public void Every_ipv4_interface_is_one_ipv4_socket(string text)
    {
        var address = Parse(text);

        address.Display.Should().Be("0.0.0.0");
        address.Resolve().Should().Equal(new ListenAddress(IPAddress.Any, DualMode: false));
    }

    [Theory]
    [InlineData("")]
    [InlineData("none")]
    [InlineData("NONE")]
    [InlineData(null)]
    public void None_or_empty_is_one_dual_mode_socket(string? text)
    {
        var address = Parse(text);

        address.Resolve().Should().Equal(Socket.OSSupportsIPv6 ? new ListenAddress(IPAddress.IPv6Any, DualMode: true) : new ListenAddress(IPAddress.Any, DualMode: false));
    }

    [Fact]
    public void Ipv6_any_is_ipv6_only()
    {
        var address = Parse("::");

        address.Display.Should().Be("[::]");
        address.Resolve().Should().Equal(new ListenAddress(IPAddress.IPv6Any, DualMode: false));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LocalHost")]
    public void Localhost_is_both_loopbacks(string text)
    {
        var address = Parse(text);

        address.Display.Should().Be("localhost");
        address.Resolve().Should().Contain(new ListenAddress(IPAddress.Loopback, DualMode: false));
        address.Resolve().Should().HaveCount(Socket.OSSupportsIPv6 ? 2 : 1);
    }

    [Theory]
    [InlineData("127.0.0.2", "127.0.0.2")]
    [InlineData("10.1.2.3", "10.1.2.3")]
    [InlineData("::1", "[::1]")]
    [InlineData("[::1]", "[::1]")]
    [InlineData("fe80::1%1", "[fe80::1%1]")]
    public void Ip_address_is_that_address_alone(string text, string display)
    {
        var address = Parse(text);

        address.Display.Should().Be(display);
        address.Resolve().Should().ContainSingle().Which.Address.Should().Be(IPAddress.Parse(text.Trim('[', ']')));
    }

    [Fact]
    public void Host_name_is_kept_to_be_resolved_when_the_port_opens()
    {
        Parse("worker.example").Display.Should().Be("worker.example");
    }

    [Theory]
    [InlineData("10.1")]
    [InlineData("1")]
    [InlineData("0x7f.1")]
    [InlineData("not a host")]
    [InlineData("http://worker")]
    [InlineData("[::1")]
    [InlineData("worker:8001")]
    [InlineData("::1]")]
    [InlineData("[10.1.2.3]")]
    public void Neither_address_nor_host_name_is_refused_with_the_reason(string text)
    {
        HealthcheckBindAddress.TryParse(text, out var address, out var problem).Should().BeFalse();

        address.Should().BeNull();
        problem.Should().Be("neither an IP address nor a host name");
    }

    [Fact]
    public void Any_text_is_an_address_or_a_reason_never_an_exception()
    {
        var text = Gen.Frequency(
            (1, Gen.String),
            (2, Gen.Char["0123456789abcdef.:[]%*+ -localhostnone"].Array[0, 20].Select(chars => new string(chars))));
        text.Sample(value =>
        {
            var parsed = HealthcheckBindAddress.TryParse(value, out var address, out var problem);

            parsed.Should().Be(address is not null);
            (problem is null).Should().Be(parsed, "a refusal says why, an address needs no reason");
        }, iter: 20_000);
    }

    [Fact]
    public void Any_ipv4_address_is_read_as_itself()
    {
        Gen.Byte.Array[4].Sample(bytes =>
        {
            var ip = new IPAddress(bytes);

            var address = Parse(ip.ToString());

            address.Display.Should().Be(ip.ToString());
            address.Resolve().Should().Equal(new ListenAddress(ip, DualMode: false));
        }, iter: 2_000);
    }

    [Fact]
    public void Any_ipv6_address_is_read_as_itself_in_either_spelling()
    {
        Gen.Select(Gen.Byte.Array[16], Gen.Bool).Sample((bytes, bracketed) =>
        {
            var ip = new IPAddress(bytes);

            var address = Parse(bracketed ? $"[{ip}]" : ip.ToString());

            address.Display.Should().Be($"[{ip}]");
            address.Resolve().Should().Equal(new ListenAddress(ip, DualMode: false));
        }, iter: 2_000);
    }

    private static HealthcheckBindAddress Parse(string? text)
    {
        HealthcheckBindAddress.TryParse(text, out var address, out var problem).Should().BeTrue(problem);
        return address!;
    }
}
