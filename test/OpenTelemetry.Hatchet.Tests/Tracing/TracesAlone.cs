namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Whether a call is traced depends on whether anything in the process listens to the package's spans, and a
/// TracerProvider is given every span the package makes, whichever test made it: tests that make a TracerProvider,
/// or need none to exist, run alone.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class TracesAlone;
