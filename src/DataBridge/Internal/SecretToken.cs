using System.Security.Cryptography;
using System.Text;

namespace DataBridge.Internal;

/// <summary>
/// The bridge's secret: 32 random bytes, as 64 uppercase hex characters. It reaches the daemon through an
/// environment variable (never the command line), travels in every worker handshake, and is compared in
/// constant time wherever it comes back.
/// </summary>
internal sealed class SecretToken
{
    private readonly byte[] _ascii;

    private SecretToken(string hex)
    {
        Hex = hex;
        _ascii = Encoding.ASCII.GetBytes(hex);
    }

    /// <summary>The token as hex text (what the daemon receives).</summary>
    public string Hex { get; }

    /// <summary>The token as ASCII bytes (what the handshake sends).</summary>
    public ReadOnlyMemory<byte> Ascii => _ascii;

    /// <summary>Creates a token from the system's cryptographic random generator.</summary>
    public static SecretToken Create() => new(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));

    /// <summary>Creates a token from known text (tests).</summary>
    public static SecretToken FromHex(string hex) => new(hex);

    /// <summary>Whether <paramref name="candidate"/> is this token, in time independent of where they differ.</summary>
    public bool Matches(string? candidate)
    {
        if (candidate is null)
        {
            return false;
        }

        byte[] other = Encoding.UTF8.GetBytes(candidate);
        return CryptographicOperations.FixedTimeEquals(_ascii, other);
    }

    /// <inheritdoc />
    public override string ToString() => "(secret)";
}
