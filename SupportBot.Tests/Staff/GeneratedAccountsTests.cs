using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SupportBot.Staff;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Storage;
using Xunit;

namespace SupportBot.Tests.Staff;

/// <summary>Without configured accounts the first start generates an agent and an admin. On Blob Storage they are kept
/// there, so every instance accepts the same passwords; on SQLite they stay in the data folder.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class GeneratedAccountsTests(AzuriteFixture azurite)
{
    /// <summary>What the server logs, to read the passwords shown once at first start.</summary>
    private sealed class LogCapture : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }

    private static async Task<BotServer> StartAsync(Dictionary<string, string?> settings, LogCapture log) =>
        await BotServer.StartAsync(settings, configureServices: services => services.AddSingleton<ILoggerProvider>(log));

    private static (string Agent, string Admin) Passwords(LogCapture log)
    {
        var match = log.Messages.Select(m => PasswordsPattern().Match(m)).Single(m => m.Success);
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    private static async Task<HttpStatusCode> SignInAsync(BotServer server, string name, string password, string page)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseUrl };
        using var signIn = await client.PostAsync("signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = name, ["password"] = password }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        using var response = await client.GetAsync(page);
        return response.StatusCode;
    }

    [Fact]
    public async Task On_blob_storage_the_accounts_generated_by_the_first_instance_sign_in_on_every_instance()
    {
        var settings = BlobServerTests.BlobSettings(azurite.Server);
        var firstLog = new LogCapture();
        var secondLog = new LogCapture();
        await using var first = await StartAsync(settings, firstLog);
        await using var second = await StartAsync(settings, secondLog);

        var (agent, admin) = Passwords(firstLog);

        Assert.DoesNotContain(secondLog.Messages, m => m.Contains("passwords are shown only now", StringComparison.Ordinal));
        Assert.Contains(BlobStaffFile.BlobName, Assert.Single(firstLog.Messages, m => m.Contains("passwords are shown", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(second, "admin", admin, "api/admin/status"));
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(second, "agent", agent, "api/agent/queue"));
        Assert.Equal(HttpStatusCode.Forbidden, await SignInAsync(second, "agent", agent, "api/admin/status"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(second, "admin", agent, "api/admin/status"));
        Assert.False(File.Exists(Path.Combine(first.DataDirectory, "staff.json")));
        Assert.False(File.Exists(Path.Combine(second.DataDirectory, "staff.json")));
    }

    [Fact]
    public async Task On_sqlite_the_accounts_are_generated_in_the_data_folder_and_kept_across_a_restart()
    {
        var log = new LogCapture();
        string data;
        await using (var server = await StartAsync([], log))
        {
            data = server.DataDirectory;
        }
        var (_, admin) = Passwords(log);
        Assert.True(File.Exists(Path.Combine(data, "staff.json")));

        var again = new LogCapture();
        await using var restarted = await BotServer.StartAsync(new Dictionary<string, string?>(), data, services => services.AddSingleton<ILoggerProvider>(again));

        Assert.DoesNotContain(again.Messages, m => m.Contains("passwords are shown only now", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(restarted, "admin", admin, "api/admin/status"));
    }

    [GeneratedRegex("agent / (\\S+) for the agent console.*admin / (\\S+) for /admin")]
    private static partial Regex PasswordsPattern();
}
