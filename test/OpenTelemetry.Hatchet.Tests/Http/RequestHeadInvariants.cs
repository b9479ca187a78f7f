
using OpenTelemetry.Hatchet.Http;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>
/// What must hold for any bytes given to <see cref="HttpRequestHead.TryParse"/>, checked by the property
/// tests and by the fuzzer (build/Fuzz), which links this file.
/// </summary>
internal static class RequestHeadInvariants
{
    /// <summary>The most the server ever hands the parser: one connection's buffer.</summary>
    public const int MaxInput = 8 * 1024;

    // Every prefix is parsed too, which costs the square of the length: longer inputs check prefixes at line ends.
    private const int EveryPrefixUpTo = 1024;

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the first invariant the parser breaks on <paramref name="input"/>.</summary>
    public static void Check(ReadOnlySpan<byte> input)
    {
        var result = HttpRequestHead.TryParse(input, out var head);
        Require(result is HttpParse.Complete or HttpParse.Incomplete or HttpParse.BadRequest or HttpParse.VersionNotSupported, $"unknown outcome {result}");
        if (result != HttpParse.Complete)
        {
            Require(head == default, "a head was returned with an incomplete or refused request");
        }
        else
        {
            Require(head.Length > 0 && head.Length <= input.Length, $"head length {head.Length} outside the {input.Length} bytes read");
            Require(input[..head.Length].EndsWith("\r\n\r\n"u8), "the head does not end with an empty line");
            var (acceptStart, acceptLength) = head.Accept.GetOffsetAndLength(head.Length);
            Require(acceptStart >= 0 && acceptStart + acceptLength <= head.Length, "the Accept value lies outside the head");
            Require(!(head.IsGet && head.IsHead), "both GET and HEAD");

            // Whatever follows the head (the next pipelined request) does not change how the head reads.
            Same(HttpRequestHead.TryParse(input[..head.Length], out var alone), alone, result, head, "the head alone");
        }

        // The parser sees only its span: the same bytes followed by more in the same array read the same.
        var larger = new byte[input.Length + 8];
        input.CopyTo(larger);
        "\r\n\r\nGET "u8.CopyTo(larger.AsSpan(input.Length));
        Same(HttpRequestHead.TryParse(larger.AsSpan(0, input.Length), out var sliced), sliced, result, head, "a slice of a larger buffer");

        // A request read in pieces is judged as the whole: a piece is either incomplete or already the answer.
        for (var length = 0; length < input.Length; length++)
        {
            if (input.Length > EveryPrefixUpTo && input[length] != (byte)'\n' && length != input.Length - 1)
            {
                continue;
            }

            var partial = HttpRequestHead.TryParse(input[..length], out var partialHead);
            if (partial != HttpParse.Incomplete)
            {
                Same(partial, partialHead, result, head, $"the first {length} bytes");
            }
        }
    }

    private static void Same(HttpParse actual, HttpRequestHead actualHead, HttpParse expected, HttpRequestHead expectedHead, string what)
    {
        Require(actual == expected && actualHead == expectedHead, $"{what} read as {actual} {actualHead}, the whole input as {expected} {expectedHead}");
    }

    private static void Require(bool condition, string invariant)
    {
        if (!condition)
        {
            throw new InvalidOperationException(invariant);
        }
    }
}
