using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.RateLimiting;
using SupportBot.Admin;
using SupportBot.Admin.TryIt;
using SupportBot.Agents;
using SupportBot.Channels;
using SupportBot.Channels.Auth;
using SupportBot.Channels.Connector;
using SupportBot.Channels.DirectLine;
using SupportBot.Channels.Teams;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Support;
using SupportBot.Dialogs.Turns;
using SupportBot.Playbooks;
using SupportBot.Scaleout;
using SupportBot.Staff;
using SupportBot.Storage;
using SupportBot.Storage.Blob;

namespace SupportBot;

/// <summary>Composition: the whole host in one place, so it reads like a table of contents.</summary>
public static class SupportBotApp
{
    /// <param name="configureServices">Runs after the app's own registrations, so a test can replace one (for
    /// example the HTTP client MSAL uses to reach a loopback token endpoint).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = DirectLineApi.MaxUploadBytes + 64 * 1024);

        var options = builder.Configuration.Get<BotOptions>() ?? new BotOptions();
        builder.Services.AddSingleton(options.Validate());
        builder.AddScaleout();
        builder.AddStorage();
        builder.AddBot();
        builder.AddChannels();
        builder.AddStaffSignIn();
        builder.AddAgentHub();
        builder.AddAdmin();
        // A body the endpoint cannot bind (malformed JSON, say) is answered in the API's error format, saying why,
        // instead of an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                await ApiErrors.Error(e.StatusCode, "BadArgument", e.Message).ExecuteAsync(context);
            }
        });
        app.UseRateLimiter();
        // Staff sign-in is a cookie: the bot's own endpoint checks the channel's token itself, and reading cookies on its
        // every turn was a visible share of the turn. An endpoint there that asked for authorization would fail, not open.
        app.UseWhen(context => !context.Request.Path.StartsWithSegments(MessagesApi.Path, StringComparison.OrdinalIgnoreCase), staff =>
        {
            staff.UseAuthentication();
            staff.UseAuthorization();
        });
        // WebApplication puts both in front of everything unless its own builder says they are placed; a branch's
        // builder has properties of its own, so say it here (the keys ASP.NET Core's UseAuthentication/UseAuthorization set).
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        ((IApplicationBuilder)app).Properties["__AuthorizationMiddlewareSet"] = true;
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapMessagesApi();
        app.MapDirectLineApi();
        app.MapStaffSignIn();
        app.MapAgentConsole();
        app.MapAdmin();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        return app;
    }

    /// <summary>The data folder: <c>Storage:DataDirectory</c>, by default <c>data/</c> under the content root.</summary>
    public static string DataDirectory(IHostApplicationBuilder builder) =>
        Path.GetFullPath(builder.Configuration["Storage:DataDirectory"] ?? "data", builder.Environment.ContentRootPath);

    /// <summary>Several instances as one bot: with <c>Redis:ConnectionString</c> set, changes on one instance wake the
    /// agent consoles and Direct Line streams on all, agent presence is shared, the queue is watched by one instance
    /// at a time, and the keys protecting the staff sign-in cookie are shared. Without it everything stays in-process.</summary>
    private static void AddScaleout(this IHostApplicationBuilder builder)
    {
        var redis = (builder.Configuration.GetSection("Redis").Get<RedisOptions>() ?? new RedisOptions()).Validate();
        if (!redis.Enabled)
        {
            return;
        }
        builder.Services.AddSingleton(redis);
        builder.Services.AddSingleton<RedisLink>();
        builder.Services.AddSingleton<SharedPresence>();
        builder.Services.AddHostedService<RedisFanout>();
        // An agent signed in on one instance is signed in on all: the cookie's keys are the same everywhere.
        builder.Services.AddDataProtection().SetApplicationName("SupportBot");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<RedisLink>((keys, link) =>
            keys.XmlRepository = new RedisXmlRepository(() => link.Database, RedisLink.Key("data-protection-keys")));
    }

    /// <summary>Where bot state and transcripts live: <c>Storage:Provider</c> = <c>Sqlite</c> (the default, durable, one
    /// machine), <c>Blob</c> (Azure Blob Storage, shared by every instance) or <c>Memory</c> (state lost on restart,
    /// transcripts in SQLite; for benchmarks and experiments).</summary>
    public static string StorageProvider(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration["Storage:Provider"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return "Sqlite";
        }
        string[] providers = ["Sqlite", "Memory", "Blob"];
        return providers.FirstOrDefault(p => string.Equals(p, configured.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"Storage:Provider must be one of {string.Join(", ", providers)}; it is '{configured}'.");
    }

    /// <summary>State (IStorage), transcripts (ITranscriptStore: what the turn logs, the self-hosted Direct Line and the
    /// agents read), the handoff queue and the self-hosted Direct Line's conversations and uploads from the configured
    /// provider. The SQLite file is there with every provider: it keeps what belongs to one instance, the undelivered
    /// replies (and, until they move, the admin's playbook versions and analytics).</summary>
    private static void AddStorage(this IHostApplicationBuilder builder)
    {
        var path = Path.Combine(DataDirectory(builder), "supportbot.db");
        builder.Services.AddSingleton(services => new SqliteDatabase(path, services.GetRequiredService<ILogger<SqliteDatabase>>())); // created by the container, so closed on shutdown
        builder.Services.AddSingleton<TranscriptFeed>();
        switch (StorageProvider(builder))
        {
            case "Blob":
                var blob = (builder.Configuration.GetSection("Storage:Blob").Get<BlobStorageOptions>() ?? new BlobStorageOptions()).Validate();
                builder.Services.AddSingleton(blob);
                builder.Services.AddSingleton<BlobContainers>();
                builder.Services.AddHostedService(sp => sp.GetRequiredService<BlobContainers>());
                builder.Services.AddSingleton<IStorage>(sp => new BlobStorage(sp.GetRequiredService<BlobContainers>().State));
                builder.Services.AddSingleton(sp => new BlobTranscriptStore(sp.GetRequiredService<BlobContainers>().Transcripts, sp.GetRequiredService<BlobContainers>().State, sp.GetRequiredService<TranscriptFeed>()));
                AddTranscripts<BlobTranscriptStore>(builder.Services);
                builder.Services.AddSingleton<IHandoffQueue>(sp => new BlobHandoffQueue(sp.GetRequiredService<BlobContainers>().Handoffs));
                builder.Services.AddSingleton<IDirectLineConversations>(sp => new BlobDirectLineConversations(sp.GetRequiredService<BlobContainers>().DirectLine));
                builder.Services.AddSingleton<IUploads>(sp => new BlobUploads(sp.GetRequiredService<BlobContainers>().DirectLine));
                break;
            case "Memory":
                builder.Services.AddSingleton<IStorage, MemoryStorage>();
                AddSqliteRecords(builder.Services);
                break;
            default:
                builder.Services.AddSingleton<IStorage, SqliteStorage>();
                AddSqliteRecords(builder.Services);
                break;
        }
    }

    /// <summary>Everything but state in the SQLite file (Sqlite and Memory providers).</summary>
    private static void AddSqliteRecords(IServiceCollection services)
    {
        services.AddSingleton<SqliteTranscriptStore>();
        AddTranscripts<SqliteTranscriptStore>(services);
        services.AddSingleton<IHandoffQueue, SqliteHandoffQueue>();
        services.AddSingleton<IDirectLineConversations, SqliteDirectLineConversations>();
        services.AddSingleton<IUploads, SqliteUploads>();
    }

    private static void AddTranscripts<TStore>(IServiceCollection services) where TStore : class, ITranscriptStore
    {
        services.AddSingleton<ITranscriptLogger>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ITranscriptStore>(sp => sp.GetRequiredService<TStore>());
    }

    private static void AddBot(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConversationState>();
        builder.Services.AddSingleton<UserState>();
        var playbooks = PlaybookHost.Start(builder.Configuration["Playbook:Path"] is { Length: > 0 } path ? path : null, DataDirectory(builder));
        builder.Services.AddSingleton(playbooks);
        // Each turn runs on one playbook, pinned when it starts (the live one, or the draft in a "Try it" conversation).
        var turnPlaybook = TurnPlaybook.Selector(playbooks);
        builder.Services.AddSingleton<IBot>(sp => new SupportBotHandler(
            sp.GetRequiredService<ConversationState>(), sp.GetRequiredService<UserState>(), turnPlaybook,
            new TryItHandoffHub(sp.GetRequiredService<IHandoffHub>()), sp.GetRequiredService<ITranscriptStore>(),
            sp.GetRequiredService<TimeProvider>()));
        var inspection = builder.Configuration.GetValue<bool>("Inspection");
        builder.Services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<DeadEndGuardMiddleware>>();
            // The turn's playbook is pinned first; the guard runs before the transcript, so it and every channel get the
            // reply with its choices.
            var drafts = sp.GetRequiredService<DraftConversations>();
            Dialogs.Turns.IMiddleware[] middleware =
            [
                new TurnPlaybook.Middleware(drafts.For),
                sp.GetRequiredService<TeamsTenantGuard>(), // other organisations' traffic goes no further
                sp.GetRequiredService<TeamsAgentChannel>(), // agents on Teams are not customers
                new DeadEndGuardMiddleware(turnPlaybook, message => logger.LogWarning("{Message}", message)),
                new TranscriptLoggerMiddleware(sp.GetRequiredService<ITranscriptLogger>()),
            ];
            return new MiddlewarePipeline(inspection ? middleware.Append(new InspectionMiddleware()) : middleware);
        });
        builder.Services.AddSingleton<TurnRunner>();
        builder.Services.AddSingleton<ConversationGate>();
        builder.Services.AddSingleton<BotAdapter>();
    }

    /// <summary>Who takes handed-off conversations: <c>Handoff:Mode</c> = <c>Hub</c> (the built-in agent console, the
    /// default) or <c>External</c> (a contact centre reached with the handoff.initiate / handoff.status events).</summary>
    private static void AddAgentHub(this IHostApplicationBuilder builder)
    {
        var options = (builder.Configuration.GetSection("Handoff").Get<HubOptions>() ?? new HubOptions()).Validate();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton((builder.Configuration.GetSection("Teams:AgentChannel").Get<TeamsAgentChannelOptions>() ?? new TeamsAgentChannelOptions()).Validate());
        builder.Services.AddSingleton<TeamsAgentChannel>();
        builder.Services.AddSingleton<HubNotifications>();
        builder.Services.AddSingleton<AgentPresence>();
        builder.Services.AddSingleton<AgentHub>();
        builder.Services.AddSingleton<ConversationMessenger>();
        builder.Services.AddSingleton<AgentDesk>();
        builder.Services.AddSingleton<ConsoleSnapshot>();
        builder.Services.AddHostedService<QueueWatcher>();
        if (options.External)
        {
            builder.Services.AddSingleton<IHandoffHub, ExternalHub>();
        }
        else
        {
            builder.Services.AddSingleton<IHandoffHub>(sp => sp.GetRequiredService<AgentHub>());
        }
    }

    private static void AddChannels(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TeamsOptions.From(builder.Configuration));
        builder.Services.AddSingleton<TeamsTenantGuard>();
        builder.Services.AddSingleton<ChannelAuthenticator>();
        builder.Services.AddSingleton<BotTokenProvider>();
        // Each attempt has its own timeout (Connector:AttemptTimeout); the client's own would cut retries short.
        builder.Services.AddSingleton((builder.Configuration.GetSection("Connector").Get<ConnectorRetryOptions>() ?? new ConnectorRetryOptions()).Validate());
        builder.Services.AddSingleton<UndeliveredReplies>();
        builder.Services.AddHttpClient<ConnectorClient>(c => c.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DirectLineTurns>();

        // Anyone can open the web chat page, so the page's token endpoint is limited per client address.
        var tokensPerMinute = builder.Configuration.GetValue("DirectLine:TokensPerMinute", 60);
        // A person types far slower; this stops a runaway or hostile client from filling the transcript and the CPU.
        var activitiesPerMinute = builder.Configuration.GetValue("DirectLine:ActivitiesPerMinute", 120);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(DirectLineApi.TokenRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = tokensPerMinute, Window = TimeSpan.FromMinutes(1) }));
            limiter.AddPolicy(DirectLineApi.ActivityRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Request.RouteValues["conversationId"]?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = activitiesPerMinute, Window = TimeSpan.FromMinutes(1) }));
            limiter.OnRejected = async (rejected, ct) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "60";
                var message = rejected.HttpContext.Request.Path.StartsWithSegments("/v3/directline")
                    ? "Too many activities in this conversation; try again in a minute."
                    : rejected.HttpContext.Request.Path.StartsWithSegments("/signin")
                        ? "Too many sign-in attempts from this address; try again in a minute."
                        : "Too many new conversations from this address; try again in a minute.";
                await ApiErrors.Error(StatusCodes.Status429TooManyRequests, "TooManyRequests", message).ExecuteAsync(rejected.HttpContext);
            };
        });

        var dataDirectory = DataDirectory(builder);
        var secret = builder.Configuration["DirectLine:Secret"] is { Length: > 0 } configured ? configured : null;
        builder.Services.AddSingleton(sp => new DirectLineTokens(
            SigningKey(dataDirectory, secret),
            secret ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>Tokens must survive a restart (a customer reloading the page keeps the conversation), so without a
    /// configured secret the signing key is created once in the data folder.</summary>
    private static byte[] SigningKey(string dataDirectory, string? secret)
    {
        if (!string.IsNullOrEmpty(secret))
        {
            return SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("directline-token-key:" + secret));
        }
        var path = Path.Combine(dataDirectory, "directline-signing.key");
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(32));
        }
        return File.ReadAllBytes(path);
    }
}
