using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Docs;

/// <summary>
/// Every C# block of the README, the package page and docs/ builds, in one project like the getting-started
/// guide's, with the usings its page shows: a reader who copies one gets code that compiles.
/// </summary>
public sealed class DocsSnippetTests
{
    private static readonly string[] Pages = ["README.md", "src/OpenTelemetry.Hatchet/README.md", .. DocsPages()];

    [Fact]
    public async Task Every_csharp_block_of_the_documentation_builds_as_its_page_shows_it()
    {
        var snippets = Pages.SelectMany(page => MarkdownSnippets.In(page, File.ReadAllText(Path.Combine(Repository.Root, page)))).ToList();
        snippets.Should().Contain(snippet => snippet.Page == "docs/getting-started.md" && snippet.Kind == SnippetKind.File, "the guide's Worker.cs is a file of its own");
        snippets.Where(snippet => snippet.Kind != SnippetKind.Ignored).Should().HaveCountGreaterThan(10, "the pages hold that many blocks to build");

        var build = await SnippetProject.BuildAsync(snippets);

        SnippetProject.Errors(build.Output).Should().BeEmpty("every block should build as its page shows it; the build said:\n{0}", build.Output);
        build.ExitCode.Should().Be(0, build.Output);
    }

    [Fact]
    public void Statements_go_into_an_async_lambda_given_args_and_what_the_comment_names_with_their_usings_before_it()
    {
        var page = "<!-- snippet: given HostApplicationBuilder builder -->\n```csharp\nusing OpenTelemetry.Metrics;   // a comment\n\nbuilder.Services.AddOpenTelemetry();\n```\n";

        var snippet = MarkdownSnippets.In("p.md", page).Single();
        var source = SnippetProject.SourceOf(snippet, 7);

        snippet.Kind.Should().Be(SnippetKind.Statements);
        source.Should().Be(
            "#line 3 \"p.md\"\nusing OpenTelemetry.Metrics;   // a comment\n\n#line default\n" +
            "namespace DocsSnippet07\n{\ninternal sealed class Program\n{\n" +
            "    internal static Delegate Statements(string[] args, HostApplicationBuilder builder) => async () =>\n    {\n" +
            "        await Task.CompletedTask;\n#line 5 \"p.md\"\nbuilder.Services.AddOpenTelemetry();\n#line default\n    };\n}\n}\n");
    }

    [Fact]
    public void A_block_that_declares_a_type_is_a_file_and_an_ignored_one_keeps_its_reason()
    {
        var page = "```csharp\nnamespace MyWorker;\n\npublic class Worker;\n```\n\n<!-- snippet: ignore (needs a package) -->\n```csharp\nx();\n```\n";

        var snippets = MarkdownSnippets.In("p.md", page);

        snippets.Select(snippet => snippet.Kind).Should().Equal(SnippetKind.File, SnippetKind.Ignored);
        SnippetProject.SourceOf(snippets[0], 0).Should().Be("#line 2 \"p.md\"\nnamespace MyWorker;\n\npublic class Worker;\n");
        snippets[1].GivenOrReason.Should().Be("needs a package");
    }

    [Theory]
    [InlineData("<!-- snippet: ignore -->\n```csharp\nx();\n```\n", "needs its reason")]
    [InlineData("<!-- snippet: program -->\n```csharp\nx();\n```\n", "is neither")]
    [InlineData("```csharp\nx();\n", "never closed")]
    public void A_marker_the_test_cannot_read_is_an_error_naming_the_page_and_line(string page, string error)
    {
        var read = () => MarkdownSnippets.In("p.md", page);

        read.Should().Throw<InvalidOperationException>().WithMessage($"p.md(*{error}*");
    }

    [Fact]
    public void Compiler_errors_are_named_once_each_by_page_and_line()
    {
        var output = "/tmp/x/Snippet03.cs(1,1): warning CS1998: ...\n" +
            "  docs/tracing.md(12,10): error CS1061: 'IOpenTelemetryBuilder' does not contain a definition for 'WithTracing' [/tmp/x/Snippets.csproj]\n" +
            "docs/tracing.md(12,10): error CS1061: 'IOpenTelemetryBuilder' does not contain a definition for 'WithTracing' [/tmp/x/Snippets.csproj]\n";

        SnippetProject.Errors(output).Should().Equal("docs/tracing.md(12,10): error CS1061: 'IOpenTelemetryBuilder' does not contain a definition for 'WithTracing'");
    }

    private static IEnumerable<string> DocsPages()
        => Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md").Order(StringComparer.Ordinal).Select(path => "docs/" + Path.GetFileName(path));
}
