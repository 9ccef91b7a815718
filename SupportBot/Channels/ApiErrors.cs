using SupportBot.Dialogs.Schema;

namespace SupportBot.Channels;

/// <summary>Bot Framework error answers: <c>{"error":{"code","message"}}</c> with the matching status.</summary>
public static class ApiErrors
{
    public static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, "BadArgument", message);

    public static IResult Unauthorized(string message) => Error(StatusCodes.Status401Unauthorized, "Unauthorized", message);

    public static IResult Forbidden(string message) => Error(StatusCodes.Status403Forbidden, "Forbidden", message);

    public static IResult NotFound(string message) => Error(StatusCodes.Status404NotFound, "NotFound", message);

    public static IResult TooLarge(int limit) => Error(StatusCodes.Status413PayloadTooLarge, "MessageSizeTooBig", $"The request body is larger than the limit of {limit} bytes.");

    public static IResult UnsupportedMediaType(string? contentType) => Error(StatusCodes.Status415UnsupportedMediaType, "BadArgument", $"Expected application/json, got '{contentType}'.");

    public static IResult Unavailable(string message) => Error(StatusCodes.Status503ServiceUnavailable, "ServiceError", message);

    public static IResult Error(int status, string code, string message) => Results.Json(ErrorResponse.Of(code, message), BotJson.Options, statusCode: status);
}
