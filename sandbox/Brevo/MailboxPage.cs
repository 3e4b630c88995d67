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

        html.Append("<table><tr><th>Received</th><th>To</th><th>Template</th><th>Parameters</th></tr>");
        foreach (var email in emails.Reverse())
        {
            html.Append("<tr><td>").Append(HtmlPage.Date(email.ReceivedAt)).Append("</td><td>");
            html.AppendJoin("<br>", email.To.Select(to => HtmlPage.Encode(to.Name is null ? to.Email : $"{to.Name} <{to.Email}>")));
            // The service tags each email with its lifecycle moment first: the template by name, its Brevo id beside it.
            html.Append("</td><td class=\"template\">");
            html.Append(email.Tags.Count > 0 ? $"<strong>{HtmlPage.Encode(email.Tags[0])}</strong>" : HtmlPage.Encode(email.Subject ?? ""));
            html.Append(email.TemplateId is { } id ? $" <small>template #{id}</small>" : "");
            if (email.Tags.Count > 1)
            {
                html.Append("<br><small>").Append(HtmlPage.Encode(string.Join(", ", email.Tags.Skip(1)))).Append("</small>");
            }

            html.Append("</td><td><dl class=\"params\">");
            foreach (var (name, value) in email.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                html.Append("<dt>").Append(HtmlPage.Encode(name.Replace('_', ' '))).Append("</dt><dd>")
                    .Append(value.Length == 0 ? "<em>empty</em>" : HtmlPage.Encode(value)).Append("</dd>");
            }

            html.Append("</dl><small><code>").Append(HtmlPage.Encode(email.MessageId)).Append("</code></small></td></tr>");
        }

        html.Append("</table>");
        return html.ToString();
    }
}
