using System.Diagnostics;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Gives every span begun inside a task run the run's <c>hatchet.*</c> attributes it does not have itself, so that
/// the Hatchet dashboard finds a task's own spans by the run's ids, as the Python SDK's
/// <c>_HatchetAttributeSpanProcessor</c> does (instrumentor.py lines 123-138 at upstream 89d130f).
/// </summary>
internal sealed class HatchetAttributeProcessor : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        for (var ancestor = data.Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            if (ancestor.Source == HatchetActivitySource.Source && ancestor.OperationName.StartsWith(TaskRunSpans.StartStepRun, StringComparison.Ordinal))
            {
                foreach (var (key, value) in ancestor.TagObjects)
                {
                    if (data.GetTagItem(key) is null)
                    {
                        data.SetTag(key, value);
                    }
                }

                return;
            }
        }
    }
}
