using System.Diagnostics;
using OpenTelemetry.Trace;

namespace OrleansBilling.Gateway.Telemetry;

/// <summary>
/// Samples as <paramref name="inner"/> does, except a root span of a grain call (named <c>IInterface/Method</c>,
/// as Orleans names them): with no request above it, it is the runtime's own background work (membership and
/// reminder table reads, statistics, a reminder tick), which would otherwise be a trace every few seconds
/// per silo. Grain calls made for a request stay in that request's trace; a Stripe or Brevo call made on a
/// reminder tick is traced as its own root.
/// </summary>
public sealed class QuietRuntimeSampler(Sampler inner) : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext.TraceId == default && IsGrainCall(samplingParameters.Name)
            ? new SamplingResult(SamplingDecision.Drop)
            : inner.ShouldSample(samplingParameters);

    private static bool IsGrainCall(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 1 && name[0] == 'I' && char.IsUpper(name[1]) && !name.Contains(' ', StringComparison.Ordinal) && slash < name.Length - 1;
    }
}
