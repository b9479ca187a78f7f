using CsCheck;
using OpenTelemetry.Hatchet.Configuration;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

/// <summary>
/// A boolean variable means what it means to the Python SDK, whose settings (pydantic) take one of twelve
/// words as they are, in any ASCII case, and refuse anything else, spaces around a word included: a value
/// that stops a Python worker stops a .NET one.
/// </summary>
public sealed class BooleanSettingTests
{
    private static readonly string[] TrueWords = ["true", "1", "yes", "on", "t", "y"];
    private static readonly string[] FalseWords = ["false", "0", "no", "off", "f", "n"];

    [Theory]
    [InlineData(" true ")]
    [InlineData("true ")]
    [InlineData("\ttrue")]
    [InlineData("true\n")]
    [InlineData(" 0")]
    public async Task Word_with_whitespace_around_it_stops_startup_naming_variable_and_value_as_it_stops_a_python_worker(string value)
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { [HatchetVariables.Enabled] = value });

        var failure = await ConfigurationTests.StartupFailure(worker);

        failure.Message.Should().Contain($"{HatchetVariables.Enabled}='{value}'").And.Contain("nothing around it");
    }

    [Fact]
    public async Task Otlp_switch_with_whitespace_around_it_stops_startup_too()
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { ["HATCHET_WORKER_OTLP_ENABLED"] = " true " });

        var failure = await ConfigurationTests.StartupFailure(worker);

        failure.Message.Should().Contain("HATCHET_WORKER_OTLP_ENABLED=' true '");
    }

    [Fact]
    public void Any_value_is_a_boolean_exactly_when_it_is_one_of_the_words_in_some_ascii_case()
    {
        // Property: words, words in mixed case, words with whitespace or look-alike letters around or
        // inside them, and noise; read as pydantic reads them.
        var piece = Gen.Frequency(
            (6, Gen.OneOf([.. TrueWords, .. FalseWords, "TRUE", "Yes", "oN", "F", "N", "True", "fAlSe"])),
            (3, Gen.OneOf(" ", "\t", "\n", "\r", "\u00a0", "\u3000", "\0", "ſ", "İ", "ı", "K", "е", "x", "")),
            (1, Gen.Char.Select(c => c.ToString())));

        piece.Array[0, 3].Select(parts => string.Concat(parts)).Sample(value =>
        {
            var lowered = Lower(value);
            bool? expected = TrueWords.Contains(lowered) ? true : FalseWords.Contains(lowered) ? false : null;
            var read = HatchetBoolean.TryParse(value, out var parsed) ? parsed : (bool?)null;
            read.Should().Be(expected, "'{0}' is {1} to the Python SDK", value, expected?.ToString() ?? "refused");
        }, iter: 20_000);
    }

    // ASCII letters only, as Rust's eq_ignore_ascii_case folds them.
    private static string Lower(string value) => string.Concat(value.Select(c => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c));
}
