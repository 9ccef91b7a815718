using System.Security.Claims;
using System.Text;
using System.Text.Json;
using SupportBot.Admin.Drafts;
using SupportBot.Admin.Lint;

namespace SupportBot.Admin;

/// <summary>What the admin API's handlers share: reading bodies and If-Match, and its answers.</summary>
internal static class AdminRequests
{
    public const int MaxDocumentBytes = 1024 * 1024;

    public sealed record ProblemsResponse(ErrorBody Error, IReadOnlyList<LintProblem> Problems);

    public sealed record ErrorBody(string Code, string Message);

    public static string Who(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    /// <summary>400 with every problem and its JSON path; nothing was saved.</summary>
    public static IResult Invalid(string message, IReadOnlyList<LintProblem> problems) =>
        Results.Json(new ProblemsResponse(new ErrorBody("BadArgument", message), problems), JsonSerializerOptions.Web, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>The draft revision the request's If-Match names, or the answer to give when it names none.</summary>
    public static (long? Revision, IResult? Error) IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return (null, Channels.ApiErrors.Error(StatusCodes.Status428PreconditionRequired, "PreconditionRequired",
                "Send If-Match with the draft's ETag (from GET /api/admin/draft), so a save never overwrites someone else's."));
        }
        return Draft.RevisionOf(header) is { } revision
            ? (revision, null)
            : (null, Channels.ApiErrors.BadRequest($"If-Match '{header}' is not an ETag this server gave out."));
    }

    /// <summary>412 naming who saved in between: reload, redo the change, save again.</summary>
    public static IResult Conflict(Draft current) => Results.Json(new
    {
        error = new ErrorBody("PreconditionFailed", $"{(current.SavedBy.Length > 0 ? current.SavedBy : "Someone")} saved the draft after you loaded it. Reload it, redo your change and save again."),
        etag = current.ETag,
        savedBy = current.SavedBy,
        savedAt = current.SavedAt,
    }, JsonSerializerOptions.Web, statusCode: StatusCodes.Status412PreconditionFailed);

    /// <summary>The body as text, at most <see cref="MaxDocumentBytes"/>; an error answer otherwise.</summary>
    public static async Task<(string? Text, IResult? Error)> ReadTextAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxDocumentBytes)
        {
            return (null, Channels.ApiErrors.TooLarge(MaxDocumentBytes));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes)
            {
                return (null, Channels.ApiErrors.TooLarge(MaxDocumentBytes));
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            // Files saved by editors and spreadsheets often start with a byte order mark; it is not content.
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.ToArray()).TrimStart('\uFEFF'), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, Channels.ApiErrors.BadRequest("The body is not valid UTF-8."));
        }
    }

    /// <summary>What the playbook loader accepts besides plain JSON: comments and trailing commas.</summary>
    public static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static JsonElement AsJson(string json)
    {
        using var document = JsonDocument.Parse(json, Lenient);
        return document.RootElement.Clone();
    }

    public static System.Text.Json.Nodes.JsonObject AsObject(string json) => System.Text.Json.Nodes.JsonNode.Parse(json, documentOptions: Lenient)!.AsObject();

    public static IResult Json(object value, int status = StatusCodes.Status200OK) => Results.Json(value, JsonSerializerOptions.Web, statusCode: status);
}
