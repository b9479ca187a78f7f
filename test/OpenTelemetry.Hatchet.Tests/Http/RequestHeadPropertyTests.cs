using CsCheck;
using OpenTelemetry.Hatchet.Http;
using static OpenTelemetry.Hatchet.Tests.Http.RequestText;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>
/// Properties of the request parser that hold for any input (CsCheck; a failure prints the shrunk input
/// and the seed that replays it).
/// </summary>
public sealed class RequestHeadPropertyTests
{
    // The words a request is made of, so random inputs reach deep into the parser, not only its first byte.
    private static readonly Gen<string> Vocabulary = Gen.Frequency(
        (6, Gen.OneOf("GET", "HEAD", "POST", " ", "/health", "/metrics", "*", "http://w", "?", "%2F", "%", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/", "1", ".",
            "\r\n", "\r\n", "\r\n\r\n", "\r", "\n", "Host:", " w", "[::1]:80", "Content-Length:", " 5", " 0", ",", "Transfer-Encoding:", " chunked", "Connection:", " close", " keep-alive", "Accept:", " */*", ":", "\t", "\u0000", "\u007f", "\u00e9")),
        (1, Gen.Char.Select(c => c.ToString())));

    private static readonly Gen<byte[]> WordsOfRequests = Vocabulary.Array[0, 40].Select(words => Bytes(string.Concat(words)));

    [Fact]
    public void Any_bytes_keep_every_invariant()
    {
        Gen.Byte.Array[0, 200].Sample(bytes => RequestHeadInvariants.Check(bytes), iter: 20_000);
    }

    [Fact]
    public void Any_sequence_of_request_words_keeps_every_invariant()
    {
        WordsOfRequests.Sample(bytes => RequestHeadInvariants.Check(bytes), iter: 20_000);
    }

    [Fact]
    public void Any_valid_request_is_read_as_written()
    {
        RequestGen.Valid.Sample(request =>
        {
            var text = request.Text;
            HttpRequestHead.TryParse(Bytes(text), out var head).Should().Be(HttpParse.Complete);
            head.Length.Should().Be(text.Length);
            head.IsGet.Should().Be(request.Method == "GET");
            head.IsHead.Should().Be(request.Method == "HEAD");
            head.Path.Should().Be(request.Path);
            head.KeepAlive.Should().Be(request.KeepAlive);
            head.HasBody.Should().Be(request.HasBody);
            text[head.Accept].Should().Be(request.Accept ?? string.Empty);
        }, iter: 5_000);
    }

    [Fact]
    public void Any_valid_request_arriving_in_pieces_is_incomplete_until_whole()
    {
        RequestGen.Valid.Sample(request =>
        {
            var bytes = Bytes(request.Text);
            for (var length = 0; length < bytes.Length; length++)
            {
                HttpRequestHead.TryParse(bytes.AsSpan(0, length), out _).Should().Be(HttpParse.Incomplete, "{0} of {1} bytes have arrived", length, bytes.Length);
            }
        }, iter: 2_000);
    }

    [Fact]
    public void Any_valid_request_keeps_every_invariant_with_anything_after_it()
    {
        Gen.Select(RequestGen.Valid, WordsOfRequests).Sample((request, after) =>
        {
            RequestHeadInvariants.Check([.. Bytes(request.Text), .. after]);
        }, iter: 2_000);
    }

    [Fact]
    public void Any_valid_request_with_one_forbidden_change_is_refused_400()
    {
        Gen.Select(RequestGen.Valid, RequestMutation.Any).Sample((request, mutation) =>
        {
            var broken = mutation.Apply(request);
            if (broken is null)
            {
                return;
            }

            HttpRequestHead.TryParse(Bytes(broken), out _).Should().Be(HttpParse.BadRequest, "{0} makes {1}", mutation, Printable(broken));
            RequestHeadInvariants.Check(Bytes(broken));
        }, iter: 10_000);
    }
}
