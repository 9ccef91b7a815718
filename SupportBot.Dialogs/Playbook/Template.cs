using System.Text.RegularExpressions;

namespace SupportBot.Dialogs.Playbook;

/// <summary>Fills playbook text: <c>{name}</c> becomes a value; <c>{orderNumber: #{orderNumber}}</c> appears only
/// when orderNumber is known.</summary>
public static partial class Template
{
    [GeneratedRegex(@"\{(\w+):((?:[^{}]|\{\w+\})*)\}")]
    private static partial Regex Conditional();

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();

    /// <summary>Values come from customers (names, details), so markdown in them is escaped: a customer can never
    /// make the bot show a link or formatting it did not write.</summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> values)
    {
        var withConditionals = Conditional().Replace(template, m => values.ContainsKey(m.Groups[1].Value) ? m.Groups[2].Value : "");
        return Placeholder().Replace(withConditionals, m => values.TryGetValue(m.Groups[1].Value, out var v) ? EscapeMarkdown(v) : "");
    }

    [GeneratedRegex(@"([\\`*_\[\]()<>#|~!{}])")]
    private static partial Regex MarkdownSpecial();

    public static string EscapeMarkdown(string value) => MarkdownSpecial().Replace(value, @"\$1");

    /// <summary>Every placeholder a template names, conditional or not.</summary>
    public static IEnumerable<string> Placeholders(string template) =>
        Conditional().Matches(template).Select(m => m.Groups[1].Value)
            .Concat(Placeholder().Matches(template).Select(m => m.Groups[1].Value))
            .Distinct();
}
