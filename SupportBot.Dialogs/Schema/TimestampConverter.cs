using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportBot.Dialogs.Schema;

/// <summary>Writes UTC times with a "Z", as channels do, and other times with their offset.</summary>
internal sealed class TimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        // Formatted on the stack: every activity stored or sent has a timestamp.
        Span<char> text = stackalloc char[40];
        var written = value.Offset == TimeSpan.Zero
            ? value.UtcDateTime.TryFormat(text, out var length, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
            : value.TryFormat(text, out length, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
        writer.WriteStringValue(written ? text[..length] : throw new FormatException($"The time {value:O} did not fit its format."));
    }
}
