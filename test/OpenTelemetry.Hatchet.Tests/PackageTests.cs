using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

/// <summary>Packs the library as a release would, into a folder of its own, and reads what came out.</summary>
public sealed class PackageTests : IClassFixture<PackageTests.PackedPackage>
{
    private readonly PackedPackage package;

    public PackageTests(PackedPackage package) => this.package = package;

    [Fact]
    public void Package_carries_readme_licence_description_and_tags()
    {
        string Field(string name) => this.package.Metadata(name);

        Field("id").Should().Be("OpenTelemetry.Hatchet");
        Field("license").Should().Be("Apache-2.0");
        Field("readme").Should().Be("README.md");
        Field("description").Should().Contain("HATCHET_CLIENT_WORKER_HEALTHCHECK");
        Field("tags").Should().Contain("hatchet").And.Contain("prometheus");
        this.package.Entries.Should().Contain("README.md");
    }

    [Fact]
    public void Package_page_is_the_short_package_readme_not_the_repository_readme()
    {
        var readme = this.package.ReadEntry("README.md");

        readme.Should().Be(File.ReadAllText(Path.Combine(Repository.Root, "src", "OpenTelemetry.Hatchet", "README.md")));
        readme.Should().Contain("dotnet add package OpenTelemetry.Hatchet").And.Contain("WithHatchetWorkerMetrics()")
            .And.NotContain("build/test.sh", "contributor material stays in the repository's README");
        readme.Split('\n').Length.Should().BeLessThan(120);
    }

    [Fact]
    public void Package_page_links_only_to_absolute_addresses()
    {
        var targets = Regex.Matches(this.package.ReadEntry("README.md"), @"\]\(([^)]*)\)").Select(match => match.Groups[1].Value);

        targets.Should().OnlyContain(target => target.StartsWith("https://", StringComparison.Ordinal), "a relative link breaks on the package page");
    }

    [Fact]
    public void Package_carries_its_changelog_and_the_release_notes_point_at_it()
    {
        this.package.ReadEntry("CHANGELOG.md").Should().Be(File.ReadAllText(Path.Combine(Repository.Root, "CHANGELOG.md")));
        this.package.Metadata("releaseNotes").Should().Contain("CHANGELOG.md");
    }

    [Fact]
    public void Repository_and_project_urls_are_the_address_given_at_pack_time()
    {
        var repository = this.package.MetadataElement("repository");

        ((string?)repository.Attribute("type")).Should().Be("git");
        ((string?)repository.Attribute("url")).Should().Be(PackedPackage.RepositoryUrl);
        this.package.Metadata("projectUrl").Should().Be(PackedPackage.RepositoryUrl);
    }

    [Fact]
    public void Meter_version_is_the_package_version()
    {
        this.package.Metadata("version").Should().Be(Metrics.HatchetWorkerMeter.Version);
    }

    [Fact]
    public void Package_carries_the_library_with_its_xml_docs()
    {
        this.package.Entries.Should().Contain("lib/net10.0/OpenTelemetry.Hatchet.dll").And.Contain("lib/net10.0/OpenTelemetry.Hatchet.xml");
    }

    [Fact]
    public void Symbols_package_carries_the_pdb()
    {
        using var symbols = ZipFile.OpenRead(this.package.SymbolsPath);

        symbols.Entries.Select(entry => entry.FullName).Should().Contain("lib/net10.0/OpenTelemetry.Hatchet.pdb");
    }

    [Fact]
    public void Library_is_built_deterministically()
    {
        this.package.Entries.Should().Contain("lib/net10.0/OpenTelemetry.Hatchet.dll");
        using var archive = ZipFile.OpenRead(this.package.PackagePath);
        using var packed = archive.GetEntry("lib/net10.0/OpenTelemetry.Hatchet.dll")!.Open();
        using var copy = new MemoryStream();
        packed.CopyTo(copy);

        // Built twice from the same sources, the assembly must be the same to the byte.
        copy.ToArray().Should().Equal(File.ReadAllBytes(this.package.SecondBuildDll));
    }

    /// <summary>Runs <c>dotnet pack</c> once for the class; each build gets its own artifacts folder.</summary>
    public sealed class PackedPackage : IDisposable
    {
        /// <summary>What a release gives as <c>-p:HatchetRepositoryUrl</c>; a reserved name, since no public address is known.</summary>
        public const string RepositoryUrl = "https://example.invalid/opentelemetry-hatchet";

        private const string RepositoryUrlProperty = "-p:HatchetRepositoryUrl=" + RepositoryUrl;

        private readonly string folder = Directory.CreateTempSubdirectory("hatchet-pack-").FullName;

        public PackedPackage()
        {
            var project = Path.Combine(Repository.Root, "src", "OpenTelemetry.Hatchet", "OpenTelemetry.Hatchet.csproj");
            var artifacts = Path.Combine(this.folder, "artifacts");
            Run("pack", project, "-c", "Release", "-o", Path.Combine(this.folder, "out"), "--artifacts-path", artifacts, "-p:ContinuousIntegrationBuild=true", RepositoryUrlProperty);

            // The second build starts from nothing in the same place, so only nondeterminism can make it differ.
            Directory.Delete(artifacts, recursive: true);
            Run("build", project, "-c", "Release", "--artifacts-path", artifacts, "-p:ContinuousIntegrationBuild=true", RepositoryUrlProperty);

            this.PackagePath = Directory.GetFiles(Path.Combine(this.folder, "out"), "OpenTelemetry.Hatchet.*.nupkg").Single(path => !path.EndsWith(".snupkg", StringComparison.Ordinal));
            this.SymbolsPath = Directory.GetFiles(Path.Combine(this.folder, "out"), "OpenTelemetry.Hatchet.*.snupkg").Single();
            this.SecondBuildDll = Directory.GetFiles(artifacts, "OpenTelemetry.Hatchet.dll", SearchOption.AllDirectories).Single(path => path.Contains("bin", StringComparison.Ordinal));
            using var archive = ZipFile.OpenRead(this.PackagePath);
            this.Entries = [.. archive.Entries.Select(entry => entry.FullName)];
            using var nuspec = archive.Entries.Single(entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            this.Nuspec = XDocument.Load(nuspec);
        }

        public string PackagePath { get; }

        public string SymbolsPath { get; }

        public string SecondBuildDll { get; }

        public IReadOnlyList<string> Entries { get; }

        public XDocument Nuspec { get; }

        public string Metadata(string name) => this.MetadataElement(name).Value;

        public XElement MetadataElement(string name)
            => this.Nuspec.Root!.Elements().Single(element => element.Name.LocalName == "metadata")
                .Elements().Single(element => element.Name.LocalName == name);

        public string ReadEntry(string name)
        {
            using var archive = ZipFile.OpenRead(this.PackagePath);
            using var reader = new StreamReader(archive.GetEntry(name)!.Open());
            return reader.ReadToEnd();
        }

        public void Dispose() => Directory.Delete(this.folder, recursive: true);

        private static void Run(params string[] arguments)
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed:\n{output.Result}\n{error.Result}");
            }
        }
    }
}
