using System.Text;

namespace SupportBot.Admin.Csv;

/// <summary>RFC 4180 CSV: fields quoted when they hold a comma, quote or line break. Cells that a spreadsheet would
/// run as a formula (=, +, -, @) get a leading apostrophe, since customers' words end up in these files.</summary>
public static class Csv
{
    public static string Write(IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', header.Select(Field))).Append("\r\n");
        foreach (var row in rows)
        {
            text.Append(string.Join(',', row.Select(v => Field(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "")))).Append("\r\n");
        }
        return text.ToString();
    }

    private static string Field(string value)
    {
        if (value.Length > 0 && "=+-@".Contains(value[0]) && !double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>Undoes the apostrophe <see cref="Write"/> puts before a formula-like cell, so files round-trip.</summary>
    public static string Unguard(string value) => value.Length > 1 && value[0] == '\'' && "=+-@".Contains(value[1]) ? value[1..] : value;

    /// <summary>The rows of a CSV text; throws <see cref="FormatException"/> naming the line of a broken quote.</summary>
    public static List<List<string>> Read(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var quoteLine = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
                quoteLine = line;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                line++;
            }
            else
            {
                field.Append(c);
            }
        }
        if (quoted)
        {
            throw new FormatException($"The quote opened on line {quoteLine} is never closed.");
        }
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }
        return rows.Where(r => r.Count > 1 || r[0].Length > 0).ToList();
    }
}
