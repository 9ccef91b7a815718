using System.Text.Json;
using SupportBot.Admin.Lint;
using SupportBot.Admin.TryIt;
using SupportBot.Admin.Versions;
using SupportBot.Agents;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Support;
using SupportBot.Playbooks;
using SupportBot.Storage;

namespace SupportBot.Admin.Analytics;

/// <summary>Computes the report by reading what the bot already stores, so no turn does extra work for it: the
/// transcript (who said what, when), each conversation's state (its case: topic, outcome, rating), the customer's
/// profile (their name) and the handoff queue's history (waits), each through the store configured for it (SQLite or
/// Blob). A conversation belongs to the period in which it started. "Try it"
/// conversations are left out.</summary>
public sealed class CaseAnalytics(ITranscriptStore transcripts, IStorage state, IHandoffQueue queue, PlaybookHost host, IPlaybookVersions versions,
    TimeProvider clock)
{
    /// <summary>Neither resolved nor handed off and quiet for this long: the customer has left.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(30);

    public const int TopNotUnderstood = 20;

    public async Task<AnalyticsReport> ComputeAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var conversations = (await transcripts.ConversationsStartedAsync(from, to, cancellationToken))
            .Where(c => !(c.ChannelId is ChannelIds.WebChat or ChannelIds.DirectLine && DraftConversations.IsDraft(c.ConversationId))).ToList();
        var keys = conversations.Select(Key).ToHashSet(StringComparer.Ordinal);
        var stored = await StateAsync(conversations, cancellationToken);
        var (handoffs, followUps) = await queue.HistoryAsync(keys);
        var handedOff = handoffs.Select(h => h.ConversationKey).Concat(followUps.Select(f => f.ConversationKey)).ToHashSet(StringComparer.Ordinal);
        var (notUnderstoodReplies, deadEndReplies) = await NotUnderstoodRepliesAsync(cancellationToken);

        int contained = 0, abandoned = 0, inProgress = 0;
        var ratings = new List<(string Topic, int Rating)>();
        var scores = new Dictionary<string, (int Kept, int Applicable)>();
        var notUnderstood = new List<(string Text, DateTimeOffset At)>();
        var now = clock.GetUtcNow();
        foreach (var conversation in conversations)
        {
            var supportCase = Property<SupportCase>(stored, ConversationKey(conversation), "case");
            var profile = CustomerKey(conversation) is { } customer ? Property<UserProfile>(stored, customer, "profile") : null;
            var resolved = supportCase?.Outcome == "resolved" || supportCase?.Satisfaction is not null;
            if (!handedOff.Contains(Key(conversation)))
            {
                var quiet = now - (conversation.Activities[^1].Timestamp ?? now) >= AbandonedAfter;
                _ = resolved ? contained++ : quiet ? abandoned++ : inProgress++;
            }
            if (supportCase?.Satisfaction is { } satisfaction)
            {
                ratings.Add((supportCase.TopicId ?? supportCase.Handoff?.TopicId ?? "(no topic)", satisfaction.Rating));
            }
            foreach (var (rule, kept) in Scorecard.Score(conversation.Activities, profile?.Name, supportCase?.Satisfaction is not null, deadEndReplies))
            {
                var (k, n) = scores.GetValueOrDefault(rule);
                scores[rule] = (k + (kept ? 1 : 0), n + 1);
            }
            notUnderstood.AddRange(NotUnderstoodIn(conversation.Activities, notUnderstoodReplies));
        }

        var waits = handoffs.Where(h => h.AcceptedAt is not null).Select(h => (h.AcceptedAt!.Value - h.RequestedAt).TotalSeconds).Order().ToList();
        return new AnalyticsReport(from, to, conversations.Count, contained, handedOff.Count, abandoned, inProgress,
            new WaitFigures(waits.Count, handoffs.Count - waits.Count, Median(waits)),
            Satisfaction(ratings.Select(r => r.Rating).ToList()),
            ratings.GroupBy(r => r.Topic).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new TopicSatisfaction(g.Key, g.Count(), g.Average(r => r.Rating), Distribution(g.Select(r => r.Rating)))).ToList(),
            Scorecard.Rules.Select(r => scores.TryGetValue(r.Key, out var s)
                ? new RuleScore(r.Key, r.Value, s.Kept, s.Applicable, s.Applicable == 0 ? null : (double)s.Kept / s.Applicable)
                : new RuleScore(r.Key, r.Value, 0, 0, null)).ToList(),
            notUnderstood.GroupBy(n => PlaybookLint.Normalize(n.Text)).Where(g => g.Key.Length > 0)
                .Select(g => new NotUnderstood(Shortened(g.OrderByDescending(n => n.At).First().Text), g.Count(), g.Max(n => n.At)))
                .OrderByDescending(n => n.Count).ThenByDescending(n => n.LastSeen).Take(TopNotUnderstood).ToList());
    }

    /// <summary>What a report shows of one message: enough to recognise it, never a whole pasted document.</summary>
    internal static string Shortened(string text) => text.Length <= MaxShownText ? text : text[..MaxShownText] + "…";

    public const int MaxShownText = 300;

    /// <summary>The customer's words that the bot answered with the "not understood" or the open "clarify" message.</summary>
    private static IEnumerable<(string Text, DateTimeOffset At)> NotUnderstoodIn(IReadOnlyList<Activity> activities, HashSet<string> replies)
    {
        for (var i = 0; i + 1 < activities.Count; i++)
        {
            if (activities[i] is { Type: ActivityTypes.Message, Text: { Length: > 0 } text } said && said.From?.Role == RoleTypes.User
                && activities.Skip(i + 1).FirstOrDefault(a => a.Type == ActivityTypes.Message) is { From.Role: RoleTypes.Bot, Text: { } answer }
                && replies.Contains(answer))
            {
                yield return (text, said.Timestamp ?? DateTimeOffset.MinValue);
            }
        }
    }

    /// <summary>What the bot says when it has not understood: first an open question (clarify), then choices (not
    /// understood), the latter a dead end that must come with choices. From the live playbook and every published one,
    /// since the wording may have changed during the period.</summary>
    private async Task<(HashSet<string> NotUnderstood, HashSet<string> DeadEnds)> NotUnderstoodRepliesAsync(CancellationToken cancellationToken)
    {
        var playbooks = new List<Dialogs.Playbook.Playbook> { host.Current.Playbook };
        foreach (var version in await versions.ListAsync(cancellationToken))
        {
            if (Dialogs.Playbook.PlaybookLoader.Parse(version.Json).Playbook is { } published)
            {
                playbooks.Add(published);
            }
        }
        var deadEnds = playbooks.Select(p => p.Messages.NotUnderstood).ToHashSet(StringComparer.Ordinal);
        return (playbooks.Select(p => p.Messages.Clarify).Concat(deadEnds).ToHashSet(StringComparer.Ordinal), deadEnds);
    }

    /// <summary>How the handoff and follow-up tables name a conversation.</summary>
    private static string Key(StoredConversation c) => $"{c.ChannelId}/{c.ConversationId}";

    private static string ConversationKey(StoredConversation c) => $"{c.ChannelId}/conversations/{c.ConversationId}";

    private static string? CustomerKey(StoredConversation c) =>
        c.Activities.FirstOrDefault(a => a.From?.Role == RoleTypes.User)?.From?.Id is { } customer ? $"{c.ChannelId}/users/{customer}" : null;

    /// <summary>Every conversation's state and its customer's, in one read.</summary>
    private async Task<IReadOnlyDictionary<string, StoreItem>> StateAsync(List<StoredConversation> conversations, CancellationToken cancellationToken) =>
        await state.ReadAsync(conversations.Select(ConversationKey).Concat(conversations.Select(CustomerKey).OfType<string>()).Distinct().ToList(), cancellationToken);

    private static T? Property<T>(IReadOnlyDictionary<string, StoreItem> stored, string key, string property) where T : class
    {
        if (!stored.TryGetValue(key, out var item))
        {
            return null;
        }
        using var document = JsonDocument.Parse(item.Json);
        return document.RootElement.TryGetProperty(property, out var value) ? value.Deserialize<T>(BotJson.Options) : null;
    }

    private static double? Median(List<double> sorted) =>
        sorted.Count == 0 ? null : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    private static SatisfactionFigures Satisfaction(List<int> ratings) =>
        new(ratings.Count, ratings.Count == 0 ? null : ratings.Average(), Distribution(ratings));

    private static IReadOnlyDictionary<int, int> Distribution(IEnumerable<int> ratings) =>
        new SortedDictionary<int, int>(ratings.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count()));
}
