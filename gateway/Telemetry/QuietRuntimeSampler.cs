using System.Diagnostics;
using OpenTelemetry.Trace;

namespace OrleansBilling.Gateway.Telemetry;

/// <summary>
/// Traces start at a request: a root span that is a call out (kind Client: a database query, an HTTP call,
/// a grain call) or a grain call of any kind (named <c>IInterface/Method</c>, as Orleans names them) has no
/// request above it, so it is background work (membership and reminder-table queries every few seconds
/// per silo, the reporting projector, a reminder tick's Stripe or Brevo call) and is not sampled; metrics
/// and logs still see it. Everything else is sampled as <paramref name="inner"/> decides.
/// </summary>
public sealed class QuietRuntimeSampler(Sampler inner) : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext.TraceId == default && (samplingParameters.Kind == ActivityKind.Client || IsGrainCall(samplingParameters.Name))
            ? new SamplingResult(SamplingDecision.Drop)
            : inner.ShouldSample(samplingParameters);

    private static bool IsGrainCall(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 1 && name[0] == 'I' && char.IsUpper(name[1]) && !name.Contains(' ', StringComparison.Ordinal) && slash < name.Length - 1;
    }
}
