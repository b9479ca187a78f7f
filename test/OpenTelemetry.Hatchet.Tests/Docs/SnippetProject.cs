using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Docs;

/// <summary>
/// A project like the getting-started guide's (<c>dotnet new worker</c>: the Worker SDK, its implicit usings,
/// nullable on; the package, the gRPC packages and the dispatcher client generated from <c>dispatcher.proto</c>),
/// holding every snippet, built once with <c>dotnet build</c>.
/// </summary>
/// <remarks>
/// It lives in a temporary folder, outside the repository's build rules (a user's app has no warnings-as-errors),
/// with the repository's <c>NuGet.config</c> and its central package versions, so it restores from the same
/// sources and with the same versions as the solution. Each snippet's code carries <c>#line</c> directives, so the
/// compiler names the page and line of an error, as <c>docs/tracing.md(12,10): error CS1061: ...</c>.
/// </remarks>
internal static partial class SnippetProject
{
    public static async Task<CommandLine.Result> BuildAsync(IReadOnlyList<Snippet> snippets)
    {
        var folder = Directory.CreateTempSubdirectory("hatchet-docs-").FullName;
        try
        {
            File.Copy(Path.Combine(Repository.Root, "NuGet.config"), Path.Combine(folder, "NuGet.config"));
            await File.WriteAllTextAsync(Path.Combine(folder, "Directory.Build.props"), "<Project />\n");
            await File.WriteAllTextAsync(
                Path.Combine(folder, "Directory.Packages.props"),
                $"<Project>\n  <Import Project=\"{Path.Combine(Repository.Root, "Directory.Packages.props")}\" />\n</Project>\n");
            await File.WriteAllTextAsync(Path.Combine(folder, "Snippets.csproj"), ProjectFile());
            for (var index = 0; index < snippets.Count; index++)
            {
                if (snippets[index].Kind != SnippetKind.Ignored)
                {
                    await File.WriteAllTextAsync(Path.Combine(folder, $"Snippet{index:D2}.cs"), SourceOf(snippets[index], index));
                }
            }

            // Its own artifacts folder: the package is built there too, so nothing is shared with the solution's build.
            return await CommandLine.RunAsync("dotnet", [
                "build", Path.Combine(folder, "Snippets.csproj"), "-c", "Debug", "--artifacts-path", Path.Combine(folder, "artifacts"),
                "-nologo", "-clp:NoSummary", "-p:GenerateDocumentationFile=false"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The compiler's errors, each once (a build prints them twice), as the page and line name them.</summary>
    public static IReadOnlyList<string> Errors(string buildOutput)
        => buildOutput.Split('\n')
            .Select(line => line.Trim())
            .Where(line => ErrorLine().IsMatch(line))
            .Select(line => ProjectSuffix().Replace(line, string.Empty))
            .Distinct()
            .ToList();

    /// <summary>The C# file a snippet becomes: a file as it stands, or its statements in a method whose parameters
    /// are <c>string[] args</c> (as a top-level program has) and what the snippet is given.</summary>
    public static string SourceOf(Snippet snippet, int index)
    {
        var page = snippet.Page;
        var source = new StringBuilder();
        if (snippet.Kind == SnippetKind.File)
        {
            source.Append(CultureInfo.InvariantCulture, $"#line {snippet.FirstLine} \"{page}\"\n");
            foreach (var line in snippet.Code)
            {
                source.Append(line).Append('\n');
            }

            return source.ToString();
        }

        // The using directives the snippet opens with go before the class; the statements after them into its method.
        var usings = snippet.Code.TakeWhile(line => line.Trim().Length == 0 || UsingDirective().IsMatch(line)).Count();
        source.Append(CultureInfo.InvariantCulture, $"#line {snippet.FirstLine} \"{page}\"\n");
        foreach (var line in snippet.Code.Take(usings))
        {
            source.Append(line).Append('\n');
        }

        // An async lambda takes its return type from its body, as top-level statements do (a "return 1;" makes it
        // Task<int>); a class named Program, in a namespace of its own, is what ILogger<Program> names in a Program.cs.
        var parameters = snippet.GivenOrReason.Length > 0 ? $"string[] args, {snippet.GivenOrReason}" : "string[] args";
        source.Append("#line default\n")
            .Append(CultureInfo.InvariantCulture, $"namespace DocsSnippet{index:D2}\n{{\n")
            .Append("internal sealed class Program\n{\n")
            .Append(CultureInfo.InvariantCulture, $"    internal static Delegate Statements({parameters}) => async () =>\n    {{\n")
            .Append("        await Task.CompletedTask;\n")
            .Append(CultureInfo.InvariantCulture, $"#line {snippet.FirstLine + usings} \"{page}\"\n");
        foreach (var line in snippet.Code.Skip(usings))
        {
            source.Append(line).Append('\n');
        }

        return source.Append("#line default\n    };\n}\n}\n").ToString();
    }

    private static string ProjectFile()
    {
        var package = Path.Combine(Repository.Root, "src", "OpenTelemetry.Hatchet", "OpenTelemetry.Hatchet.csproj");
        var protos = Path.Combine(Repository.Root, "examples", "WorkerService", "Protos");
        return $"""
            <Project Sdk="Microsoft.NET.Sdk.Worker">
              <!-- What `dotnet new worker` writes, and what the getting-started guide adds. -->
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <OutputType>Library</OutputType>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Grpc.Net.ClientFactory" />
                <PackageReference Include="Grpc.Tools" PrivateAssets="all" />
                <PackageReference Include="Google.Protobuf" />
                <!-- The exporter the tracing page names for seeing spans locally. -->
                <PackageReference Include="OpenTelemetry.Exporter.Console" />
                <!-- The configuration page's ASP.NET Core health checks. -->
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <ProjectReference Include="{package}" />
                <Protobuf Include="{Path.Combine(protos, "dispatcher", "dispatcher.proto")}" ProtoRoot="{protos}" GrpcServices="Client" />
              </ItemGroup>
            </Project>

            """;
    }

    // "using X.Y;" with an optional comment after it, not "using var x = ...;" (a statement).
    [GeneratedRegex(@"^using\s+(static\s+)?[\w.]+\s*;\s*(//.*)?$")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@": error [A-Z]+\d+:")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"\s*\[[^\]]*\.csproj\]$")]
    private static partial Regex ProjectSuffix();
}
