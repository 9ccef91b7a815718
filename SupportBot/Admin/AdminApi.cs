using SupportBot.Admin.Analytics;
using SupportBot.Admin.Drafts;
using SupportBot.Admin.Publishing;
using SupportBot.Admin.TryIt;
using SupportBot.Admin.Versions;
using SupportBot.Channels;
using SupportBot.Dialogs.State;
using SupportBot.Staff;

namespace SupportBot.Admin;

/// <summary>The admin capability: the <c>/admin</c> page and everything behind it under <c>/api/admin</c>, for the
/// Admin role only, described at <c>/openapi/admin.json</c>.</summary>
public static class AdminApi
{
    public const string OpenApiDocument = "admin";

    public static void AddAdmin(this IHostApplicationBuilder builder)
    {
        if (SupportBotApp.StorageProvider(builder) == "Blob")
        {
            // Shared by every instance; each one watches for versions published on another.
            builder.Services.AddSingleton<IPlaybookDrafts, BlobPlaybookDrafts>();
            builder.Services.AddSingleton<BlobPlaybookVersions>();
            builder.Services.AddSingleton<IPlaybookVersions>(sp => sp.GetRequiredService<BlobPlaybookVersions>());
            builder.Services.AddHostedService<LiveVersionWatcher>();
        }
        else
        {
            builder.Services.AddSingleton<IPlaybookDrafts, SqlitePlaybookDrafts>();
            builder.Services.AddSingleton<IPlaybookVersions, SqlitePlaybookVersions>();
        }
        builder.Services.AddSingleton<LivePublisher>();
        builder.Services.AddSingleton<DraftConversations>();
        builder.Services.AddSingleton<CaseAnalytics>();
        builder.Services.AddSingleton<Lint.ConfusionChecks>();
        builder.Services.AddHostedService<LivePlaybookRestore>();
        builder.Services.AddOpenApi(OpenApiDocument, o => o.ShouldInclude = d => d.RelativePath?.StartsWith("api/admin", StringComparison.Ordinal) == true);
    }

    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin", (IWebHostEnvironment env) => Page(env, "admin.html", "text/html")).RequireAuthorization(StaffSignIn.AdminPolicy).ExcludeFromDescription();
        app.MapGet("/admin/admin.js", (IWebHostEnvironment env) => Page(env, "admin.js", "text/javascript")).RequireAuthorization(StaffSignIn.AdminPolicy).ExcludeFromDescription();
        var api = app.MapGroup("/api/admin").RequireAuthorization(StaffSignIn.AdminPolicy).WithTags("Admin").AddEndpointFilter(StorageOutage);
        api.MapDraftApi();
        api.MapVersionsApi();
        api.MapAnalyticsApi();
        app.MapOpenApi("/openapi/{documentName}.json");
    }

    /// <summary>The draft and the versions live in storage; when it cannot be reached the admin gets a 503 that says so
    /// instead of an error page.</summary>
    private static async ValueTask<object?> StorageOutage(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (StorageUnavailableException e)
        {
            return ApiErrors.Unavailable($"Storage could not be reached ({e.Message}); reload to see what was saved, then try again.");
        }
    }

    private static IResult Page(IWebHostEnvironment env, string file, string contentType) =>
        Results.File(Path.Combine(env.ContentRootPath, "Pages", file), contentType);
}
