using System.Collections.Concurrent;
using System.Threading.Channels;
using SupportBot.Scaleout;

namespace SupportBot.Storage;

/// <summary>Wakes live listeners (Direct Line streams, agent consoles) as soon as activities of their conversation are
/// stored, on this instance and, through Redis, on the others. It only says "something was stored": listeners read
/// the store after what they last sent, so a signal lost or doubled never loses or doubles an activity.</summary>
public sealed class TranscriptFeed(RedisLink? link = null)
{
    public const string FanoutChannel = "transcript";

    private readonly ConcurrentDictionary<string, ImmutableSubscribers> _subscribers = new(StringComparer.Ordinal);

    public Subscription Subscribe(string conversationId)
    {
        var subscription = new Subscription(this, conversationId);
        _subscribers.AddOrUpdate(conversationId, _ => new([subscription]), (_, s) => new([.. s.Items, subscription]));
        return subscription;
    }

    /// <summary>Call only after the activities are stored.</summary>
    public void Publish(string conversationId)
    {
        WakeHere(conversationId);
        link?.Publish(FanoutChannel, conversationId);
    }

    /// <summary>Activities stored by another instance.</summary>
    public void WakeHere(string conversationId)
    {
        if (_subscribers.TryGetValue(conversationId, out var subscribers))
        {
            foreach (var subscription in subscribers.Items)
            {
                subscription.Writer.TryWrite(true);
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

        // One pending wake is enough: the listener reads everything stored since its last read.
        private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

        internal Subscription(TranscriptFeed feed, string conversationId)
        {
            _feed = feed;
            ConversationId = conversationId;
        }

        public string ConversationId { get; }

        public ChannelReader<bool> Reader => _channel.Reader;

        internal ChannelWriter<bool> Writer => _channel.Writer;

        public void Dispose()
        {
            _channel.Writer.TryComplete();
            _feed.Remove(this);
        }
    }
}
