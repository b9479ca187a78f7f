using System.Collections;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using System.Diagnostics;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// What the OpenTelemetry SDK's in-memory exporter exports, safe to read while it is written. The package's source is
/// one per process, so a test's provider also sees other tests' spans: read them by <see cref="Of"/> a run id.
/// </summary>
internal sealed class ExportedSpans : ICollection<Activity>
{
    private readonly List<Activity> spans = [];
    private readonly Lock gate = new();

    public int Count
    {
        get
        {
            lock (this.gate)
            {
                return this.spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    /// <summary>The exported spans whose <c>hatchet.step_run_id</c> is <paramref name="taskRunId"/>.</summary>
    public List<Activity> Of(string taskRunId) => this.Where(span => Equals(span.GetTagItem("hatchet.step_run_id"), taskRunId));

    public List<Activity> Where(Func<Activity, bool> predicate)
    {
        lock (this.gate)
        {
            return this.spans.Where(predicate).ToList();
        }
    }

    /// <summary>Waits until the run's spans named <paramref name="name"/> are exported; returns the one.</summary>
    public async Task<Activity> SingleAsync(string taskRunId, string name = "hatchet.start_step_run")
    {
        await Eventually.Until(() => this.Of(taskRunId).Any(span => span.DisplayName == name), $"the span {name} of {taskRunId} to be exported");
        return this.Of(taskRunId).Should().ContainSingle(span => span.DisplayName == name).Subject;
    }

    public void Add(Activity item)
    {
        lock (this.gate)
        {
            this.spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (this.gate)
        {
            this.spans.Clear();
        }
    }

    public bool Contains(Activity item) => this.Where(span => span == item).Count > 0;

    public void CopyTo(Activity[] array, int arrayIndex) => this.Where(_ => true).CopyTo(array, arrayIndex);

    public bool Remove(Activity item)
    {
        lock (this.gate)
        {
            return this.spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => this.Where(_ => true).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => this.GetEnumerator();
}
