using System.Security.Cryptography;
using System.Text;

namespace DataBridge.Internal;

/// <summary>The code hash of the run header: SHA-256 of the UTF-8 code text, lowercase hex (as Python's <c>hexdigest()</c>).</summary>
internal static class CodeHash
{
    /// <summary>Hashes <paramref name="code"/>; also returns its UTF-8 length for the size check.</summary>
    public static string Compute(string code, out int utf8Length)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(code);
        utf8Length = bytes.Length;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        return string.Create(64, hash.ToArray(), static (chars, digest) =>
        {
            const string Digits = "0123456789abcdef";
            for (int i = 0; i < digest.Length; i++)
            {
                chars[2 * i] = Digits[digest[i] >> 4];
                chars[(2 * i) + 1] = Digits[digest[i] & 0xF];
            }
        });
    }
}
