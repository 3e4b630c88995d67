using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// An overlay of <c>k8s/</c> as Kubernetes would receive it: rendered by <c>kubectl kustomize</c>, checked
/// by <c>k8s/validate.mjs</c> against the Kubernetes schemas offline, and read back as JSON objects.
/// </summary>
public sealed partial class Manifests
{
    private Manifests(string overlay, IReadOnlyList<JsonElement> objects, string validation, int exitCode)
    {
        Overlay = overlay;
        Objects = objects;
        Validation = validation;
        ValidationExitCode = exitCode;
    }

    public string Overlay { get; }

    public IReadOnlyList<JsonElement> Objects { get; }

    /// <summary>What the validator printed: a line per object, and the count of invalid ones.</summary>
    public string Validation { get; }

    public int ValidationExitCode { get; }

    public static string Folder => Path.Combine(NodeTools.RepositoryRoot, "k8s");

    /// <summary>Renders <c>k8s/overlays/&lt;overlay&gt;</c> (or any folder under <c>k8s/</c>) and validates the result.</summary>
    public static async Task<Manifests> RenderAsync(string overlay)
    {
        var (rendered, output) = await KustomizeAsync(Path.Combine(Folder, overlay));
        try
        {
            return await ValidateAsync(overlay, await File.ReadAllTextAsync(rendered));
        }
        finally
        {
            File.Delete(rendered);
        }
    }

    /// <summary>Validates YAML as <c>k8s/validate.mjs</c> does (for a render a test changed on purpose).</summary>
    public static async Task<Manifests> ValidateAsync(string name, string yaml)
    {
        await NodeTools.PackageAsync("kubernetes-models");
        var input = Path.GetTempFileName();
        var json = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(input, yaml);
            var (exit, output) = await NodeTools.RunAsync("node", [Path.Combine(Folder, "validate.mjs"), input, "--json", json], NodeTools.RepositoryRoot, TimeSpan.FromMinutes(2));
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json) is { Length: > 0 } text ? text : "[]");
            return new Manifests(name, [.. document.RootElement.EnumerateArray().Select(e => e.Clone())], output, exit);
        }
        finally
        {
            File.Delete(input);
            File.Delete(json);
        }
    }

    /// <summary>The rendered YAML of an overlay, as text.</summary>
    public static async Task<string> YamlAsync(string overlay)
    {
        var (rendered, _) = await KustomizeAsync(Path.Combine(Folder, overlay));
        try
        {
            return await File.ReadAllTextAsync(rendered);
        }
        finally
        {
            File.Delete(rendered);
        }
    }

    public JsonElement Find(string kind, string name) =>
        All(kind).SingleOrDefault(o => o.GetProperty("metadata").GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } found
            ? found
            : throw new InvalidOperationException($"The {Overlay} overlay has no {kind} {name}.");

    public IEnumerable<JsonElement> All(string kind) => Objects.Where(o => o.GetProperty("kind").GetString() == kind);

    /// <summary>The first container of a Deployment's, a Job's or a StatefulSet's pod template.</summary>
    public static JsonElement Container(JsonElement workload) =>
        PodSpec(workload).GetProperty("containers")[0];

    public static JsonElement PodSpec(JsonElement workload) =>
        workload.GetProperty("spec").GetProperty("template").GetProperty("spec");

    /// <summary>
    /// A container's environment as the kubelet builds it: <c>envFrom</c> (ConfigMaps of this render, Secrets
    /// from <paramref name="secrets"/>; an optional one that is absent is skipped), then <c>env</c> in order,
    /// with the downward API from <paramref name="pod"/> and <c>$(NAME)</c> references expanded.
    /// </summary>
    /// <param name="container">The container.</param>
    /// <param name="secrets">Secrets by name, then key.</param>
    /// <param name="pod">The downward API: <c>metadata.name</c>, <c>metadata.namespace</c>, <c>status.podIP</c>.</param>
    public Dictionary<string, string> Environment(JsonElement container, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> secrets, IReadOnlyDictionary<string, string> pod)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (container.TryGetProperty("envFrom", out var sources))
        {
            foreach (var source in sources.EnumerateArray())
            {
                var optional = false;
                if (source.TryGetProperty("configMapRef", out var configMap))
                {
                    optional = configMap.TryGetProperty("optional", out var o) && o.GetBoolean();
                    var name = configMap.GetProperty("name").GetString()!;
                    var found = All("ConfigMap").FirstOrDefault(c => c.GetProperty("metadata").GetProperty("name").GetString() == name);
                    if (found.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var entry in found.GetProperty("data").EnumerateObject())
                        {
                            environment[entry.Name] = entry.Value.GetString()!;
                        }
                    }
                    else if (!optional)
                    {
                        throw new InvalidOperationException($"ConfigMap {name} is not in the {Overlay} overlay.");
                    }
                }
                else if (source.TryGetProperty("secretRef", out var secret))
                {
                    optional = secret.TryGetProperty("optional", out var o) && o.GetBoolean();
                    var name = secret.GetProperty("name").GetString()!;
                    if (secrets.TryGetValue(name, out var values))
                    {
                        foreach (var (key, value) in values)
                        {
                            environment[key] = value;
                        }
                    }
                    else if (!optional)
                    {
                        throw new InvalidOperationException($"Secret {name} was not given.");
                    }
                }
            }
        }

        if (container.TryGetProperty("env", out var variables))
        {
            foreach (var variable in variables.EnumerateArray())
            {
                var name = variable.GetProperty("name").GetString()!;
                if (variable.TryGetProperty("value", out var value))
                {
                    environment[name] = Reference().Replace(value.GetString()!, m => environment.GetValueOrDefault(m.Groups[1].Value, m.Value));
                }
                else if (variable.GetProperty("valueFrom") is var from && from.TryGetProperty("fieldRef", out var field))
                {
                    var path = field.GetProperty("fieldPath").GetString()!;
                    environment[name] = pod.TryGetValue(path, out var known) ? known : throw new InvalidOperationException($"The pod gives no {path}.");
                }
                else if (from.TryGetProperty("secretKeyRef", out var key))
                {
                    var secret = key.GetProperty("name").GetString()!;
                    environment[name] = secrets.TryGetValue(secret, out var values) && values.TryGetValue(key.GetProperty("key").GetString()!, out var found)
                        ? found
                        : throw new InvalidOperationException($"Secret {secret} has no {key.GetProperty("key").GetString()} given.");
                }
                else
                {
                    throw new InvalidOperationException($"The environment variable {name} comes from a source this reader does not know.");
                }
            }
        }

        return environment;
    }

    private static async Task<(string Path, string Output)> KustomizeAsync(string folder)
    {
        var rendered = Path.GetTempFileName();
        var (exit, output) = await NodeTools.RunAsync("kubectl", ["kustomize", folder, "--output", rendered], NodeTools.RepositoryRoot, TimeSpan.FromMinutes(2));
        if (exit != 0)
        {
            File.Delete(rendered);
            throw new InvalidOperationException($"kubectl kustomize {folder} failed ({exit}): {output}");
        }

        return (rendered, output);
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
