using Microsoft.AspNetCore.Mvc;

namespace OrleansBilling.Gateway.SupportConsole;

/// <summary>A minimal-API result (a shared problem) answered from a page handler.</summary>
internal sealed class ResultAdapter(IResult result) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
}
