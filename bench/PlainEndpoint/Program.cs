// The yardstick for the entitlements benchmark: Kestrel answering the same response from memory
// (the body, and the ETag and Cache-Control the service sent with it), with no authentication, no
// grain call, no serialization and no hashing. Whatever the service adds is measured against this.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var body = await File.ReadAllBytesAsync(builder.Configuration["body"] ?? throw new InvalidOperationException("--body <file> is required"));
var etag = builder.Configuration["etag"];
var cacheControl = builder.Configuration["cache-control"];

var app = builder.Build();
app.MapGet("/v1/customers/{customerId}/entitlements", (string customerId, HttpResponse response) =>
{
    if (etag is not null)
    {
        response.Headers.ETag = etag;
    }

    if (cacheControl is not null)
    {
        response.Headers.CacheControl = cacheControl;
    }

    return Results.Bytes(body, "application/json");
});
await app.RunAsync();
