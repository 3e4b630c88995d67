using System.Globalization;
using System.Text.Json;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Deployment;

/// <summary>
/// <c>k8s/</c> rendered as Kubernetes receives it (<c>kubectl kustomize</c>) and checked offline against the
/// Kubernetes schemas, field names included (<c>k8s/validate.mjs</c>); then the production overlay read as a
/// platform engineer would read it, against the Orleans deployment baseline the issue names.
/// </summary>
[Trait(TestKind.Trait, TestKind.Deployment)]
public sealed class ManifestTests
{
    [Theory]
    [InlineData("overlays/production", 18)]
    [InlineData("overlays/local", 22)]
    public async Task Each_overlay_renders_and_every_object_validates_against_the_Kubernetes_schemas(string overlay, int objects)
    {
        var manifests = await Manifests.RenderAsync(overlay);

        Assert.True(manifests.ValidationExitCode == 0, manifests.Validation);
        Assert.Equal(objects, manifests.Objects.Count);
        Assert.Contains($"{objects} objects, 0 invalid", manifests.Validation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("readinessProbe:", "readinesProbe:", "readinesProbe is not a field of the schema")]
    [InlineData("terminationGracePeriodSeconds: 150", "terminationGracePeriodSeconds: \"150\"", "terminationGracePeriodSeconds must be integer")]
    [InlineData("maxUnavailable: 0", "maxUnavailable: [0]", "maxUnavailable")]
    public async Task The_validator_refuses_a_misspelt_field_and_a_value_of_the_wrong_type(string right, string wrong, string complaint)
    {
        var yaml = await Manifests.YamlAsync(Pods.Overlay);
        Assert.Contains(right, yaml, StringComparison.Ordinal);

        var manifests = await Manifests.ValidateAsync("broken", yaml.Replace(right, wrong, StringComparison.Ordinal));

        Assert.NotEqual(0, manifests.ValidationExitCode);
        Assert.Contains(complaint, manifests.Validation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_silo_deployment_follows_the_Orleans_baseline()
    {
        var manifests = await Manifests.RenderAsync(Pods.Overlay);
        var silo = manifests.Find("Deployment", "billing-silo");
        var spec = silo.GetProperty("spec");
        var pod = Manifests.PodSpec(silo);
        var container = Manifests.Container(silo);
        var env = container.GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        var settings = manifests.All("ConfigMap").Single().GetProperty("data");

        // Identity from the downward API; the pod IP advertised; every address listened on.
        Assert.Equal("metadata.name", env["POD_NAME"].GetProperty("valueFrom").GetProperty("fieldRef").GetProperty("fieldPath").GetString());
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].GetProperty("valueFrom").GetProperty("fieldRef").GetProperty("fieldPath").GetString());
        Assert.Equal("status.podIP", env["POD_IP"].GetProperty("valueFrom").GetProperty("fieldRef").GetProperty("fieldPath").GetString());
        Assert.Equal("$(POD_IP)", env["Orleans__AdvertisedIP"].GetProperty("value").GetString());
        Assert.Equal("$(POD_NAME)", env["Orleans__SiloName"].GetProperty("value").GetString());
        Assert.Equal("true", settings.GetProperty("Orleans__ListenOnAnyHostAddress").GetString());
        Assert.False(string.IsNullOrEmpty(settings.GetProperty("Orleans__ServiceId").GetString()));
        Assert.False(string.IsNullOrEmpty(settings.GetProperty("Orleans__ClusterId").GetString()));
        var ports = container.GetProperty("ports").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("containerPort").GetInt32());
        Assert.Equal(int.Parse(settings.GetProperty("Orleans__SiloPort").GetString()!, CultureInfo.InvariantCulture), ports["silo"]);
        Assert.Equal(int.Parse(settings.GetProperty("Orleans__GatewayPort").GetString()!, CultureInfo.InvariantCulture), ports["orleans-gw"]);

        // Secrets by reference only, never a literal value.
        foreach (var name in new[] { "ConnectionStrings__Billing", "Stripe__ApiKey", "Stripe__WebhookSecret", "Brevo__ApiKey", "Billing__AdminKey" })
        {
            Assert.True(env[name].GetProperty("valueFrom").TryGetProperty("secretKeyRef", out _), $"{name} comes from a Secret");
        }

        // Probes on the health endpoints; the silo migrates nothing itself.
        Assert.Equal("/health/startup", Probe(container, "startupProbe"));
        Assert.Equal("/health/ready", Probe(container, "readinessProbe"));
        Assert.Equal("/health/live", Probe(container, "livenessProbe"));
        Assert.Equal("false", settings.GetProperty("Billing__Database__Migrate").GetString());

        // Requests without a CPU limit; a memory limit.
        var resources = container.GetProperty("resources");
        Assert.True(resources.GetProperty("requests").TryGetProperty("cpu", out _));
        Assert.False(resources.GetProperty("limits").TryGetProperty("cpu", out _));
        Assert.True(resources.GetProperty("limits").TryGetProperty("memory", out _));

        // A grace period longer than the host's whole stop, and than the drain inside it.
        var grace = TimeSpan.FromSeconds(pod.GetProperty("terminationGracePeriodSeconds").GetInt32());
        var shutdown = TimeSpan.Parse(settings.GetProperty("Billing__Shutdown__Timeout").GetString()!, CultureInfo.InvariantCulture);
        var drain = TimeSpan.Parse(settings.GetProperty("Billing__Shutdown__DrainFor").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(grace > shutdown && shutdown > drain && drain > TimeSpan.Zero, $"grace {grace} > shutdown {shutdown} > drain {drain} > 0");

        // Rolling update that never takes a silo away before its successor is ready; spread across nodes.
        Assert.Equal(0, spec.GetProperty("strategy").GetProperty("rollingUpdate").GetProperty("maxUnavailable").GetInt32());
        Assert.Equal(3, spec.GetProperty("replicas").GetInt32());
        Assert.Contains(pod.GetProperty("topologySpreadConstraints").EnumerateArray(), c => c.GetProperty("topologyKey").GetString() == "kubernetes.io/hostname");

        // No service account token; a locked-down container.
        Assert.False(pod.GetProperty("automountServiceAccountToken").GetBoolean());
        Assert.True(pod.GetProperty("securityContext").GetProperty("runAsNonRoot").GetBoolean());
        var security = container.GetProperty("securityContext");
        Assert.True(security.GetProperty("readOnlyRootFilesystem").GetBoolean());
        Assert.False(security.GetProperty("allowPrivilegeEscalation").GetBoolean());
        Assert.Equal("/tmp", container.GetProperty("volumeMounts")[0].GetProperty("mountPath").GetString());

        // A disruption budget over exactly these pods.
        var budget = manifests.Find("PodDisruptionBudget", "billing-silo").GetProperty("spec");
        Assert.Equal(1, budget.GetProperty("maxUnavailable").GetInt32());
        Assert.Equal(spec.GetProperty("selector").GetRawText(), budget.GetProperty("selector").GetRawText());
    }

    [Fact]
    public async Task Only_silos_reach_the_silo_port_and_only_silos_and_gateways_the_orleans_gateway_port()
    {
        var manifests = await Manifests.RenderAsync(Pods.Overlay);
        var silo = manifests.Find("Deployment", "billing-silo");
        var labels = silo.GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("labels");
        var gatewayLabels = manifests.Find("Deployment", "billing-gateway").GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("labels");
        var policy = manifests.Find("NetworkPolicy", "billing-silo").GetProperty("spec");
        Assert.True(Selects(policy.GetProperty("podSelector"), labels));

        var rules = policy.GetProperty("ingress").EnumerateArray().ToList();
        var siloPort = rules.Where(r => r.GetProperty("ports").EnumerateArray().Any(p => p.GetProperty("port").GetInt32() == 11111)).ToList();
        var from = Assert.Single(Assert.Single(siloPort).GetProperty("from").EnumerateArray().ToList());
        Assert.True(Selects(from.GetProperty("podSelector"), labels));
        Assert.False(Selects(from.GetProperty("podSelector"), gatewayLabels));
        Assert.False(from.TryGetProperty("namespaceSelector", out _));

        var gatewayPort = Assert.Single(rules, r => r.GetProperty("ports").EnumerateArray().Any(p => p.GetProperty("port").GetInt32() == 30000));
        Assert.All(gatewayPort.GetProperty("from").EnumerateArray(), f => Assert.True(Selects(f.GetProperty("podSelector"), labels) || Selects(f.GetProperty("podSelector"), gatewayLabels)));
    }

    [Fact]
    public async Task The_gateway_scales_the_migration_runs_as_a_job_and_the_webhook_path_has_the_services_own_body_limit()
    {
        var manifests = await Manifests.RenderAsync(Pods.Overlay);
        var silo = Manifests.Container(manifests.Find("Deployment", "billing-silo"));
        var gateway = manifests.Find("Deployment", "billing-gateway");
        Assert.Equal(0, gateway.GetProperty("spec").GetProperty("strategy").GetProperty("rollingUpdate").GetProperty("maxUnavailable").GetInt32());
        Assert.Equal("/health/startup", Probe(Manifests.Container(gateway), "startupProbe"));
        Assert.Equal("/health/ready", Probe(Manifests.Container(gateway), "readinessProbe"));

        var hpa = manifests.Find("HorizontalPodAutoscaler", "billing-gateway").GetProperty("spec");
        Assert.Equal("billing-gateway", hpa.GetProperty("scaleTargetRef").GetProperty("name").GetString());
        Assert.True(hpa.GetProperty("minReplicas").GetInt32() >= 2);

        var job = manifests.Find("Job", "billing-migrate");
        var migrate = Manifests.Container(job);
        Assert.Equal(silo.GetProperty("image").GetString(), migrate.GetProperty("image").GetString());
        Assert.Equal(["migrate"], migrate.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("OnFailure", Manifests.PodSpec(job).GetProperty("restartPolicy").GetString());

        var webhooks = manifests.Find("Ingress", "billing-webhooks");
        Assert.Equal("/webhooks/stripe", webhooks.GetProperty("spec").GetProperty("rules")[0].GetProperty("http").GetProperty("paths")[0].GetProperty("path").GetString());
        Assert.Equal($"{BodyLimits.Webhook / (1024 * 1024)}m", webhooks.GetProperty("metadata").GetProperty("annotations").GetProperty("nginx.ingress.kubernetes.io/proxy-body-size").GetString());
        var routed = manifests.All("Ingress").SelectMany(i => i.GetProperty("spec").GetProperty("rules")[0].GetProperty("http").GetProperty("paths").EnumerateArray()).Select(p => p.GetProperty("path").GetString()).ToList();
        Assert.DoesNotContain("/health", routed);
        Assert.DoesNotContain("/metrics", routed);
        Assert.DoesNotContain("/sandbox", routed);
    }

    [Fact]
    public async Task The_local_overlay_runs_postgres_and_the_sandbox_on_one_silo()
    {
        var manifests = await Manifests.RenderAsync("overlays/local");
        var settings = manifests.All("ConfigMap").Single().GetProperty("data");
        Assert.Equal("true", settings.GetProperty("Billing__Sandbox__Enabled").GetString());
        Assert.Equal(1, manifests.Find("Deployment", "billing-silo").GetProperty("spec").GetProperty("replicas").GetInt32());
        var postgres = manifests.Find("StatefulSet", "billing-postgres");
        Assert.Equal("postgres", Manifests.Container(postgres).GetProperty("name").GetString());
        var database = manifests.All("Secret").Single(s => s.GetProperty("metadata").GetProperty("name").GetString()!.StartsWith("billing-database-", StringComparison.Ordinal));
        var connection = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(database.GetProperty("data").GetProperty("connection-string").GetString()!.Replace("\n", "", StringComparison.Ordinal)));
        Assert.Contains("Host=billing-postgres", connection, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_production_overlay_carries_scrape_targets_and_alerts_on_metrics_the_service_exports()
    {
        var manifests = await Manifests.RenderAsync(Pods.Overlay);
        Assert.Equal(2, manifests.All("ServiceMonitor").Count());
        var rules = manifests.Find("PrometheusRule", "orleans-billing").GetProperty("spec").GetProperty("groups")[0].GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(
            ["BillingAnomaliesRising", "BillingEffectsStuck", "BillingSiloMissing", "BillingWebhooksFailing", "BillingWebhooksUnsigned"],
            rules.Select(r => r.GetProperty("alert").GetString()).Order(StringComparer.Ordinal));
        Assert.All(manifests.All("Deployment"), d => Assert.Equal("true", d.GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("annotations").GetProperty("prometheus.io/scrape").GetString()));
    }

    /// <summary>The metric names the example alerts use (checked against a real scrape by <see cref="PodTests"/>).</summary>
    public static async Task<IReadOnlyList<string>> AlertedMetricsAsync()
    {
        var manifests = await Manifests.RenderAsync(Pods.Overlay);
        var expressions = manifests.Find("PrometheusRule", "orleans-billing").GetProperty("spec").GetProperty("groups")[0].GetProperty("rules").EnumerateArray()
            .Select(r => r.GetProperty("expr").GetString()!);
        return [.. expressions.SelectMany(e => System.Text.RegularExpressions.Regex.Matches(e, @"\bbilling_[a-z_]+").Select(m => m.Value)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static string? Probe(JsonElement container, string probe) =>
        container.GetProperty(probe).GetProperty("httpGet").GetProperty("path").GetString();

    /// <summary>Whether a label selector's <c>matchLabels</c> select pods with <paramref name="labels"/>.</summary>
    private static bool Selects(JsonElement selector, JsonElement labels) =>
        selector.GetProperty("matchLabels").EnumerateObject().All(l => labels.TryGetProperty(l.Name, out var value) && value.GetString() == l.Value.GetString());
}
