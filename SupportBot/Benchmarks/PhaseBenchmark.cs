using SupportBot.Agents;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using SupportBot.Channels;
using SupportBot.Dialogs.Schema;
using Activity = SupportBot.Dialogs.Schema.Activity;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Support;
using SupportBot.Dialogs.Turns;
using SupportBot.Playbooks;
using SupportBot.Storage;

namespace SupportBot.Benchmarks;

/// <summary><c>benchmark phases</c>: where a support turn's time goes, measured in-process with Stopwatch (no HTTP):
/// activity JSON, the recogniser, a whole turn with memory state, a whole turn with SQLite state and transcript
/// (split into state read, state write, transcript writes and the rest: dialogs + recogniser + state JSON), and
/// in-process throughput with 32 concurrent conversations.</summary>
public static class PhaseBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var conversations = args is ["--conversations", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 300;
        var folder = Directory.CreateTempSubdirectory("supportbot-phases-").FullName;
        s_folder = folder;
        try
        {
            return await RunInAsync(folder, conversations);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<int> RunInAsync(string folder, int conversations)
    {
        var inv = CultureInfo.InvariantCulture;
        var playbooks = PlaybookHost.Start(null, folder);
        var script = ConversationScript.Support;
        Console.WriteLine($"# Phases of a support turn (in-process, sequential, {conversations} conversations × {script.Steps.Count} turns unless noted; ms)");
        Console.WriteLine();
        Console.WriteLine("| phase | mean | p50 | p99 | note |");
        Console.WriteLine("| --- | ---: | ---: | ---: | --- |");
        void Row(string phase, Samples s, string note) =>
            Console.WriteLine(($"| {phase} | {s.Mean:F3} | {s.P(0.5):F3} | {s.P(0.99):F3} | {note} |"));

        // Activity JSON in and out, as /api/messages does it.
        var body = LoadGenerator.Body(script.Steps[1], "conv-json", "user-json");
        var json = new Samples();
        for (var i = 0; i < 20_000; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var activity = ActivityReader.Parse(body).Activity!;
            var reply = activity.CreateReply("So your order #123456 hasn't reached you yet. Did I get that right?");
            _ = BotJson.Serialize(new ExpectedReplies([reply]));
            json.Add(start, i >= 2_000);
        }
        Row("activity JSON: parse request + serialise reply", json, "20,000 iterations");

        // The recogniser on the customer's need (the one scripted turn that is recognised).
        var runtime = playbooks.Current;
        var recognizer = new Samples();
        for (var i = 0; i < 5_000; i++)
        {
            var start = Stopwatch.GetTimestamp();
            runtime.Understand(script.Steps[1].Text!);
            recognizer.Add(start, i >= 500);
        }
        Row("recogniser: Understand(\"my parcel hasnt arrived, order 123456\")", recognizer, "5,000 iterations; once per conversation in the script");

        // Whole turns with memory state and no middleware: dialogs + recogniser + state JSON.
        var memory = await TurnsAsync(new MemoryStorage(), null, playbooks, conversations, script);
        Row("whole turn, memory state, no transcript", memory.Turn, $"dialogs + recogniser + state (de)serialisation; {memory.AllocatedKb:F1} KB allocated per turn");

        // Whole turns as the server runs them: SQLite state and the SQLite transcript.
        var database = new SqliteDatabase(Path.Combine(folder, "phases.db"));
        var storage = new TimedStorage(new SqliteStorage(database));
        var transcript = new TimedTranscript(new SqliteTranscriptStore(database, new TranscriptFeed()));
        var sqlite = await TurnsAsync(storage, transcript, playbooks, conversations, script);
        Row("whole turn, SQLite state + SQLite transcript", sqlite.Turn, $"as the server runs it, without HTTP; {sqlite.AllocatedKb:F1} KB allocated per turn");
        Row("  SQLite state read (conversation + user)", storage.Reads, $"{storage.Reads.Count / (double)sqlite.Turn.Count:F2} calls per turn");
        if (storage.Writes.Count > 0)
        {
            Row("  SQLite state write on its own", storage.Writes, $"{storage.Writes.Count / (double)sqlite.Turn.Count:F1} calls per turn (state goes with the transcript)");
        }
        Row("  SQLite commit: transcript + state changes", transcript.Writes,
            $"{transcript.Writes.Count / (double)sqlite.Turn.Count:F1} calls per turn (the incoming activity, its replies, the turn's state)");
        // The target: one read, and at most one write per state object that changed.
        Console.WriteLine();
        Console.WriteLine(($"storage operations per turn (SQLite, {sqlite.Turn.Count} turns): {storage.Reads.Count / (double)sqlite.Turn.Count:F2} state reads " +
            $"({storage.KeysRead / (double)Math.Max(1, storage.Reads.Count):F1} keys each), {(storage.Writes.Count + transcript.Writes.Count) / (double)sqlite.Turn.Count:F2} commits, " +
            $"{(storage.KeysWritten + transcript.KeysWritten) / (double)sqlite.Turn.Count:F2} state objects written of 2 read (only those that changed)"));
        var perTurn = new[]
        {
            ("state read", storage.Reads.Sum / sqlite.Turn.Count),
            ("state write", storage.Writes.Sum / sqlite.Turn.Count),
            ("transcript + state commit", transcript.Writes.Sum / sqlite.Turn.Count),
        };
        var rest = sqlite.Turn.Mean - perTurn.Sum(p => p.Item2);
        Console.WriteLine();
        Console.WriteLine(($"Mean SQLite turn {sqlite.Turn.Mean:F3} ms = " +
            string.Join(" + ", perTurn.Select(p => $"{p.Item1} {p.Item2:F3}")) + $" + dialogs/recogniser/state JSON {rest:F3} " +
            $"(memory-state turn: {memory.Turn.Mean:F3}; recogniser {recognizer.Mean:F3} once per {script.Steps.Count} turns)"));

        // In-process throughput with 32 concurrent conversations, no HTTP: what the bot could do if HTTP were free.
        // Warmed up first, or the first variant measured runs while tiered compilation is still recompiling the turn.
        Console.WriteLine();
        await ParallelAsync(new SqliteStorage(database), new SqliteTranscriptStore(database, new TranscriptFeed()), playbooks, 32, TimeSpan.FromSeconds(15), script);
        foreach (var (name, store, log) in new (string, IStorage, ITranscriptLogger?)[]
        {
            ("memory state, no transcript", new MemoryStorage(), null),
            ("memory state + SQLite transcript", new MemoryStorage(), new SqliteTranscriptStore(database, new TranscriptFeed())),
            ("SQLite state, no transcript", new SqliteStorage(database), null),
            ("SQLite state + SQLite transcript (as the server)", new SqliteStorage(database), new SqliteTranscriptStore(database, new TranscriptFeed())),
        })
        {
            var walBefore = log is null ? 0 : await StopCheckpointsAsync(database);
            var (turns, seconds, failures) = await ParallelAsync(store, log, playbooks, 32, TimeSpan.FromSeconds(4), script);
            var pages = log is null ? "" : $", {(WalFrames(database) - walBefore) / (double)turns:F2} WAL pages written per turn";
            Console.WriteLine(($"in-process, 32 concurrent conversations, {name}: {turns / seconds:F0} turns/s ({failures} off-script replies{pages})"));
            await database.WriteAsync((_, transaction) => database.Command(transaction, "PRAGMA wal_autocheckpoint = 1000").ExecuteNonQuery());
        }
        return 0;
    }

    /// <summary>Empties the write-ahead log and keeps it growing, so its size counts the pages a run writes.</summary>
    private static async Task<long> StopCheckpointsAsync(SqliteDatabase database)
    {
        await database.WriteAsync((_, transaction) => database.Command(transaction, "PRAGMA wal_autocheckpoint = 0").ExecuteNonQuery());
        using var connection = database.OpenRead();
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        checkpoint.ExecuteNonQuery();
        return WalFrames(database);
    }

    /// <summary>Frames in the write-ahead log: a 32-byte header, then per page written a 24-byte header and the page.</summary>
    private static long WalFrames(SqliteDatabase database)
    {
        var wal = new FileInfo(database.Path + "-wal");
        return wal.Exists ? Math.Max(0, wal.Length - 32) / (24 + 4096) : 0;
    }

    private static SupportBotHandler Bot(IStorage storage, ITranscriptLogger? transcript, PlaybookHost playbooks) =>
        new(new ConversationState(storage), new UserState(storage), () => playbooks.Current, Hub.Value, transcript as IStoredReplies, TimeProvider.System);

    private static string? s_folder; // the run's temporary folder, deleted at the end

    /// <summary>The support script never asks for a person; the bot still needs a hub to exist.</summary>
    private static readonly Lazy<AgentHub> Hub = new(() =>
    {
        var notifications = new HubNotifications();
        var database = new SqliteDatabase(Path.Combine(s_folder!, "hub.db"));
        return new AgentHub(new SqliteHandoffQueue(database), new AgentPresence(notifications, TimeProvider.System), notifications, TimeProvider.System);
    });

    private static TurnRunner Runner(IStorage storage, ITranscriptLogger? transcript, PlaybookHost playbooks) =>
        new(new MiddlewarePipeline(transcript is null ? [] : [new TranscriptLoggerMiddleware(transcript)]), Bot(storage, transcript, playbooks));

    private static Activity NewActivity(ScriptStep step, string conversationId, string userId) =>
        ActivityReader.Parse(LoadGenerator.Body(step, conversationId, userId)).Activity!;

    private static async Task<(Samples Turn, int Ok, double AllocatedKb)> TurnsAsync(IStorage storage, ITranscriptLogger? transcript, PlaybookHost playbooks, int conversations, ConversationScript script)
    {
        var runner = Runner(storage, transcript, playbooks);
        var turn = new Samples();
        var ok = 0;
        var warm = conversations / 10;
        var allocatedAtWarm = 0L;
        for (var c = 0; c < conversations + warm; c++)
        {
            if (c == warm)
            {
                allocatedAtWarm = GC.GetTotalAllocatedBytes(precise: true);
            }
            if (c == warm && storage is TimedStorage timed)
            {
                timed.Reset();
                (transcript as TimedTranscript)?.Reset();
            }
            var replies = new List<Activity>();
            foreach (var step in script.Steps)
            {
                var activity = NewActivity(step, $"phase-{c}", $"user-{c}");
                replies.Clear();
                var start = Stopwatch.GetTimestamp();
                await runner.RunAsync(activity, r => { replies.AddRange(r); return Task.CompletedTask; }, CancellationToken.None);
                turn.Add(start, c >= warm);
                ok += replies.Any(r => r.Text?.Contains(step.Expect, StringComparison.Ordinal) == true) ? 1 : 0;
            }
        }
        return (turn, ok, (GC.GetTotalAllocatedBytes(precise: true) - allocatedAtWarm) / 1024.0 / turn.Count);
    }

    private static async Task<(int Turns, double Seconds, int Failures)> ParallelAsync(IStorage storage, ITranscriptLogger? transcript, PlaybookHost playbooks,
        int concurrency, TimeSpan duration, ConversationScript script)
    {
        var runner = Runner(storage, transcript, playbooks);
        var run = Guid.NewGuid().ToString("N")[..8]; // fresh customers: the variants share one database
        var turns = 0;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            for (var c = 0; clock.Elapsed < duration; c++)
            {
                foreach (var step in script.Steps)
                {
                    var replies = new List<Activity>();
                    await runner.RunAsync(NewActivity(step, $"par-{run}-{w}-{c}", $"paruser-{run}-{w}-{c}"), r => { replies.AddRange(r); return Task.CompletedTask; }, CancellationToken.None);
                    if (replies.Any(r => r.Text?.Contains(step.Expect, StringComparison.Ordinal) == true))
                    {
                        Interlocked.Increment(ref turns);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        })));
        return (turns, clock.Elapsed.TotalSeconds, failures);
    }

    private sealed class Samples
    {
        private readonly List<double> _ms = [];

        public int Count
        {
            get { lock (_ms) { return _ms.Count; } }
        }

        public double Sum
        {
            get { lock (_ms) { return _ms.Sum(); } }
        }

        public double Mean => Count == 0 ? double.NaN : Sum / Count;

        public void Add(long start, bool keep = true)
        {
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (keep)
            {
                lock (_ms)
                {
                    _ms.Add(ms);
                }
            }
        }

        public void Clear()
        {
            lock (_ms)
            {
                _ms.Clear();
            }
        }

        public double P(double p)
        {
            lock (_ms)
            {
                if (_ms.Count == 0)
                {
                    return double.NaN;
                }
                var sorted = _ms.Order().ToArray();
                return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
            }
        }
    }

    private sealed class TimedStorage(IStorage inner) : IStorage
    {
        public IStorage Inner => inner;

        public Samples Reads { get; } = new();
        public Samples Writes { get; } = new();
        public int KeysRead { get; private set; }
        public int KeysWritten { get; private set; }

        public void Reset()
        {
            Reads.Clear();
            Writes.Clear();
            KeysRead = KeysWritten = 0;
        }

        public async Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await inner.ReadAsync(keys, cancellationToken);
            Reads.Add(start);
            KeysRead += keys.Count;
            return result;
        }

        public async Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await inner.WriteAsync(changes, cancellationToken);
            Writes.Add(start);
            KeysWritten += changes.Count;
            return result;
        }

        public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => inner.DeleteAsync(keys, cancellationToken);
    }

    /// <summary>Times the transcript's writes; like the server, commits the state changes with them.</summary>
    private sealed class TimedTranscript(ITurnStore inner) : ITurnStore
    {
        public Samples Writes { get; } = new();
        public int KeysWritten { get; private set; }

        public void Reset()
        {
            Writes.Clear();
            KeysWritten = 0;
        }

        public async Task LogActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            await inner.LogActivitiesAsync(activities, cancellationToken);
            Writes.Add(start);
        }

        public bool CanCommit(IStorage storage) => storage is TimedStorage timed && inner.CanCommit(timed.Inner);

        public async Task<IReadOnlyDictionary<string, string>> CommitTurnAsync(IStorage storage, IReadOnlyDictionary<string, StoreItem> changes,
            IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var etags = await inner.CommitTurnAsync(((TimedStorage)storage).Inner, changes, activities, cancellationToken);
            Writes.Add(start);
            KeysWritten += changes.Count;
            return etags;
        }
    }
}
