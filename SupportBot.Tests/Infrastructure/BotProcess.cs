using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace SupportBot.Tests.Infrastructure;

/// <summary>SupportBot as a child process (<c>dotnet SupportBot.dll</c>, as deployed) on a free loopback port, with
/// its own data folder and home folder (so nothing is shared with another instance unless its settings say so).</summary>
public sealed class BotProcess : IAsyncDisposable
{
    private readonly Process _process;

    private BotProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseUrl { get; }

    /// <summary>A client without cookies, for the bot's public endpoints.</summary>
    public HttpClient Http { get; }

    public static async Task<BotProcess> StartAsync(IDictionary<string, string?> settings, string? dataDirectory = null)
    {
        var port = Loopback.FreePort();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/{Configuration}/net10.0
        var dll = Path.Combine(RepoPaths.HostProject, "bin", configuration, "net10.0", "SupportBot.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepoPaths.HostProject, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["HOME"] = TempFolder.Create("supportbot-home");
        var args = new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Storage:DataDirectory"] = dataDirectory ?? TempFolder.Create("supportbot-data"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in args.Concat(settings))
        {
            start.ArgumentList.Add("--" + key);
            start.ArgumentList.Add(value ?? "");
        }
        var process = Process.Start(start)!;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>(); // why it stopped, if it does
        process.OutputDataReceived += (_, e) => errors.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => errors.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var bot = new BotProcess(process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100))
        {
            Assert.False(process.HasExited, $"SupportBot exited with {(process.HasExited ? process.ExitCode : 0)}: {string.Join('\n', errors.TakeLast(30))}");
            try
            {
                if ((await bot.Http.GetAsync("healthz")).IsSuccessStatusCode)
                {
                    return bot;
                }
            }
            catch (HttpRequestException)
            {
            }
        }
        await bot.DisposeAsync();
        throw new TimeoutException("SupportBot did not start");
    }

    /// <summary>Kills the process (SIGKILL), as a crash would.</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
