using System.Text.RegularExpressions;

namespace OpenTelemetry.Hatchet.Tests.Docs;

/// <summary>
/// The <c>```csharp</c> blocks of a Markdown page, each with what the comment before it says about how it is
/// built (the conventions are in docs/contributing.md, "Code in the documentation"):
/// no comment, a file or statements as they stand; <c>&lt;!-- snippet: given T name, ... --&gt;</c>, statements
/// that use variables declared elsewhere on the page; <c>&lt;!-- snippet: ignore (reason) --&gt;</c>, not built.
/// </summary>
internal static partial class MarkdownSnippets
{
    /// <summary>Every C# block of the page, in order; <paramref name="page"/> is how errors name it.</summary>
    public static IReadOnlyList<Snippet> In(string page, string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var snippets = new List<Snippet>();
        for (var index = 0; index < lines.Length; index++)
        {
            if (lines[index].Trim() != "```csharp")
            {
                continue;
            }

            var opening = index;
            var code = new List<string>();
            for (index++; index < lines.Length && lines[index].Trim() != "```"; index++)
            {
                code.Add(lines[index]);
            }

            if (index == lines.Length)
            {
                throw new InvalidOperationException($"{page}({opening + 1}): a ```csharp block that is never closed");
            }

            snippets.Add(Read(page, opening + 2, code, MarkerBefore(lines, opening)));
        }

        return snippets;
    }

    private static string? MarkerBefore(string[] lines, int opening)
    {
        for (var index = opening - 1; index >= 0; index--)
        {
            if (lines[index].Trim().Length > 0)
            {
                var marker = Marker().Match(lines[index].Trim());
                return marker.Success ? marker.Groups["what"].Value.Trim() : null;
            }
        }

        return null;
    }

    private static Snippet Read(string page, int firstLine, List<string> code, string? marker)
    {
        if (marker is not null && marker.StartsWith("ignore", StringComparison.Ordinal))
        {
            var reason = Ignore().Match(marker);
            if (!reason.Success)
            {
                throw new InvalidOperationException($"{page}({firstLine - 1}): 'snippet: ignore' needs its reason in parentheses, as 'ignore (why)'");
            }

            return new Snippet(page, firstLine, code, SnippetKind.Ignored, reason.Groups["reason"].Value);
        }

        var given = string.Empty;
        if (marker is not null)
        {
            var declared = Given().Match(marker);
            if (!declared.Success)
            {
                throw new InvalidOperationException($"{page}({firstLine - 1}): 'snippet: {marker}' is neither 'given T name, ...' nor 'ignore (why)'");
            }

            given = declared.Groups["parameters"].Value.Trim();
        }

        var kind = code.Any(line => TypeDeclaration().IsMatch(line)) ? SnippetKind.File : SnippetKind.Statements;
        if (kind == SnippetKind.File && given.Length > 0)
        {
            throw new InvalidOperationException($"{page}({firstLine - 1}): a block that declares types is a file of its own and takes no 'given'");
        }

        return new Snippet(page, firstLine, code, kind, given);
    }

    [GeneratedRegex(@"^<!--\s*snippet:(?<what>.*?)-->$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^ignore\s*\((?<reason>.+)\)$")]
    private static partial Regex Ignore();

    [GeneratedRegex(@"^given\s+(?<parameters>.+)$")]
    private static partial Regex Given();

    // A namespace or type declared at the start of a line: a file such as Worker.cs, not statements.
    [GeneratedRegex(@"^(namespace\s|((public|internal|sealed|static|abstract|partial|file)\s+)*(class|record|struct|interface|enum)\s)")]
    private static partial Regex TypeDeclaration();
}

/// <summary>How a block is built: as a file of its own, as statements in a method, or not at all.</summary>
internal enum SnippetKind
{
    File,
    Statements,
    Ignored,
}

/// <summary>One C# block: its page, the page's line of its first line of code, its lines, and for statements the
/// parameters it is given (C#, such as <c>HostApplicationBuilder builder</c>), for an ignored block the reason.</summary>
internal sealed record Snippet(string Page, int FirstLine, IReadOnlyList<string> Code, SnippetKind Kind, string GivenOrReason);
