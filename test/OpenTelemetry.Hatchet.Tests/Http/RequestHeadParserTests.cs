using static OpenTelemetry.Hatchet.Tests.Http.RequestText;

using OpenTelemetry.Hatchet.Http;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>The request parser called directly: what it reads from a head, and what RFC 9112 has it refuse.</summary>
public sealed class RequestHeadParserTests
{
    [Fact]
    public void Probe_request_is_read_whole()
    {
        const string Request = "GET /health HTTP/1.1\r\nHost: localhost:8001\r\nUser-Agent: kube-probe/1.31\r\nAccept:  */*\t\r\n\r\n";

        var head = Head(Request);

        head.Length.Should().Be(Request.Length);
        head.IsGet.Should().BeTrue();
        head.IsHead.Should().BeFalse();
        head.Path.Should().Be(HealthcheckPath.Health);
        head.KeepAlive.Should().BeTrue();
        head.HasBody.Should().BeFalse();
        Request[head.Accept].Should().Be("*/*");
    }

    [Theory]
    [InlineData("/health", nameof(HealthcheckPath.Health))]
    [InlineData("/livez", nameof(HealthcheckPath.Livez))]
    [InlineData("/readyz", nameof(HealthcheckPath.Readyz))]
    [InlineData("/metrics", nameof(HealthcheckPath.Metrics))]
    [InlineData("/metrics/", nameof(HealthcheckPath.Metrics))]
    [InlineData("/health?verbose=1&x=%20", nameof(HealthcheckPath.Health))]
    [InlineData("http://worker:8001/readyz", nameof(HealthcheckPath.Readyz))]
    [InlineData("HTTPS://[::1]:8001/metrics?name[]=up", nameof(HealthcheckPath.Metrics))]
    [InlineData("http://worker:8001?x=/health", nameof(HealthcheckPath.Unknown))]
    [InlineData("http://worker:8001", nameof(HealthcheckPath.Unknown))]
    [InlineData("http:///health", nameof(HealthcheckPath.Health))]
    [InlineData("/Health", nameof(HealthcheckPath.Unknown))]
    [InlineData("/health/", nameof(HealthcheckPath.Unknown))]
    [InlineData("*", nameof(HealthcheckPath.Unknown))]
    public void Target_names_its_path(string target, string path)
    {
        Head($"GET {target} HTTP/1.1\r\nHost: w\r\n\r\n").Path.Should().Be(Enum.Parse<HealthcheckPath>(path));
    }

    [Theory]
    [InlineData("OPTIONS * HTTP/1.1\r\nHost: w\r\n\r\n")]
    [InlineData("CONNECT worker:8001 HTTP/1.1\r\nHost: worker:8001\r\n\r\n")]
    [InlineData("X-!#$%&'*+.^_`|~9 /health HTTP/1.1\r\nHost: w\r\n\r\n")]
    [InlineData("GET /a/b;c=d/~e_f-g.h!$&'()*+,=:@?q=/?%aF HTTP/1.1\r\nHost: w\r\n\r\n")]
    [InlineData("GET /health HTTP/1.0\r\n\r\n")]
    [InlineData("POST /health HTTP/1.1\r\nHost: w\r\nTransfer-Encoding: gzip, chunked;x=1\r\n\r\n")]
    [InlineData("GET /health HTTP/1.1\r\nHost: w\r\nX-Empty:\r\nX-Tab:\tvalue\twith\ttabs\t\r\nX-Obs-Text: caf\u00e9 \u00ff\r\n\r\n")]
    public void Request_the_rfc_allows_is_read(string request)
    {
        Parse(request).Should().Be(HttpParse.Complete);
    }

    [Fact]
    public void Head_is_incomplete_until_its_empty_line()
    {
        const string Request = "GET /health HTTP/1.1\r\nHost: w\r\n\r\n";

        for (var length = 0; length < Request.Length; length++)
        {
            Parse(Request[..length]).Should().Be(HttpParse.Incomplete, "{0} bytes of {1} have arrived", length, Request.Length);
        }
    }

    [Fact]
    public void Bytes_after_the_head_are_left_for_the_next_request()
    {
        const string First = "GET /readyz HTTP/1.1\r\nHost: w\r\n\r\n";

        var head = Head(First + "GET /health HTTP/1.1\r\nHost: w\r\n\r\n");

        head.Length.Should().Be(First.Length);
        head.Path.Should().Be(HealthcheckPath.Readyz);
    }

