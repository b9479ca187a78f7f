// Every form of template an application writes through ILogger's extension methods (FormattedLogValues), one with
// fewer values than holes included, is the subject here: the analyzers' advice against them is for the package's own code.
#pragma warning disable CA1848, CA1873, CA1861, CA2017

using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Logs;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Logs;

namespace OpenTelemetry.Hatchet.Tests.Logs;

/// <summary>
/// The text a record is sent with is the text <c>Microsoft.Extensions.Logging</c> formats for it (the formatter every
/// other logging provider is handed), although the OpenTelemetry SDK gives the processor only the template and the
/// values; then the exception on the next line as Python's formatter adds the traceback; cut at 10,000 characters.
/// </summary>
public sealed partial class TaskLogMessageTests
{
    [Fact]
    public void Message_is_the_text_the_logging_formatter_makes_for_each_form_of_template()
    {
        var (logger, captured, sent) = Loggers();

        logger.LogInformation("no holes at all");
        logger.LogInformation("charged {Amount} {Currency}", 3.5, "EUR");
        logger.LogInformation("{{literal}} braces and {Value}", 1);
        logger.LogInformation("aligned [{Left,-6}] [{Right,6}] [{Number:000.0}] [{Both,8:F2}]", "ab", "cd", 4.25, 1.5);
        logger.LogInformation("null {Value} and list {Items} and empty {Empty}", null, new[] { 1, 2, 3 }, Array.Empty<int>());
        logger.LogInformation("nested list {Items}", new List<object?> { "a", null, 2.5 });
        logger.LogInformation("date {When:yyyy-MM-dd} and culture-free {Number}", new DateTime(2026, 12, 7), 1234.5);
        logger.LogInformation("the same {Name} twice {Name}", "first", "second");
        logger.LogInformation("{@Structured} and {$Stringified}", "s", "t");
        logger.LogInformation("holes {A} without values");
        logger.Log(LogLevel.Information, default, "a state that is no template", null, (state, _) => state);
        Generated(logger, "second", "first");
        logger.LogError(new InvalidOperationException("declined"), "failed {Card}", "c-7");

        var formatted = captured.Lines.Select(line => line.Message).ToList();
        sent.Should().Equal(formatted.Select((text, index) => index == formatted.Count - 1 ? $"{text}\n{new InvalidOperationException("declined")}" : text));
    }

    [Theory]
    [InlineData("{Amount,wide} cents")]
    [InlineData("charged {Amount cents")]
    public void Template_the_logging_formatter_cannot_read_is_sent_as_it_is_written(string template)
    {
        // Microsoft.Extensions.Logging throws a FormatException for these when a provider asks for the text; a task's
        // log call must not, so its template goes to the engine as the task wrote it.
        MessageTemplate.Format(template, [new("Amount", 300)]).Should().Be(template);
    }

    [Fact]
    public void Lone_closing_brace_in_a_template_is_kept_as_text()
    {
        // Microsoft.Extensions.Logging's own methods refuse such a template before any provider sees it; a state of the
        // application's own can still hand one in as its {OriginalFormat}.
        MessageTemplate.Format("a } b {Amount} c", [new("Amount", 300)]).Should().Be("a } b 300 c");
    }

    [Fact]
    public void Template_with_holes_and_no_values_is_sent_as_it_is_written()
        => MessageTemplate.Format("charged {Amount} cents", null).Should().Be("charged {Amount} cents");

    [Theory]
    [InlineData(9_999, 9_999)]
    [InlineData(10_000, 10_000)]
    [InlineData(10_001, 10_000)]
    [InlineData(25_000, 10_000)]
    public void Message_longer_than_10000_characters_is_cut_to_10000(int length, int sent)
    {
        var message = new string('x', length);

        var cut = TaskLogMessage.Truncated(message, out var truncated);

        cut.Should().Be(message[..sent]);
        truncated.Should().Be(length > 10_000);
    }

    [Fact]
    public void Cut_never_splits_a_surrogate_pair()
    {
        var message = new string('x', 9_999) + "🚀" + "tail";

        var cut = TaskLogMessage.Truncated(message, out var truncated);

        truncated.Should().BeTrue();
        cut.Should().Be(new string('x', 9_999));
    }

    [Theory]
    [InlineData(LogLevel.Trace, "DEBUG")]
    [InlineData(LogLevel.Debug, "DEBUG")]
    [InlineData(LogLevel.Information, "INFO")]
    [InlineData(LogLevel.Warning, "WARN")]
    [InlineData(LogLevel.Error, "ERROR")]
    [InlineData(LogLevel.Critical, "INFO")]
    public void Level_is_named_as_pythons_from_levelname_names_it(LogLevel level, string sent)
        => TaskLogLevel.Of(level).Should().Be(sent);

    // Parameters in an order other than the template's, as the source generator allows.
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "generated {First} then {Second}")]
    private static partial void Generated(ILogger logger, string second, string first);

    // The same records through the formatter handed to every provider, and through the forwarder's reading of what the
    // OpenTelemetry SDK gives a processor (its template and values, no formatted text).
    private static (ILogger Logger, CapturedLogs Formatted, List<string> Sent) Loggers()
    {
        var captured = new CapturedLogs();
        var sent = new List<string>();
        var factory = LoggerFactory.Create(logging => logging
            .AddProvider(captured)
            .AddOpenTelemetry(options => options.AddProcessor(new Reading(sent))));
        TestContext.Current.CancellationToken.Register(factory.Dispose);
        return (factory.CreateLogger("Orders"), captured, sent);
    }

    private sealed class Reading(List<string> sent) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data) => sent.Add(TaskLogMessage.Of(data));
    }
}
