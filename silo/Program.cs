using OrleansBilling.Silo;
using OrleansBilling.Silo.Database;

// `dotnet run --project silo -- migrate` applies the database migrations and exits.
if (args.FirstOrDefault() == "migrate")
{
    return Migrations.RunCommand(args[1..]);
}

// `dotnet run --project silo -- hash-password` reads a password from standard input and prints the hash a
// console account is configured with (Billing:Console:Accounts:<person>:PasswordHash).
if (args.FirstOrDefault() == "hash-password")
{
    var password = Console.IsInputRedirected ? Console.In.ReadLine() : ReadHidden();
    if (string.IsNullOrEmpty(password))
    {
        await Console.Error.WriteLineAsync("Type the password on standard input (one line).");
        return 2;
    }

    Console.WriteLine(OrleansBilling.Gateway.SupportConsole.ConsoleSignIn.Hash(password));
    return 0;
}

await BillingHost.Build(args).RunAsync();
return 0;

// A password typed at a terminal is not shown.
static string ReadHidden()
{
    Console.Error.Write("Password: ");
    var typed = new System.Text.StringBuilder();
    for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
    {
        if (key.Key == ConsoleKey.Backspace && typed.Length > 0)
        {
            typed.Length--;
        }
        else if (!char.IsControl(key.KeyChar))
        {
            typed.Append(key.KeyChar);
        }
    }

    Console.Error.WriteLine();
    return typed.ToString();
}
