using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;

namespace AccesoDescargas.Features.Portal;

/// <summary>
/// The receptor cookie's format, with what it unprotects kept for a minute by the cookie's exact value:
/// a receptor downloading a page of files sends the same cookie on every request, and decrypting and
/// deserializing it was the largest part of a download's authentication.
/// <para>
/// Nothing is trusted longer than it would be without the cache: the value is the same authenticated
/// ciphertext, the cookie handler still checks the ticket's expiry on every request, and the session's
/// security stamp is still checked on every request (<see cref="SellosPortal"/>). Only a cookie that
/// unprotected is kept; each request gets its own copy of the ticket (principal and properties), so
/// nothing one request does to what it was handed reaches the next. A key revoked in the key ring stops its cookies here
/// within <see cref="Vigencia"/>.
/// </para>
/// </summary>
internal sealed class BoletosEnCache(ISecureDataFormat<AuthenticationTicket> formato, TimeProvider tiempo) : ISecureDataFormat<AuthenticationTicket>
{
    public static readonly TimeSpan Vigencia = TimeSpan.FromMinutes(1);
    private const int Maximo = 10_000;

    private readonly ConcurrentDictionary<string, (AuthenticationTicket Boleto, long Hasta)> cache = new(StringComparer.Ordinal);

    public string Protect(AuthenticationTicket data) => formato.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => formato.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        // A purpose (TLS token binding) is part of what is checked: those are not cached.
        if (protectedText is null || purpose is not null) return formato.Unprotect(protectedText, purpose);

        var ahora = tiempo.GetTimestamp();
        if (cache.TryGetValue(protectedText, out var e) && e.Hasta >= ahora) return e.Boleto.Clone();

        var boleto = formato.Unprotect(protectedText);
        if (boleto is null) return null;
        if (cache.Count >= Maximo) cache.Clear(); // a bound, not an eviction policy: refilling is one decryption per session
        cache[protectedText] = (boleto, ahora + (long)(Vigencia.TotalSeconds * tiempo.TimestampFrequency));
        return boleto.Clone();
    }
}
