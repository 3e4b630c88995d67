using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace OrleansBilling.Gateway.SupportConsole;

/// <summary>One bar's parts: a value per series (negative values stack below the axis).</summary>
public sealed record ChartColumn(string Label, IReadOnlyList<(string Series, decimal Value)> Parts);

/// <summary>
/// Charts drawn on the server as SVG: stacked bars (positive parts above the axis, negative below) and lines, with a title
/// and description for screen readers, axis labels and a legend; no script, readable in a screenshot.
/// </summary>
public static class SvgCharts
{
    private const int Width = 760;
    private const int Height = 260;
    private const int Left = 80;
    private const int Right = 16;
    private const int Top = 16;
    private const int Bottom = 56;

    /// <summary>Colours with at least 3:1 contrast on white, in the order series first appear.</summary>
    private static readonly string[] Palette = ["#1d4e89", "#2e7d32", "#b35c00", "#a4161a", "#6a1b9a", "#00695c"];

    public static IHtmlContent Bars(string title, string description, IReadOnlyList<ChartColumn> columns, Func<decimal, string> format) =>
        Draw(title, description, columns, format, lines: false);

    public static IHtmlContent Lines(string title, string description, IReadOnlyList<ChartColumn> columns, Func<decimal, string> format) =>
        Draw(title, description, columns, format, lines: true);

    private static HtmlString Draw(string title, string description, IReadOnlyList<ChartColumn> columns, Func<decimal, string> format, bool lines)
    {
        var series = columns.SelectMany(c => c.Parts.Select(p => p.Series)).Distinct().ToList();
        var high = lines ? columns.SelectMany(c => c.Parts).Select(p => p.Value).DefaultIfEmpty(0).Max() : columns.Select(c => c.Parts.Where(p => p.Value > 0).Sum(p => p.Value)).DefaultIfEmpty(0).Max();
        var low = lines ? Math.Min(0, columns.SelectMany(c => c.Parts).Select(p => p.Value).DefaultIfEmpty(0).Min()) : columns.Select(c => c.Parts.Where(p => p.Value < 0).Sum(p => p.Value)).DefaultIfEmpty(0).Min();
        if (high == low)
        {
            high = low + 1;
        }

        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double Y(decimal value) => Top + (double)((high - value) / (high - low)) * plotHeight;
        var step = columns.Count == 0 ? plotWidth : (double)plotWidth / columns.Count;

        var svg = new StringBuilder();
        var id = $"chart-{Math.Abs(title.GetHashCode(StringComparison.Ordinal)):x}";
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {Width} {Height + (series.Count > 0 ? 24 : 0)}" role="img" aria-labelledby="{id}-t" aria-describedby="{id}-d" class="chart">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<title id="{id}-t">{E(title)}</title><desc id="{id}-d">{E(description)}</desc>""");

        // Axis: zero, the top and the bottom, labelled.
        foreach (var mark in new[] { high, 0m, low }.Distinct())
        {
            var y = Y(mark);
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" x2="{Width - Right}" y1="{y:0.#}" y2="{y:0.#}" stroke="{(mark == 0 ? "#1a1a1a" : "#c8c8c8")}" stroke-width="1"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left - 6}" y="{y + 4:0.#}" text-anchor="end" font-size="12" fill="#1a1a1a">{E(format(mark))}</text>""");
        }

        var labelEvery = Math.Max(1, (int)Math.Ceiling(columns.Count / 12.0));
        for (var i = 0; i < columns.Count; i++)
        {
            var x = Left + (i * step);
            if (i % labelEvery == 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{x + (step / 2):0.#}" y="{Height - Bottom + 16}" text-anchor="middle" font-size="12" fill="#1a1a1a">{E(columns[i].Label)}</text>""");
            }

            if (lines)
            {
                continue;
            }

            decimal up = 0, down = 0;
            foreach (var (name, value) in columns[i].Parts.Where(p => p.Value != 0))
            {
                var (from, to) = value > 0 ? (up, up += value) : (down, down += value);
                var top = Y(Math.Max(from, to));
                var height = Math.Max(1, Y(Math.Min(from, to)) - top);
                svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{x + (step * 0.15):0.#}" y="{top:0.#}" width="{step * 0.7:0.#}" height="{height:0.#}" fill="{Colour(series, name)}"><title>{E($"{columns[i].Label} {name}: {format(value)}")}</title></rect>""");
            }
        }

        if (lines)
        {
            foreach (var name in series)
            {
                var points = columns.Select((c, i) => (i, Part: c.Parts.FirstOrDefault(p => p.Series == name)))
                    .Where(p => p.Part.Series is not null)
                    .Select(p => string.Create(CultureInfo.InvariantCulture, $"{Left + (p.i * step) + (step / 2):0.#},{Y(p.Part.Value):0.#}"));
                svg.Append(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="{Colour(series, name)}" stroke-width="2.5" points="{string.Join(' ', points)}"/>""");
            }
        }

        for (var s = 0; s < series.Count; s++)
        {
            var x = Left + (s * 160);
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{x}" y="{Height + 4}" width="14" height="14" fill="{Palette[s % Palette.Length]}"/><text x="{x + 20}" y="{Height + 16}" font-size="12" fill="#1a1a1a">{E(series[s])}</text>""");
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static string Colour(List<string> series, string name) => Palette[series.IndexOf(name) % Palette.Length];

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
