using System.Security.Claims;
using SupportBot.Admin.Drafts;
using SupportBot.Admin.Lint;
using SupportBot.Admin.Publishing;
using SupportBot.Channels;
using SupportBot.Playbooks;
using static SupportBot.Admin.AdminRequests;

namespace SupportBot.Admin.Versions;

/// <summary>Publishing the draft as a new version, the history with each version's changes, and rolling back.</summary>
public static class VersionsApi
{
    public const int MaxNote = 500;

    public static void MapVersionsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/publish", PublishAsync).WithSummary("Publish the draft you reviewed (If-Match) as a new version; customers switch once it is trained")
            .WithIfMatch().Produces(StatusCodes.Status202Accepted).Produces<ProblemsResponse>(StatusCodes.Status400BadRequest);
        api.MapGet("/versions", ListAsync).WithSummary("Every published version, newest first, with who, when and what changed");
        api.MapGet("/versions/{number:int}", GetAsync).WithSummary("One version's playbook and changes");
        api.MapPost("/versions/{number:int}/rollback", RollbackAsync).WithSummary("Publish an earlier version again, as a new version");
        api.MapGet("/status", Status).WithSummary("The version customers are on and the one being trained");
    }

    public sealed record PublishBody(string? Note);

    public sealed record VersionSummary(int Number, string PublishedBy, DateTimeOffset PublishedAt, string Note, IReadOnlyList<PlaybookChange> Changes);

    public sealed record LiveStatus(int LiveVersion, int RequestedVersion, bool Training);

    private static VersionSummary Summary(PlaybookVersion v) => new(v.Number, v.PublishedBy, v.PublishedAt, v.Note, v.Changes);

    private static LiveStatus Live(LivePublisher publisher) =>
        new(publisher.LiveVersion, publisher.RequestedVersion, publisher.RequestedVersion != publisher.LiveVersion);

    private static async Task<IResult> PublishAsync(PublishBody? body, HttpRequest request, ClaimsPrincipal user, IPlaybookDrafts drafts, IPlaybookVersions versions,
        LivePublisher publisher, PlaybookHost host, CancellationToken cancellationToken)
    {
        var (basedOn, error) = IfMatch(request);
        if (error is not null)
        {
            return error;
        }
        if (body?.Note is { Length: > MaxNote })
        {
            return ApiErrors.BadRequest($"note is longer than {MaxNote} characters.");
        }
        var draft = await drafts.GetAsync(cancellationToken);
        if (draft.Revision != basedOn)
        {
            return Conflict(draft); // publish what the admin reviewed, not what someone saved since
        }
        var (_, problems) = PlaybookLint.Check(draft.Json);
        if (problems.Any(p => p.Severity == LintProblem.Error))
        {
            return Invalid("The draft has errors, so it cannot be published.", problems);
        }
        var version = await versions.AddAsync(draft.Json, Who(user), body?.Note?.Trim() is { Length: > 0 } note ? note : $"Draft revision {draft.Revision}", host.CurrentJson);
        _ = publisher.SwitchTo(version);
        return Json(new { version = Summary(version), status = Live(publisher), problems }, StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(IPlaybookVersions versions, LivePublisher publisher, CancellationToken cancellationToken) =>
        Json(new { status = Live(publisher), versions = (await versions.ListAsync(cancellationToken)).Select(Summary) });

    private static async Task<IResult> GetAsync(int number, IPlaybookVersions versions, CancellationToken cancellationToken) =>
        await versions.GetAsync(number, cancellationToken) is { } version
            ? Json(new { version = Summary(version), playbook = AsJson(version.Json) })
            : ApiErrors.NotFound($"There is no version {number}.");

    private static async Task<IResult> RollbackAsync(int number, ClaimsPrincipal user, IPlaybookVersions versions, LivePublisher publisher, PlaybookHost host,
        CancellationToken cancellationToken)
    {
        if (await versions.GetAsync(number, cancellationToken) is not { } earlier)
        {
            return ApiErrors.NotFound($"There is no version {number}.");
        }
        var version = await versions.AddAsync(earlier.Json, Who(user), $"Rolled back to version {number}", host.CurrentJson);
        _ = publisher.SwitchTo(version);
        return Json(new { version = Summary(version), status = Live(publisher) }, StatusCodes.Status202Accepted);
    }

    private static IResult Status(LivePublisher publisher) => Json(Live(publisher));
}
