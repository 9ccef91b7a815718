using System.Collections.Concurrent;
using SupportBot.Dialogs.Recognition;
using SupportBot.Dialogs.Schema;
using SupportBot.Playbooks;

namespace SupportBot.Admin.TryIt;

/// <summary>"Try it" conversations: their ids start with <see cref="Prefix"/> (the id is inside the signed Direct Line
/// token, so a customer cannot claim one), and each runs on the draft as it was when the admin opened it. Every other
/// conversation runs on the live playbook. Analytics leaves these conversations out.</summary>
public sealed class DraftConversations(PlaybookHost host)
{
    public const string Prefix = "draft-";
    private const int Kept = 50;

    private readonly ConcurrentDictionary<string, (PlaybookRuntime Runtime, long Opened)> _runtimes = new(StringComparer.Ordinal);
    private (long Revision, string Json, PlaybookRuntime Runtime)? _trained;
    private long _opened;

    public static bool IsDraft(string? conversationId) => conversationId?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>Only this server's Direct Line issues conversation ids (inside signed tokens); another channel's ids are
    /// its own, so one that happened to start with the prefix is still a customer's.</summary>
    public static bool IsDraft(Activity activity) =>
        activity.ChannelId is ChannelIds.WebChat or ChannelIds.DirectLine && IsDraft(activity.Conversation?.Id);

    /// <summary>Starts a conversation on the draft; training (a second or two) happens off the request thread and only
    /// when the draft changed since the last "Try it".</summary>
    public async Task<string> OpenAsync(Dialogs.Playbook.Playbook draft, string json, long revision)
    {
        var trained = _trained;
        var runtime = trained is { } t && t.Revision == revision && t.Json == json
            ? t.Runtime
            : await Task.Run(() => PlaybookRuntime.Train(draft));
        _trained = (revision, json, runtime);
        var id = Prefix + Guid.NewGuid().ToString("N");
        _runtimes[id] = (runtime, Interlocked.Increment(ref _opened));
        foreach (var old in _runtimes.OrderByDescending(r => r.Value.Opened).Skip(Kept).ToList())
        {
            _runtimes.TryRemove(old.Key, out _);
        }
        return id;
    }

    /// <summary>The runtime for a turn: a draft conversation's own (or, once it has been forgotten, the last draft
    /// trained; after a restart, when nothing is trained, the live one); for everyone else the live playbook.</summary>
    public PlaybookRuntime For(Activity activity)
    {
        if (!IsDraft(activity))
        {
            return host.Current;
        }
        return _runtimes.TryGetValue(activity.Conversation!.Id!, out var entry) ? entry.Runtime : _trained?.Runtime ?? host.Current;
    }
}
