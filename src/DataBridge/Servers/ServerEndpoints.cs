using System.Net;
using System.Text.Json;

namespace DataBridge.Servers;

/// <summary>What clients are told: the advertised host of a server and the JSON of its run-header entry.</summary>
internal static class ServerEndpoints
{
    /// <summary>The host clients connect to: the configured one, else the bind address, else (wildcard) this machine's name.</summary>
    public static string AdvertisedHost(ServerOptions options) =>
        options.AdvertisedHost is { Length: > 0 } host ? host
        : options.BindAddress.Equals(IPAddress.Any) || options.BindAddress.Equals(IPAddress.IPv6Any) ? Dns.GetHostName()
        : options.BindAddress.ToString();

    /// <summary>The raw JSON value of a run-header entry (section 3, Endpoints).</summary>
    public static string Json(string host, int port, string token, int? partitions)
    {
        using var buffer = new MemoryStream(160);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("host", host);
            json.WriteNumber("port", port);
            if (partitions is { } count)
            {
                json.WriteNumber("partitions", count);
            }

            json.WriteString("token", token);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
