using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace SupportBot.Benchmarks;

/// <summary><c>benchmark load</c>: SupportBot over HTTP against the ceiling (a bare Kestrel echo) and the Bot
/// Framework JS SDK, each a separate process on this machine, measured interleaved by the closed-loop
/// <see cref="LoadGenerator"/>. Prints per-measurement lines as it goes and a markdown report at the end.</summary>
public static class LoadBenchmark
{
    private sealed record Options(int Rounds, int[] Concurrency, double Seconds, double RampUp, double WarmUp, string[] Targets, string? Out, int Focus, string? Baseline);

    private sealed record Target(string Name, string Label, ConversationScript Script, Func<int, string, ProcessStartInfo> Start);

    private sealed record Measurement(string Target, int Round, int Concurrency, LoadResult Result, double CpuMsPerTurn, string LoadAverage);

    private const string Usage = "usage: SupportBot benchmark load [--rounds 3] [--concurrency 1,8,32,128] [--seconds 5] [--rampup 1] [--warmup 20] " +
        "[--targets ceiling,durable,sqlite,memory,blob,js] [--focus 32] [--out report.md] [--baseline other-build/SupportBot.dll]";

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        Options options;
        try
        {
            options = Parse(args);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var dll = typeof(LoadBenchmark).Assembly.Location;
        var workRoot = Directory.CreateTempSubdirectory("supportbot-load-").FullName;
        var azuritePort = FreePort();
        var all = new Dictionary<string, Target>
        {
            ["ceiling"] = new("ceiling", "Ceiling: bare Kestrel echo", ConversationScript.Echo,
                (port, _) => Dotnet(dll, "benchmark", "echo", "--urls", Url(port))),
            ["durable"] = new("durable", "Durable echo: the ceiling + one SQLite commit per turn", ConversationScript.Echo,
                (port, dir) => Dotnet(dll, "benchmark", "echo", "--durable", dir, "--urls", Url(port))),
            ["sqlite"] = new("sqlite", "SupportBot, SQLite state", ConversationScript.Support,
                (port, dir) => Dotnet(dll, "--urls", Url(port), "--contentRoot", ContentRoot(), "--Storage:DataDirectory", dir, "--Storage:Provider", "Sqlite", "--Logging:LogLevel:Default", "Warning")),
            ["memory"] = new("memory", "SupportBot, memory state", ConversationScript.Support,
                (port, dir) => Dotnet(dll, "--urls", Url(port), "--contentRoot", ContentRoot(), "--Storage:DataDirectory", dir, "--Storage:Provider", "Memory", "--Logging:LogLevel:Default", "Warning")),
            ["blob"] = new("blob", "SupportBot, Blob state (Azurite)", ConversationScript.Support,
                (port, dir) => Dotnet(dll, "--urls", Url(port), "--contentRoot", ContentRoot(), "--Storage:DataDirectory", dir, "--Storage:Provider", "Blob",
                    "--Storage:Blob:ConnectionString", NodePeers.AzuriteConnectionString(azuritePort), "--Logging:LogLevel:Default", "Warning")),
            ["js"] = new("js", "Bot Framework JS SDK 4.23.3", ConversationScript.Support, (port, _) => NodePeers.JsSdkBot(port)),
        };
        if (options.Baseline is { } baseline)
        {
            // Another build (say, before a change) measured interleaved with this one: on a shared machine only
            // measurements taken side by side can be compared.
            all["baseline"] = new("baseline", "SupportBot, SQLite state, baseline build", ConversationScript.Support,
                (port, dir) => Dotnet(baseline, "--urls", Url(port), "--contentRoot", ContentRoot(), "--Storage:DataDirectory", dir, "--Storage:Provider", "Sqlite", "--Logging:LogLevel:Default", "Warning"));
            options = options with { Targets = [.. options.Targets.Where(t => t != "baseline"), "baseline"] };
        }
        var targets = options.Targets.Select(t => all.TryGetValue(t, out var target) ? target : throw new ArgumentException($"unknown target '{t}'")).ToList();

        Console.WriteLine("# SupportBot load benchmark");
        var machine = Machine();
        Console.WriteLine(machine);
        Console.WriteLine($"command: SupportBot benchmark load {string.Join(' ', args)}");
        Console.WriteLine($"targets: {string.Join(", ", targets.Select(t => t.Name))}; rounds {options.Rounds}; concurrency {string.Join(",", options.Concurrency)}; " +
            $"{options.Seconds} s measured after {options.RampUp} s ramp-up per measurement; {options.WarmUp} s warm-up per target");

        var running = new List<(Target Target, Process Process, LoadGenerator Generator, HttpClient Http, StringBuilder Log)>();
        Process? azurite = null;
        void StopAll()
        {
            foreach (var (_, process, _, http, _) in running)
            {
                http.Dispose();
                Stop(process);
            }
            Stop(azurite);
        }
        static void Stop(Process? process)
        {
            try
            {
                if (process is { HasExited: false })
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }
        Console.CancelKeyPress += (_, _) => StopAll();
        try
        {
            foreach (var target in targets)
            {
                if (target.Name == "js" && !NodePeers.EnsureInstalled("js-sdk-bot", "botbuilder-dialogs"))
                {
                    return 1;
                }
                if (target.Name == "blob")
                {
                    // The storage the blob target talks to, on this machine too (its CPU is not in the target's figure).
                    if (!NodePeers.EnsureInstalled("azurite", "azurite"))
                    {
                        return 1;
                    }
                    azurite = Process.Start(NodePeers.Azurite(azuritePort, Directory.CreateDirectory(Path.Combine(workRoot, "azurite")).FullName))!;
                    azurite.OutputDataReceived += (_, _) => { };
                    azurite.ErrorDataReceived += (_, _) => { };
                    azurite.BeginOutputReadLine();
                    azurite.BeginErrorReadLine();
                    await NodePeers.WaitListeningAsync(azuritePort, azurite);
                }
                var port = FreePort();
                var dir = Directory.CreateDirectory(Path.Combine(workRoot, target.Name)).FullName;
                var start = target.Start(port, dir);
                var log = new StringBuilder();
                var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
                process.OutputDataReceived += (_, e) => Append(log, e.Data);
                process.ErrorDataReceived += (_, e) => Append(log, e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                var http = LoadGenerator.CreateClient(options.Concurrency.Max(), TimeSpan.FromSeconds(30));
                running.Add((target, process, new LoadGenerator(http, new Uri($"{Url(port)}/api/messages"), target.Script), http, log));
                var clock = Stopwatch.StartNew();
                await WaitHealthyAsync(http, new Uri($"{Url(port)}/healthz"), process, log);
                Console.WriteLine($"started {target.Name} (pid {process.Id}) on port {port} in {clock.Elapsed.TotalSeconds:F1} s");
            }

            var warmConcurrency = Math.Min(32, options.Concurrency.Max());
            foreach (var (target, _, generator, _, _) in running)
            {
                var warm = await generator.RunAsync(warmConcurrency, TimeSpan.FromSeconds(options.WarmUp / 2), TimeSpan.FromSeconds(options.WarmUp / 2));
                Console.WriteLine($"warm-up {target.Name}: {warm.TurnsPerSecond:F0} turns/s, {warm.FailureCount} failures");
            }

            var measurements = new List<Measurement>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                for (var ci = 0; ci < options.Concurrency.Length; ci++)
                {
                    var concurrency = options.Concurrency[ci];
                    var shift = (round - 1 + ci) % running.Count; // interleaved: each target takes a turn going first
                    foreach (var (target, process, generator, _, _) in running.Skip(shift).Concat(running.Take(shift)))
                    {
                        if (process.HasExited)
                        {
                            throw new InvalidOperationException($"{target.Name} exited with code {process.ExitCode}");
                        }
                        process.Refresh();
                        var cpuBefore = process.TotalProcessorTime;
                        var clock = Stopwatch.StartNew();
                        var result = await generator.RunAsync(concurrency, TimeSpan.FromSeconds(options.RampUp), TimeSpan.FromSeconds(options.Seconds));
                        var elapsed = clock.Elapsed;
                        process.Refresh();
                        // CPU of the target process over the whole measurement, ramp-up included, per counted turn (approximate).
                        var cpuPerTurn = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / Math.Max(1, result.Turns * elapsed.TotalSeconds / options.Seconds);
                        var load = LoadAverage();
                        measurements.Add(new(target.Name, round, concurrency, result, cpuPerTurn, load));
                        Console.WriteLine((
                            $"round {round} c={concurrency,-3} {target.Name,-8} {result.TurnsPerSecond,8:F0} turns/s  p50 {result.P50,7:F2}  p90 {result.P90,7:F2}  p99 {result.P99,7:F2} ms  " +
                            $"failures {result.FailureCount}  server cpu {cpuPerTurn:F2} ms/turn  load {load}"));
                        foreach (var (kind, count) in result.Failures)
                        {
                            Console.WriteLine($"    {count} × {kind}: {result.FailureExamples[kind]}");
                        }
                    }
                }
            }

            var problems = running.Where(r => r.Log.Length > 0)
                .Select(r => $"{r.Target.Name} wrote to stdout/stderr (last lines):\n{Tail(r.Log.ToString(), 15)}").ToList();
            var report = Report(options, args, machine, running.Select(r => r.Target).ToList(), measurements, problems);
            Console.WriteLine();
            Console.WriteLine(report);
            if (options.Out is not null)
            {
                await File.WriteAllTextAsync(options.Out, report);
                Console.WriteLine($"report written to {options.Out}");
            }
            return 0;
        }
        finally
        {
            StopAll();
            try
            {
                Directory.Delete(workRoot, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string Report(Options options, string[] args, string machine, List<Target> targets, List<Measurement> measurements, List<string> problems)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine($"Machine: {machine}").AppendLine();
        text.AppendLine($"Command: `dotnet SupportBot/bin/Release/net10.0/SupportBot.dll benchmark load {string.Join(' ', args)}`").AppendLine();
        text.AppendLine($"Medians of {options.Rounds} interleaved rounds; each measurement {options.Seconds} s after {options.RampUp} s ramp-up. Latency in ms per turn (request sent → reply parsed). " +
            "Server CPU is the target process's CPU time per counted turn.").AppendLine();

        Summary Median(string target, int concurrency)
        {
            var ms = measurements.Where(m => m.Target == target && m.Concurrency == concurrency).ToList();
            double Med(Func<Measurement, double> f)
            {
                var v = ms.Select(f).Order().ToArray();
                return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
            }
            return new(Med(m => m.Result.TurnsPerSecond), Med(m => m.Result.P50), Med(m => m.Result.P90), Med(m => m.Result.P99), Med(m => m.CpuMsPerTurn),
                ms.Sum(m => m.Result.FailureCount), ms.Sum(m => m.Result.Turns), ms.Select(m => m.Result.TurnsPerSecond).ToArray());
        }

        var focus = options.Concurrency.Contains(options.Focus) ? options.Focus : options.Concurrency.Max();
        text.AppendLine($"### At {focus} concurrent conversations").AppendLine();
        text.AppendLine("| target | turns/s | p50 ms | p90 ms | p99 ms | server CPU ms/turn | failures / turns | turns/s per round |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var target in targets)
        {
            var s = Median(target.Name, focus);
            text.AppendLine($"| {target.Label} | {s.Tps:F0} | {s.P50:F2} | {s.P90:F2} | {s.P99:F2} | {s.Cpu:F2} | {s.Failures} / {s.Turns} | {string.Join(", ", s.Rounds.Select(r => r.ToString("F0", inv)))} |");
        }
        text.AppendLine();

        var names = targets.Select(t => t.Name).ToHashSet();
        if (names.Contains("sqlite"))
        {
            var sqlite = Median("sqlite", focus);
            text.AppendLine($"Goals at {focus} concurrent conversations (SupportBot with SQLite):").AppendLine();
            if (names.Contains("ceiling"))
            {
                var ratio = sqlite.Tps / Median("ceiling", focus).Tps;
                text.AppendLine($"- throughput / ceiling = {ratio:F2} (goal ≥ 0.50): {(ratio >= 0.5 ? "met" : "NOT met")}");
            }
            if (names.Contains("js"))
            {
                var ratio = sqlite.Tps / Median("js", focus).Tps;
                text.AppendLine($"- throughput / JS SDK = {ratio:F2}× (goal ≥ 5×): {(ratio >= 5 ? "met" : "NOT met")}");
            }
            text.AppendLine($"- p99 = {sqlite.P99:F2} ms (goal < 15 ms): {(sqlite.P99 < 15 ? "met" : "NOT met")}");
            if (names.Contains("durable"))
            {
                text.AppendLine($"- (throughput / durable echo = {sqlite.Tps / Median("durable", focus).Tps:F2}: how near a bot that stores each turn SupportBot comes)");
            }
            if (names.Contains("baseline"))
            {
                text.AppendLine($"- (this build / baseline build throughput = {sqlite.Tps / Median("baseline", focus).Tps:F2}, CPU per turn = {sqlite.Cpu / Median("baseline", focus).Cpu:F2})");
            }
            if (names.Contains("memory"))
            {
                text.AppendLine($"- (memory state / SQLite state throughput = {Median("memory", focus).Tps / sqlite.Tps:F2})");
            }
            if (names.Contains("blob"))
            {
                text.AppendLine($"- (Blob state on Azurite / SQLite state throughput = {Median("blob", focus).Tps / sqlite.Tps:F2})");
            }
            text.AppendLine();
        }

        text.AppendLine("### Against concurrency").AppendLine();
        text.AppendLine("| target | " + string.Join(" | ", options.Concurrency.Select(c => $"c={c} turns/s | c={c} p99 ms")) + " |");
        text.AppendLine("| --- | " + string.Join(" | ", options.Concurrency.Select(_ => "---: | ---:")) + " |");
        foreach (var target in targets)
        {
            text.AppendLine($"| {target.Label} | " + string.Join(" | ", options.Concurrency.Select(c =>
            {
                var s = Median(target.Name, c);
                return ($"{s.Tps:F0} | {s.P99:F2}");
            })) + " |");
        }
        text.AppendLine();
        text.AppendLine("| target | " + string.Join(" | ", options.Concurrency.Select(c => $"c={c} p50 ms"))
            + " | " + string.Join(" | ", options.Concurrency.Select(c => $"c={c} failures")) + " |");
        text.AppendLine("| --- | " + string.Join(" | ", options.Concurrency.Select(_ => "---:")) + " | " + string.Join(" | ", options.Concurrency.Select(_ => "---:")) + " |");
        foreach (var target in targets)
        {
            text.AppendLine($"| {target.Label} | " + string.Join(" | ", options.Concurrency.Select(c => Median(target.Name, c).P50.ToString("F2", inv)))
                + " | " + string.Join(" | ", options.Concurrency.Select(c => Median(target.Name, c).Failures.ToString(inv))) + " |");
        }
        text.AppendLine();

        text.AppendLine(Chart("turns/s", "F0", options.Concurrency, targets, (t, c) => Median(t, c).Tps));
        text.AppendLine(Chart("p99 latency in ms", "F2", options.Concurrency, targets, (t, c) => Median(t, c).P99));

        var failures = measurements.Where(m => m.Result.FailureCount > 0).ToList();
        text.AppendLine(failures.Count == 0 ? "Failures: none." : "Failures:");
        foreach (var m in failures)
        {
            foreach (var (kind, count) in m.Result.Failures)
            {
                text.AppendLine($"- {m.Target} round {m.Round} c={m.Concurrency}: {count} × {kind} — {m.Result.FailureExamples[kind]}");
            }
        }
        foreach (var problem in problems)
        {
            text.AppendLine().AppendLine("```").AppendLine(problem).AppendLine("```");
        }
        text.AppendLine().AppendLine("Load average (1/5/15 min) after each measurement, to judge noise from other work on the machine: "
            + string.Join("; ", measurements.Select(m => $"r{m.Round} c{m.Concurrency} {m.Target} {m.LoadAverage}")));
        return text.ToString();
    }

    /// <summary>A text bar chart of one median against concurrency, every target on the same linear scale.</summary>
    private static string Chart(string what, string format, int[] concurrency, List<Target> targets, Func<string, int, double> median)
    {
        const int Width = 60;
        var max = concurrency.SelectMany(c => targets.Select(t => median(t.Name, c))).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var label = targets.Max(t => t.Label.Length);
        var chart = new StringBuilder().AppendLine("```").AppendLine($"{what}, median of the rounds (each █ = {(max / Width).ToString(format, CultureInfo.InvariantCulture)})");
        foreach (var c in concurrency)
        {
            foreach (var target in targets)
            {
                var value = median(target.Name, c);
                var bar = double.IsFinite(value) ? new string('█', Math.Max(1, (int)Math.Round(value / max * Width))) : "";
                chart.AppendLine(CultureInfo.InvariantCulture, $"{(target == targets[0] ? $"c={c}" : ""),-6} {target.Label.PadRight(label)} {bar} {value.ToString(format, CultureInfo.InvariantCulture)}");
            }
        }
        return chart.AppendLine("```").ToString();
    }

    private sealed record Summary(double Tps, double P50, double P90, double P99, double Cpu, int Failures, int Turns, double[] Rounds);

    private static Options Parse(string[] args)
    {
        // 20 s of warm-up: on 2 cores the .NET tiered compiler keeps recompiling SupportBot's hot paths for about 20 s
        // of load, and its background thread would otherwise take CPU from whichever target is measured next.
        var options = new Options(3, [1, 8, 32, 128], 5, 1, 20, ["ceiling", "durable", "sqlite", "memory", "blob", "js"], null, 32, null);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--rounds" => options with { Rounds = Positive(int.Parse(value, CultureInfo.InvariantCulture), "--rounds") },
                "--concurrency" => options with { Concurrency = value.Split(',').Select(v => Positive(int.Parse(v, CultureInfo.InvariantCulture), "--concurrency")).ToArray() },
                "--seconds" => options with { Seconds = Positive(double.Parse(value, CultureInfo.InvariantCulture), "--seconds") },
                "--rampup" => options with { RampUp = double.Parse(value, CultureInfo.InvariantCulture) },
                "--warmup" => options with { WarmUp = double.Parse(value, CultureInfo.InvariantCulture) },
                "--targets" => options with { Targets = value.Split(',') },
                "--focus" => options with { Focus = int.Parse(value, CultureInfo.InvariantCulture) },
                "--out" => options with { Out = Path.GetFullPath(value) },
                "--baseline" => options with { Baseline = File.Exists(value) ? Path.GetFullPath(value) : throw new ArgumentException($"--baseline: {value} does not exist") },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
            i++;
        }
        return options;
    }

    private static T Positive<T>(T value, string name) where T : System.Numerics.INumber<T> =>
        value > T.Zero ? value : throw new ArgumentException($"{name} must be positive");

    private static string Url(int port) => $"http://127.0.0.1:{port}";

    internal static ProcessStartInfo Dotnet(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return start;
    }

    /// <summary>The SupportBot project folder when running from its build output (so wwwroot is there, as in a
    /// published app); otherwise the build output itself.</summary>
    internal static string ContentRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SupportBot.csproj")) && Directory.Exists(Path.Combine(dir.FullName, "wwwroot")))
            {
                return dir.FullName;
            }
        }
        return AppContext.BaseDirectory;
    }

    internal static async Task WaitHealthyAsync(HttpClient http, Uri health, Process process, StringBuilder log)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} exited with code {process.ExitCode}:\n{Tail(log.ToString(), 30)}");
            }
            try
            {
                using var response = await http.GetAsync(health);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{health} did not answer within 120 s:\n{Tail(log.ToString(), 30)}");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            if (log.Length < 200_000)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));

    private static string LoadAverage()
    {
        try
        {
            return string.Join('/', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Machine()
    {
        string Run(string file, string arguments)
        {
            try
            {
                var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                using var process = Process.Start(start)!;
                var output = process.StandardOutput.ReadToEnd().Trim();
                process.WaitForExit();
                return output;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "(not found)";
            }
        }
        string? Read(string path, string prefix)
        {
            try
            {
                return File.ReadLines(path).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            }
            catch (IOException)
            {
                return null;
            }
        }
        var cpu = Read("/proc/cpuinfo", "model name")?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memory = Read("/proc/meminfo", "MemTotal")?.Split(':', 2)[1].Trim() is { } kb && long.TryParse(kb.Split(' ')[0], out var k) ? $"{k / 1024 / 1024.0:F1} GiB" : "?";
        var os = Read("/etc/os-release", "PRETTY_NAME=")?.Split('=', 2)[1].Trim('"') ?? RuntimeInformation.OSDescription;
        return $"{Environment.ProcessorCount} cores ({cpu}), {memory} RAM, {os} ({RuntimeInformation.OSDescription}), " +
            $"dotnet SDK {Run("dotnet", "--version")} (runtime {RuntimeInformation.FrameworkDescription}), node {Run("node", "--version")}, Server GC {System.Runtime.GCSettings.IsServerGC}";
    }
}
