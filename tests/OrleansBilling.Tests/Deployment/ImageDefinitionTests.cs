using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Deployment;

/// <summary>
/// The <c>Dockerfile</c>, read: no image can be pulled or built on these machines, so what can be checked
/// without one is checked here (what the published program does with the manifests' environment is
/// <see cref="PodTests"/>): bases pinned, a non-root user the manifests agree with, the ports the probes and
/// the cluster use, entry points that exist, and every project the programs need copied into the build.
/// </summary>
[Trait(TestKind.Trait, TestKind.Deployment)]
public sealed partial class ImageDefinitionTests
{
    private static readonly string Root = NodeTools.RepositoryRoot;

    [Fact]
    public void Every_base_image_is_pinned_by_version_or_digest()
    {
        var stages = Stages();
        Assert.Equal(["build", "silo", "gateway"], stages.Select(s => s.Name));
        Assert.All(stages, stage =>
        {
            Assert.DoesNotContain(":latest", stage.Base, StringComparison.Ordinal);
            Assert.Matches(@"(:\d+\.\d+\.\d+[-\w.]*$)|(@sha256:[0-9a-f]{64}$)", stage.Base);
        });
        Assert.All(stages.Skip(1), stage => Assert.Contains("chiseled", stage.Base, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("silo", "billing-silo", "OrleansBilling.Silo.dll")]
    [InlineData("gateway", "billing-gateway", "OrleansBilling.Gateway.dll")]
    public async Task Each_runtime_image_runs_as_the_manifests_non_root_user_and_exposes_the_ports_they_use(string stage, string deployment, string dll)
    {
        var image = Stages().Single(s => s.Name == stage);
        var manifests = await Manifests.RenderAsync(Pods.Overlay);
        var workload = manifests.Find("Deployment", deployment);
        var container = Manifests.Container(workload);

        var user = Assert.Single(image.Instructions, i => i.Keyword == "USER").Arguments.Split(':')[0];
        Assert.NotEqual("0", user);
        Assert.NotEqual("root", user);
        Assert.Equal(Manifests.PodSpec(workload).GetProperty("securityContext").GetProperty("runAsUser").GetInt32().ToString(CultureInfo.InvariantCulture), user);

        var exposed = image.Instructions.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse).ToHashSet();
        var ports = container.GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("containerPort").GetInt32()).ToHashSet();
        Assert.Equal(ports, exposed);

        // The probes' port is the HTTP port the image listens on.
        Assert.Contains($"ASPNETCORE_HTTP_PORTS={Pods.HttpPort(workload)}", image.Instructions.Where(i => i.Keyword == "ENV").Select(i => i.Arguments));
        Assert.Equal($"[\"dotnet\", \"{dll}\"]", Assert.Single(image.Instructions, i => i.Keyword == "ENTRYPOINT").Arguments);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, dll)), $"{dll} is what the build makes");
    }

    [Fact]
    public void The_build_copies_every_project_the_programs_reference_and_publishes_both()
    {
        var build = Stages().Single(s => s.Name == "build");
        var copied = build.Instructions.Where(i => i.Keyword == "COPY").Select(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToList();
        var needed = Referenced("silo/OrleansBilling.Silo.csproj").Union(Referenced("gateway/OrleansBilling.Gateway.csproj")).ToList();
        Assert.NotEmpty(needed);
        foreach (var project in needed)
        {
            Assert.Contains(project, copied);
            Assert.Contains(Path.GetDirectoryName(project)!.Replace('\\', '/') + "/", copied);
        }

        Assert.All(copied, source => Assert.True(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)), $"{source} exists"));
        var run = string.Join(' ', build.Instructions.Where(i => i.Keyword == "RUN").Select(i => i.Arguments));
        Assert.Contains("dotnet publish silo/OrleansBilling.Silo.csproj -c Release", run, StringComparison.Ordinal);
        Assert.Contains("dotnet publish gateway/OrleansBilling.Gateway.csproj -c Release", run, StringComparison.Ordinal);
        Assert.All(["global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig"], file => Assert.Contains(file, string.Join(' ', build.Instructions.Where(i => i.Keyword == "COPY").Select(i => i.Arguments)), StringComparison.Ordinal));
    }

    /// <summary>A project and every project it references, as paths from the repository's root.</summary>
    private static IEnumerable<string> Referenced(string project)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(Path.Combine(Root, next))!;
            foreach (var reference in XDocument.Load(Path.Combine(Root, next)).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(folder, reference.Attribute("Include")!.Value))).Replace('\\', '/'));
            }
        }

        return seen;
    }

    private sealed record Instruction(string Keyword, string Arguments);

    private sealed record Stage(string Name, string Base, List<Instruction> Instructions);

    /// <summary>The Dockerfile's stages, with <c>ARG</c> defaults substituted into <c>FROM</c>.</summary>
    private static List<Stage> Stages()
    {
        var text = File.ReadAllText(Path.Combine(Root, "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new List<Stage>();
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var keyword = line.Split(' ')[0].ToUpperInvariant();
            var rest = line[keyword.Length..].Trim();
            if (keyword == "ARG" && stages.Count == 0 && rest.Split('=', 2) is [var name, var value])
            {
                arguments[name] = value;
            }
            else if (keyword == "FROM" && FromLine().Match(rest) is { Success: true } from)
            {
                var image = Variable().Replace(from.Groups["image"].Value, m => arguments[m.Groups[1].Value]);
                stages.Add(new Stage(from.Groups["name"].Value, image, []));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Instructions.Add(new Instruction(keyword, rest));
            }
        }

        return stages;
    }

    [GeneratedRegex(@"^(?<image>\S+)\s+AS\s+(?<name>\S+)$", RegexOptions.IgnoreCase)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex Variable();
}
