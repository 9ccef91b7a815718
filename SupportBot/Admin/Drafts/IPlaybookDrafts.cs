using System.Globalization;
using System.Text.Json.Serialization;

namespace SupportBot.Admin.Drafts;

/// <summary>The one draft every admin edits, as the JSON document they saved. Its revision is its ETag.</summary>
public sealed record Draft(string Json, long Revision, string SavedBy, DateTimeOffset SavedAt)
{
    [JsonIgnore]
    public string ETag => $"\"{Revision.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The revision an If-Match header names; null when it names none (or a weak or malformed tag).</summary>
    public static long? RevisionOf(string? ifMatch) =>
        ifMatch is { Length: > 2 } tag && tag[0] == '"' && tag[^1] == '"'
        && long.TryParse(tag[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : null;
}

/// <summary>Reads and saves the draft: in the SQLite file, or in Blob Storage where several instances share it
/// (<c>Storage:Provider</c>). A save names the revision it was based on and succeeds only if that is still the latest.</summary>
public interface IPlaybookDrafts
{
    /// <summary>The saved draft; before anyone saved one, the live playbook at revision 0.</summary>
    Task<Draft> GetAsync(CancellationToken cancellationToken);

    /// <summary>Saves <paramref name="json"/> when the draft is still at <paramref name="basedOn"/>; null when someone
    /// saved in between (the caller must reload and redo the change).</summary>
    Task<Draft?> SaveAsync(string json, long basedOn, string savedBy);
}
