using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OrleansBilling.Gateway.Hosting;

/// <summary>
/// The Data Protection key ring in PostgreSQL (<c>billing.data_protection_keys</c>), for every silo and gateway
/// of a deployment: a console cookie or antiforgery token issued by one replica is read by the others and
/// outlives restarts (the default, a folder in the container, is neither shared nor writable on a read-only
/// root filesystem). The keys are stored as Data Protection writes them; whoever reads the database could
/// forge console cookies, so the database is as secret as the Secrets that name it.
/// </summary>
public sealed class PostgresKeyRing(NpgsqlDataSource database) : IXmlRepository
{
    /// <summary>The application name every replica shares, so their protectors agree.</summary>
    public const string ApplicationName = "orleans-billing";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = database.CreateCommand("SELECT xml FROM billing.data_protection_keys ORDER BY stored_at");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = database.CreateCommand(
            "INSERT INTO billing.data_protection_keys (friendly_name, xml) VALUES ($1, $2) ON CONFLICT (friendly_name) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }

    /// <summary>Keeps the key ring in the database the process already uses.</summary>
    public static void Use(IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = new PostgresKeyRing(sp.GetRequiredService<NpgsqlDataSource>())));
    }
}
