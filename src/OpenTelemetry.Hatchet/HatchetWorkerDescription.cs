namespace OpenTelemetry.Hatchet;

/// <summary>
/// What a worker says about itself: the facts the TypeScript SDK publishes next to its status.
/// </summary>
/// <remarks>
/// Instances are snapshots. To change what is published, pass a new instance to
/// <see cref="HatchetWorkerHealth.Describe(HatchetWorkerDescription)"/>.
/// </remarks>
public sealed class HatchetWorkerDescription
{
    /// <summary>Gets the worker's name, as registered with the Hatchet engine.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Gets the number of slots available on the worker, published as <c>hatchet_worker_slots</c>;
    /// <see langword="null"/> publishes nothing.
    /// </summary>
    public int? Slots { get; init; }

    /// <summary>Gets the actions the worker has registered; their count is published as <c>hatchet_worker_actions</c>.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>Gets the worker's labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
