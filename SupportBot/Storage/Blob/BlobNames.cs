using System.Security.Cryptography;
using System.Text;

namespace SupportBot.Storage.Blob;

/// <summary>Turns state keys, channel and conversation ids into blob name segments that are safe everywhere: ASCII
/// letters, digits, '-' and '_' stay as they are; every other UTF-8 byte becomes <c>~HH</c>. So '/', '.', '%', '?',
/// Teams ids full of ':' and ';', and unicode can neither split a name nor be normalised away by a URL, and two keys
/// never share a name. A segment that would be longer than <see cref="MaxSegment"/> keeps a readable start and ends
/// with <c>~~</c> and the SHA-256 of the whole text (an escaped segment never holds "~~", so neither form collides).</summary>
internal static class BlobNames
{
    /// <summary>Three segments and the rest of a transcript name stay well under Azure's 1,024-character limit.</summary>
    public const int MaxSegment = 240;
    private const int KeptOfLong = MaxSegment - 2 - 64;

    public static string Segment(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_')
            {
                escaped.Append((char)b);
            }
            else
            {
                escaped.Append('~').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        if (escaped.Length <= MaxSegment)
        {
            return escaped.ToString();
        }
        // Never cut an escape in half: back up to before a '~' one or two characters from the cut.
        var kept = escaped[KeptOfLong - 1] == '~' ? KeptOfLong - 1 : escaped[KeptOfLong - 2] == '~' ? KeptOfLong - 2 : KeptOfLong;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return escaped.ToString(0, kept) + "~~" + hash;
    }
}
