namespace SupportBot.Channels.DirectLine;

/// <summary>A file a customer attached in web chat.</summary>
public sealed record Upload(string Name, string ContentType, byte[] Content);

/// <summary>Files customers attach in web chat, served from unguessable URLs (from any instance, with the Blob provider).</summary>
public interface IUploads
{
    /// <summary>Stores the file and answers its new id.</summary>
    Task<string> SaveAsync(string conversationId, Upload upload, CancellationToken cancellationToken);

    Task<Upload?> FindAsync(string id, CancellationToken cancellationToken);

    static async Task<Upload> ReadAsync(IFormFile file, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream();
        await file.CopyToAsync(content, cancellationToken);
        return new Upload(Path.GetFileName(file.FileName), string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType, content.ToArray());
    }

    static async Task<IResult> ServeAsync(string id, IUploads uploads, HttpResponse response, CancellationToken cancellationToken)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        if (await uploads.FindAsync(id, cancellationToken) is not { } upload)
        {
            return ApiErrors.NotFound("No such attachment.");
        }
        // Only images are shown inline; anything else downloads, so an uploaded page never runs on our origin.
        var type = upload.ContentType;
        var inline = type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && !type.Contains("svg", StringComparison.OrdinalIgnoreCase);
        return Results.File(upload.Content, inline ? type : "application/octet-stream", inline ? null : upload.Name);
    }
}
