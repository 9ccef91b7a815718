using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using SupportBot.Admin.Csv;
using SupportBot.Admin.Lint;
using SupportBot.Admin.TryIt;
using SupportBot.Channels;
using SupportBot.Channels.DirectLine;
using static SupportBot.Admin.AdminRequests;

namespace SupportBot.Admin.Drafts;

/// <summary>The draft: read, save (whole document or import), utterances as CSV, "add to topic", the recogniser's
/// confusion report, and "Try it". Every change is checked first; one with errors answers 400 and saves nothing.</summary>
public static class DraftApi
{
    public const int MaxUtterance = 500;

    public static void MapDraftApi(this RouteGroupBuilder api)
    {
        api.MapGet("/draft", GetAsync).WithSummary("The draft playbook, its ETag and its warnings").Produces<DraftView>();
        api.MapPut("/draft", SaveAsync).WithSummary("Save (or import) the whole draft; errors answer 400 with their JSON paths and save nothing")
            .WithBody("application/json", "The whole playbook document").WithIfMatch().Produces<DraftView>().Produces<ProblemsResponse>(StatusCodes.Status400BadRequest);
        api.MapGet("/draft/export", ExportAsync).WithSummary("The draft as a JSON file");
        api.MapGet("/draft/utterances.csv", ExportUtterancesAsync).WithSummary("Every topic's utterances as topic,utterance CSV");
        api.MapPut("/draft/utterances.csv", ImportUtterancesAsync).WithSummary("Replace every topic's utterances with the CSV's")
            .WithBody("text/csv", "A header line topic,utterance, then one row per utterance").WithIfMatch().Produces<DraftView>().Produces<ProblemsResponse>(StatusCodes.Status400BadRequest);
        api.MapPost("/draft/topics/{topicId}/utterances", AddUtteranceAsync).WithSummary("Add one utterance to a topic of the draft (\"add to topic\")")
            .WithIfMatch().Produces<DraftView>().Produces<ProblemsResponse>(StatusCodes.Status400BadRequest);
        api.MapGet("/draft/confusion", ConfusionAsync).WithSummary("Cross-validation: which topics the recogniser confuses");
        api.MapPost("/draft/try", TryAsync).WithSummary("A Direct Line token for a Web Chat conversation that runs on the draft")
            .Produces<DirectLineApi.WebChatSession>().Produces<ProblemsResponse>(StatusCodes.Status400BadRequest);
    }

    public sealed record DraftView([property: System.Text.Json.Serialization.JsonPropertyName("etag")] string ETag, long Revision, string SavedBy, DateTimeOffset? SavedAt, JsonElement Playbook, IReadOnlyList<LintProblem> Problems);

    public sealed record UtteranceBody(string? Text);

    private static DraftView View(Draft draft, IReadOnlyList<LintProblem> problems) =>
        new(draft.ETag, draft.Revision, draft.SavedBy, draft.Revision == 0 ? null : draft.SavedAt, AsJson(draft.Json), problems);

    private static async Task<IResult> GetAsync(HttpResponse response, IPlaybookDrafts drafts, CancellationToken cancellationToken)
    {
        var draft = await drafts.GetAsync(cancellationToken);
        response.Headers.ETag = draft.ETag;
        return Json(View(draft, PlaybookLint.Check(draft.Json).Problems));
    }

    private static async Task<IResult> SaveAsync(HttpRequest request, ClaimsPrincipal user, IPlaybookDrafts drafts, CancellationToken cancellationToken)
    {
        var (text, error) = await ReadTextAsync(request, cancellationToken);
        return error ?? await SaveCheckedAsync(request, user, drafts, _ => text!, cancellationToken);
    }

    private static async Task<IResult> ExportAsync(IPlaybookDrafts drafts, CancellationToken cancellationToken)
    {
        var draft = await drafts.GetAsync(cancellationToken);
        return Results.File(System.Text.Encoding.UTF8.GetBytes(draft.Json), "application/json", $"playbook-draft-{draft.Revision}.json");
    }

    private static async Task<IResult> ExportUtterancesAsync(IPlaybookDrafts drafts, CancellationToken cancellationToken)
    {
        var draft = await drafts.GetAsync(cancellationToken);
        if (PlaybookLint.Check(draft.Json).Playbook is not { } playbook)
        {
            return ApiErrors.BadRequest("The draft does not parse; fix it before exporting its utterances.");
        }
        return Results.File(System.Text.Encoding.UTF8.GetBytes(UtterancesCsv.Export(playbook)), "text/csv", "utterances.csv");
    }

