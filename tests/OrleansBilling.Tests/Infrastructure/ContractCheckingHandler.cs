namespace OrleansBilling.Tests.Infrastructure;

/// <summary>
/// Sits under every test client of the service and checks each answer against the service's OpenAPI
/// document, as a validating proxy would: an answer the document does not describe fails the test that
/// caused it, whatever that test asserts itself. With <paramref name="checkRequests"/> it checks the
/// requests the API accepted too.
/// </summary>
public sealed class ContractCheckingHandler(Uri baseAddress, bool checkRequests = false, HttpMessageHandler? inner = null) : DelegatingHandler(inner ?? new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? requestBody = null;
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken);
            requestBody = await request.Content.ReadAsStringAsync(cancellationToken);
        }

        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var responseBody = await response.Content.ReadAsStringAsync(cancellationToken);
        if (responseBody.Length == 0 && response.Headers.ConnectionClose == true)
        {
            // Kestrel refused the request itself (a NUL in the path): a transport-level refusal, before the API.
            return response;
        }

        var contract = await OpenApiContract.OfAsync(baseAddress);
        var problems = contract.Check(
            request.Method.Method, request.RequestUri!.AbsolutePath, request.Content?.Headers.ContentType?.MediaType, requestBody,
            (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, responseBody, checkRequests);
        if (problems.Count > 0)
        {
            throw new OpenApiContractException($"{request.Method} {request.RequestUri.PathAndQuery}: {string.Join(" | ", problems)}");
        }

        return response;
    }
}

/// <summary>An exchange the OpenAPI document does not describe.</summary>
public sealed class OpenApiContractException(string message) : Exception(message);
