using System.Text;
using OrleansBilling.Sandbox.Pages;

namespace OrleansBilling.Sandbox.Brevo;

/// <summary>The mailbox page: every email the Brevo emulator accepted, newest first.</summary>
internal static class MailboxPage
{
    public static string Body(IReadOnlyList<SandboxEmail> emails)
    {
        var html = new StringBuilder();
        html.Append("<h1>Mailbox</h1>");
        if (emails.Count == 0)
        {
            html.Append("<p>No email yet.</p>");
            return html.ToString();
        }

        html.Append("<table><tr><th>Received</th><th>To</th><th>Template</th><th>Params and tags</th></tr>");
        foreach (var email in emails.Reverse())
        {
            html.Append("<tr><td>").Append(HtmlPage.Date(email.ReceivedAt)).Append("</td><td>");
            html.AppendJoin("<br>", email.To.Select(to => HtmlPage.Encode(to.Name is null ? to.Email : $"{to.Name} <{to.Email}>")));
            html.Append("</td><td>").Append(email.TemplateId is { } id ? $"#{id}" : HtmlPage.Encode(email.Subject)).Append("</td><td>");
            html.AppendJoin("<br>", email.Params.Select(p => $"{HtmlPage.Encode(p.Key)} = {HtmlPage.Encode(p.Value)}"));
            if (email.Tags.Count > 0)
            {
                html.Append("<br><small>").Append(HtmlPage.Encode(string.Join(", ", email.Tags))).Append("</small>");
            }

            html.Append("<br><small><code>").Append(HtmlPage.Encode(email.MessageId)).Append("</code></small></td></tr>");
        }

        html.Append("</table>");
        return html.ToString();
    }
}
