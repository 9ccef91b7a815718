using SupportBot.Admin.Analytics;
using SupportBot.Admin.Drafts;
using SupportBot.Admin.Publishing;
using SupportBot.Admin.TryIt;
using SupportBot.Admin.Versions;
using SupportBot.Staff;

namespace SupportBot.Admin;

/// <summary>The admin capability: the <c>/admin</c> page and everything behind it under <c>/api/admin</c>, for the
/// Admin role only, described at <c>/openapi/admin.json</c>.</summary>
public static class AdminApi
{
    public const string OpenApiDocument = "admin";

    public static void AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PlaybookDrafts>();
        builder.Services.AddSingleton<PlaybookVersions>();
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
        var api = app.MapGroup("/api/admin").RequireAuthorization(StaffSignIn.AdminPolicy).WithTags("Admin");
        api.MapDraftApi();
        api.MapVersionsApi();
        api.MapAnalyticsApi();
        app.MapOpenApi("/openapi/{documentName}.json");
    }

    private static IResult Page(IWebHostEnvironment env, string file, string contentType) =>
        Results.File(Path.Combine(env.ContentRootPath, "Pages", file), contentType);
}
