// The yardstick for the entitlements benchmark: Kestrel answering the same JSON from memory,
// with no authentication and no grain call. Whatever the service adds is measured against this.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var body = await File.ReadAllBytesAsync(builder.Configuration["body"] ?? throw new InvalidOperationException("--body <file> is required"));

var app = builder.Build();
app.MapGet("/v1/customers/{customerId}/entitlements", (string customerId) => Results.Bytes(body, "application/json; charset=utf-8"));
await app.RunAsync();