    private static async Task<IResult> ImportUtterancesAsync(HttpRequest request, ClaimsPrincipal user, IPlaybookDrafts drafts, CancellationToken cancellationToken)
    {
        var (csv, error) = await ReadTextAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        IReadOnlyList<string> csvProblems = [];
        var result = await SaveCheckedAsync(request, user, drafts, json =>
        {
            var (imported, problems) = UtterancesCsv.Import(json, csv!);
            csvProblems = problems;
            return imported;
        }, cancellationToken);
        return csvProblems.Count > 0
            ? Invalid("The CSV has problems; nothing was saved.", csvProblems.Select(p => new LintProblem("csv", p, LintProblem.Error, "csv")).ToList())
            : result;
    }

    private static async Task<IResult> AddUtteranceAsync(string topicId, UtteranceBody body, HttpRequest request, ClaimsPrincipal user, IPlaybookDrafts drafts,
        CancellationToken cancellationToken)
    {
        if (body.Text?.Trim() is not { Length: > 0 and <= MaxUtterance } text)
        {
            return ApiErrors.BadRequest($"text is required, at most {MaxUtterance} characters.");
        }
        var missing = false;
        var result = await SaveCheckedAsync(request, user, drafts, json =>
        {
            var document = AsObject(json);
            var topic = (document["topics"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(t => t["id"]?.GetValue<string>() == topicId);
            if (topic is null)
            {
                missing = true;
                return null;
            }
            if (topic["utterances"] is not JsonArray utterances)
            {
                topic["utterances"] = utterances = [];
            }
            utterances.Add(text);
            return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        }, cancellationToken);
        return missing ? ApiErrors.NotFound($"The draft has no topic '{topicId}'.") : result;
    }

    private static async Task<IResult> ConfusionAsync(IPlaybookDrafts drafts, ConfusionChecks checks, CancellationToken cancellationToken)
    {
        var draft = await drafts.GetAsync(cancellationToken);
        if (PlaybookLint.Check(draft.Json).Playbook is not { } playbook)
        {
            return ApiErrors.BadRequest("The draft does not parse; fix it first.");
        }
        var confusions = await checks.MeasureAsync(playbook, draft.Json, cancellationToken);
        return Json(new { etag = draft.ETag, reportedShare = ConfusionReport.ReportedShare, confusions, problems = ConfusionReport.Warnings(playbook, confusions).ToList() });
    }

    private static async Task<IResult> TryAsync(ClaimsPrincipal user, IPlaybookDrafts drafts, DraftConversations conversations, DirectLineTokens tokens,
        CancellationToken cancellationToken)
    {
        var draft = await drafts.GetAsync(cancellationToken);
        var (playbook, problems) = PlaybookLint.Check(draft.Json);
        if (playbook is null)
        {
            return Invalid("The draft has errors; fix them to try it.", problems);
        }
        var conversationId = await conversations.OpenAsync(playbook, draft.Json, draft.Revision);
        var userId = "dl_" + Guid.NewGuid().ToString("N");
        var name = user.FindFirstValue(ClaimTypes.GivenName) ?? Who(user);
        return Results.Json(new DirectLineApi.WebChatSession(conversationId, tokens.Issue(conversationId, userId, name), (int)DirectLineTokens.Lifetime.TotalSeconds, userId),
            Dialogs.Schema.BotJson.Options);
    }

    /// <summary>Applies <paramref name="change"/> to the draft the request's If-Match names, checks the result and saves
    /// it only when it has no errors and nobody saved in between. <paramref name="change"/> answers null to stop.</summary>
    private static async Task<IResult> SaveCheckedAsync(HttpRequest request, ClaimsPrincipal user, IPlaybookDrafts drafts, Func<string, string?> change,
        CancellationToken cancellationToken)
    {
        var (basedOn, error) = IfMatch(request);
        if (error is not null)
        {
            return error;
        }
        var current = await drafts.GetAsync(cancellationToken);
        if (current.Revision != basedOn)
        {
            return Conflict(current);
        }
        if (change(current.Json) is not { } json)
        {
            return ApiErrors.BadRequest("Nothing was changed.");
        }
        var (_, problems) = PlaybookLint.Check(json);
        if (problems.Any(p => p.Severity == LintProblem.Error))
        {
            return Invalid("The playbook has errors; nothing was saved.", problems);
        }
        // Checked again inside the write: someone may have saved while this one was being checked.
        if (await drafts.SaveAsync(json, basedOn!.Value, Who(user)) is not { } saved)
        {
            return Conflict(await drafts.GetAsync(cancellationToken));
        }
        request.HttpContext.Response.Headers.ETag = saved.ETag;
        return Json(View(saved, problems));
    }
}