    [Theory]
    [InlineData("GET  /health HTTP/1.1")]
    [InlineData("GET /health  HTTP/1.1")]
    [InlineData("GET\t/health HTTP/1.1")]
    [InlineData("GET /health HTTP/1.1 ")]
    [InlineData("GET /health http/1.1")]
    [InlineData("GET /health HTTP/11")]
    [InlineData("GET /health HTTP/1.")]
    [InlineData("GET /health HTTP/1.x")]
    [InlineData("GET /health HTTP/x.1")]
    [InlineData("GET /health HTTP/")]
    [InlineData("GET /health")]
    [InlineData("GET")]
    [InlineData("/health HTTP/1.1")]
    [InlineData("GET health HTTP/1.1")]
    [InlineData("GET *x HTTP/1.1")]
    [InlineData("GET /health#top HTTP/1.1")]
    [InlineData("GET /he\"alth HTTP/1.1")]
    [InlineData("GET /<health> HTTP/1.1")]
    [InlineData("GET /{health} HTTP/1.1")]
    [InlineData("GET /h\u00e9alth HTTP/1.1")]
    [InlineData("GET /health%zz HTTP/1.1")]
    [InlineData("GET /health%2 HTTP/1.1")]
    [InlineData("GET /health\rx HTTP/1.1")]
    [InlineData("G(T /health HTTP/1.1")]
    [InlineData("GET /health HTTP/1.1\rX")]
    [InlineData("GET /health HTTP/2\rX")]
    public void Request_line_the_rfc_forbids_is_refused_400(string requestLine)
    {
        Parse(requestLine + "\r\nHost: w\r\n\r\n").Should().Be(HttpParse.BadRequest);
    }

    [Theory]
    [InlineData("GET /health HTTP/2.0")]
    [InlineData("GET /health HTTP/2")]
    [InlineData("GET /health HTTP/3.0")]
    [InlineData("GET /health HTTP/0.9")]
    [InlineData("PRI * HTTP/2.0")]
    public void Other_major_version_is_refused_505(string requestLine)
    {
        Parse(requestLine + "\r\nHost: w\r\n\r\n").Should().Be(HttpParse.VersionNotSupported);
    }

    [Fact]
    public void Other_major_version_ended_by_a_bare_line_feed_is_refused_400()
    {
        Parse("GET /health HTTP/2\nHost: w\r\n\r\n").Should().Be(HttpParse.BadRequest);
    }

    [Theory]
    [InlineData("PRI * HTTP/2.0")]
    [InlineData("PRI * HTTP/2.0\r")]
    [InlineData("GET /health HTTP/3")]
    public void Other_major_version_is_incomplete_until_its_request_line_ends(string arrived)
    {
        Parse(arrived).Should().Be(HttpParse.Incomplete);
    }

    [Fact]
    public void Other_major_version_is_refused_as_soon_as_its_request_line_ends()
    {
        // An HTTP/2 client's preface: its own answer comes only after the server's, which must come now.
        Parse("PRI * HTTP/2.0\r\n").Should().Be(HttpParse.VersionNotSupported);
    }

    [Fact]
    public void Later_http1_minor_version_is_read_as_http11()
    {
        // RFC 9110 §6.2: a higher minor version is processed as the highest this server implements.
        var head = Head("GET /health HTTP/1.9\r\nHost: w\r\n\r\n");

        head.KeepAlive.Should().BeTrue();
        Parse("GET /health HTTP/1.9\r\n\r\n").Should().Be(HttpParse.BadRequest, "HTTP/1.1 and later need a Host");
    }

    [Fact]
    public void Http11_request_without_host_is_refused_400()
    {
        Parse("GET /health HTTP/1.1\r\nAccept: */*\r\n\r\n").Should().Be(HttpParse.BadRequest);
    }

    [Fact]
    public void Http10_request_without_host_is_read()
    {
        Parse("GET /health HTTP/1.0\r\n\r\n").Should().Be(HttpParse.Complete);
    }

