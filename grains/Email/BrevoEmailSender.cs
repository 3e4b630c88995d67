using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Polly.Timeout;

namespace OrleansBilling.Grains.Email;

/// <summary>
/// The email port on Brevo's transactional API (<c>POST smtp/email</c>), as a typed client: the
/// factory's HttpClient has Brevo's <c>…/v3/</c> base address and the <c>api-key</c> header (see
/// <see cref="Configure"/>) and <see cref="BrevoResilience"/> on its handler. Brevo's JSON stays in
/// this class; its refusals become <see cref="EmailSendException"/>.
/// </summary>
public sealed class BrevoEmailSender(HttpClient http) : IEmailSender
{
    public const string ApiKeyHeader = "api-key";

    private static readonly Uri SendEmail = new("smtp/email", UriKind.Relative);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Points a client at Brevo: <paramref name="baseAddress"/> ends in <c>/v3/</c>; the key goes in every request.</summary>
    public static void Configure(HttpClient client, Uri baseAddress, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(baseAddress);
        client.BaseAddress = baseAddress;
        client.DefaultRequestHeaders.Add(ApiKeyHeader, apiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public async Task<EmailReceipt> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrWhiteSpace(message.IdempotencyKey);
        try
        {
            using var response = await http.PostAsJsonAsync(SendEmail, RequestOf(message), Json, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var sent = await response.Content.ReadFromJsonAsync<SentEmail>(Json, cancellationToken);
                var messageId = sent?.MessageId ?? sent?.MessageIds?.FirstOrDefault()
                    ?? throw new EmailSendException($"Brevo accepted the email ({(int)response.StatusCode}) but named no messageId.", transient: false);
                return new EmailReceipt(messageId);
            }

            var error = await ErrorOf(response, cancellationToken);
            throw new EmailSendException(
                $"Brevo refused the email ({(int)response.StatusCode}, {error?.Code ?? "error"}): {error?.Message ?? response.ReasonPhrase}",
                IsTransient(response.StatusCode));
        }
        catch (HttpRequestException ex)
        {
            throw new EmailSendException($"Brevo could not be reached: {ex.Message}", transient: true, ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new EmailSendException("Brevo did not answer in time.", transient: true, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmailSendException("Brevo did not answer in time.", transient: true, ex);
        }
        catch (JsonException ex)
        {
            throw new EmailSendException($"Brevo accepted the email but its answer was not the JSON expected: {ex.Message}", transient: false, ex);
        }
    }

    /// <summary>Rate limits, server errors and timeouts pass; a request Brevo refuses (400, 401, 402, 403, 404) will be refused again.</summary>
    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError;

    private static SendEmailRequest RequestOf(EmailMessage message) => new(
        [new Recipient(message.ToEmail, string.IsNullOrEmpty(message.ToName) ? null : message.ToName)],
        message.TemplateId,
        message.Params.Count == 0 ? null : message.Params,
        message.Tags.Count == 0 ? null : message.Tags,
        new Dictionary<string, string> { ["idempotencyKey"] = message.IdempotencyKey });

    private static async Task<BrevoError?> ErrorOf(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<BrevoError>(Json, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            // A proxy's HTML error page, say: the status code tells enough.
            return null;
        }
    }

    private sealed record SendEmailRequest(
        IReadOnlyList<Recipient> To,
        long TemplateId,
        IReadOnlyDictionary<string, string>? Params,
        IReadOnlyList<string>? Tags,
        IReadOnlyDictionary<string, string> Headers);

    private sealed record Recipient(string Email, string? Name);

    private sealed record SentEmail(string? MessageId, IReadOnlyList<string>? MessageIds);

    private sealed record BrevoError(string? Code, string? Message);
}
