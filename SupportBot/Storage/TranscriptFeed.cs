using System.Collections.Concurrent;
using System.Threading.Channels;

namespace SupportBot.Storage;

/// <summary>Wakes live listeners (Direct Line streams) as soon as activities of their conversation are stored.</summary>
public sealed class TranscriptFeed
{
    private readonly ConcurrentDictionary<string, ImmutableSubscribers> _subscribers = new(StringComparer.Ordinal);

    public Subscription Subscribe(string conversationId)
    {
        var subscription = new Subscription(this, conversationId);
        _subscribers.AddOrUpdate(conversationId, _ => new([subscription]), (_, s) => new([.. s.Items, subscription]));
        return subscription;
    }

    public void Publish(string conversationId, IReadOnlyList<TranscriptEntry> entries)
    {
        if (!_subscribers.TryGetValue(conversationId, out var subscribers))
        {
            return;
        }
        foreach (var subscription in subscribers.Items)
        {
            foreach (var entry in entries)
            {
                subscription.Writer.TryWrite(entry);
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        while (_subscribers.TryGetValue(subscription.ConversationId, out var current))
        {
            var remaining = current.Items.Where(s => s != subscription).ToArray();
            var done = remaining.Length == 0
                ? _subscribers.TryRemove(new KeyValuePair<string, ImmutableSubscribers>(subscription.ConversationId, current))
                : _subscribers.TryUpdate(subscription.ConversationId, new(remaining), current);
            if (done)
            {
                return;
            }
        }
    }

    private sealed record ImmutableSubscribers(Subscription[] Items);

    public sealed class Subscription : IDisposable
    {
        private readonly TranscriptFeed _feed;
        private readonly Channel<TranscriptEntry> _channel = Channel.CreateUnbounded<TranscriptEntry>(new() { SingleReader = true });

        internal Subscription(TranscriptFeed feed, string conversationId)
        {
            _feed = feed;
            ConversationId = conversationId;
        }

        public string ConversationId { get; }

        public ChannelReader<TranscriptEntry> Reader => _channel.Reader;

        internal ChannelWriter<TranscriptEntry> Writer => _channel.Writer;

        public void Dispose()
        {
            _channel.Writer.TryComplete();
            _feed.Remove(this);
        }
    }
}
