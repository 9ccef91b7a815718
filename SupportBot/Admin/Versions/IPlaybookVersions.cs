namespace SupportBot.Admin.Versions;

/// <summary>A published playbook: never changed once written. A rollback publishes an earlier one again as a new
/// version, so the history says who switched back and when.</summary>
public sealed record PlaybookVersion(int Number, string PublishedBy, DateTimeOffset PublishedAt, string Note, IReadOnlyList<PlaybookChange> Changes)
{
    public string Json { get; init; } = "";
}

/// <summary>The published versions: in the SQLite file, or in Blob Storage where several instances share them
/// (<c>Storage:Provider</c>). The newest version is the live one.</summary>
public interface IPlaybookVersions
{
    /// <summary>Every version, newest first.</summary>
    Task<IReadOnlyList<PlaybookVersion>> ListAsync(CancellationToken cancellationToken);

    Task<PlaybookVersion?> GetAsync(int number, CancellationToken cancellationToken);

    Task<PlaybookVersion?> LatestAsync(CancellationToken cancellationToken);

    /// <summary>Adds the next version, its changes computed against the one before. <paramref name="startedWith"/> is
    /// the playbook the server started with: the first publish records it as version 1, so it can be rolled back to.</summary>
    Task<PlaybookVersion> AddAsync(string json, string publishedBy, string note, string startedWith);
}
