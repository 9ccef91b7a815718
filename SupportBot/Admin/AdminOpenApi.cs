using Microsoft.OpenApi;

namespace SupportBot.Admin;

/// <summary>What the OpenAPI document cannot see for itself: bodies the handlers read raw (so a broken document still
/// gets its problems listed, not a binding error) and the If-Match header every change to the draft needs.</summary>
internal static class AdminOpenApi
{
    public static RouteHandlerBuilder WithBody(this RouteHandlerBuilder route, string contentType, string description) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() },
            };
            return Task.CompletedTask;
        });

    /// <summary>Needs If-Match with the draft's ETag: 412 when someone saved since, 428 without it.</summary>
    public static RouteHandlerBuilder WithIfMatch(this RouteHandlerBuilder route) =>
        route.Produces(StatusCodes.Status412PreconditionFailed).Produces(StatusCodes.Status428PreconditionRequired)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-Match",
                    In = ParameterLocation.Header,
                    Required = true,
                    Description = "The draft's ETag, from GET /api/admin/draft or the last save.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
                return Task.CompletedTask;
            });
}