    [Theory]
    [InlineData("HTTP/1.1", "Host: a", "Host: a")]
    [InlineData("HTTP/1.1", "Host: a", "host: b")]
    [InlineData("HTTP/1.0", "Host: a", "HOST: a")]
    public void Request_with_two_host_fields_is_refused_400(string version, string first, string second)
    {
        Parse($"GET /health {version}\r\n{first}\r\n{second}\r\n\r\n").Should().Be(HttpParse.BadRequest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("localhost:8001")]
    [InlineData("127.0.0.1:8001")]
    [InlineData("[::1]:8001")]
    [InlineData("[v1.fe80::a+en1]")]
    [InlineData("worker.example:")]
    [InlineData("a-b_c~d%20e!$&'()*+,;=")]
    public void Valid_host_is_read(string host)
    {
        Parse($"GET /health HTTP/1.1\r\nHost: {host}\r\n\r\n").Should().Be(HttpParse.Complete);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("worker:http")]
    [InlineData("[::1")]
    [InlineData("::1")]
    [InlineData("a]b")]
    [InlineData("[::1]x")]
    [InlineData("user@worker")]
    [InlineData("worker/health")]
    [InlineData("worker:80:90")]
    public void Invalid_host_is_refused_400(string host)
    {
        Parse($"GET /health HTTP/1.1\r\nHost: {host}\r\n\r\n").Should().Be(HttpParse.BadRequest);
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 5")]
    [InlineData("Content-Length: 5, 5")]
    [InlineData("Content-Length: 007\r\nContent-Length: 7")]
    [InlineData("Content-Length: 99999999999999999999999999")]
    public void Content_length_naming_one_number_is_read(string fields)
    {
        var head = Head($"POST /health HTTP/1.1\r\nHost: w\r\n{fields}\r\n\r\n");

        head.HasBody.Should().BeTrue();
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 6")]
    [InlineData("Content-Length: 5, 6")]
    [InlineData("Content-Length: 0\r\nContent-Length: 10")]
    [InlineData("Content-Length: 10\r\nContent-Length: 1")]
    public void Two_different_content_lengths_are_refused_400(string fields)
    {
        Parse($"POST /health HTTP/1.1\r\nHost: w\r\n{fields}\r\n\r\n").Should().Be(HttpParse.BadRequest);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("0x5")]
    [InlineData("5 5")]
    [InlineData("lots")]
    [InlineData("")]
    public void Content_length_that_is_not_a_number_is_refused_400(string value)
    {
        Parse($"POST /health HTTP/1.1\r\nHost: w\r\nContent-Length: {value}\r\n\r\n").Should().Be(HttpParse.BadRequest);
    }

    [Fact]
    public void Zero_content_length_is_no_body()
    {
        Head("GET /health HTTP/1.1\r\nHost: w\r\nContent-Length: 0\r\n\r\n").HasBody.Should().BeFalse();
    }

    [Theory]
    [InlineData("chunked")]
    [InlineData("gzip, chunked")]
    [InlineData("gzip\r\nTransfer-Encoding: chunked")]
    public void Chunked_body_is_read_as_a_body(string codings)
    {
        Head($"POST /health HTTP/1.1\r\nHost: w\r\nTransfer-Encoding: {codings}\r\n\r\n").HasBody.Should().BeTrue();
    }

    [Theory]
    [InlineData("Transfer-Encoding: gzip")]
    [InlineData("Transfer-Encoding: chunked, gzip")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 5")]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding: chunked")]
    public void Body_whose_end_cannot_be_found_is_refused_400(string fields)
    {
        // RFC 9112 §6.3: unless chunked comes last the body's length is unknown; with Content-Length too, it is a smuggling attempt.
        Parse($"POST /health HTTP/1.1\r\nHost: w\r\n{fields}\r\n\r\n").Should().Be(HttpParse.BadRequest);
    }

    [Theory]
    [InlineData(" Folded: line")]
    [InlineData("\tFolded: line")]
    [InlineData("Name : space before colon")]
    [InlineData("Name\t: tab before colon")]
    [InlineData(": no name")]
    [InlineData("NoColonHere")]
    [InlineData("Na(me: value")]
    [InlineData("N\u00e4me: value")]
    [InlineData("Name: nul\u0000inside")]
    [InlineData("Name: bare\rcarriage return")]
    [InlineData("Name: delete\u007f")]
    [InlineData("Name: bell\u0007")]
    public void Field_line_the_rfc_forbids_is_refused_400(string line)
    {
        Parse($"GET /health HTTP/1.1\r\nHost: w\r\n{line}\r\n\r\n").Should().Be(HttpParse.BadRequest);
    }

    [Theory]
    [InlineData("GET /health HTTP/1.1\r\nHost: w\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET /health HTTP/1.1\r\nHost: w\r\nConnection: keep-alive, Close\r\n\r\n", false)]
    [InlineData("GET /health HTTP/1.1\r\nHost: w\r\nConnection: Upgrade\r\n\r\n", true)]
    [InlineData("GET /health HTTP/1.0\r\n\r\n", false)]
    [InlineData("GET /health HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true)]
    public void Connection_is_kept_as_the_version_and_connection_field_say(string request, bool keepAlive)
    {
        Head(request).KeepAlive.Should().Be(keepAlive);
    }

    [Theory]
    [InlineData("GET /health HTTP/1.0\n")]
    [InlineData("GET /health HTTP/1.1\r\nHost: w\n")]
    [InlineData("GET /health HTTP/1.1\r\nHost: w\r\n\n")]
    public void Bare_line_feed_is_refused_400_as_soon_as_it_arrives(string partial)
    {
        Parse(partial).Should().Be(HttpParse.BadRequest);
    }

    [Theory]
    [InlineData(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03 })]
    [InlineData(new byte[] { 0x16 })]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x00 })]
    [InlineData(new byte[] { (byte)'G', (byte)'E', (byte)'T', (byte)' ', (byte)'/', 0x00 })]
    public void Binary_preamble_is_refused_400_before_any_line_feed(byte[] preamble)
    {
        // A TLS ClientHello (or any other protocol's greeting) may never send a line feed: the answer cannot wait for one.
        HttpRequestHead.TryParse(preamble, out _).Should().Be(HttpParse.BadRequest);
    }

    [Fact]
    public void Ssh_greeting_is_refused_400_at_the_end_of_its_line()
    {
        Parse("SSH-2.0-OpenSSH_9.2p1 Debian-2\r").Should().Be(HttpParse.BadRequest);
    }
}
