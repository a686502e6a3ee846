using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Cryptography.KeyDerivation;

namespace AccesoDescargas.Contrasenas;

public enum VerificacionContrasena { Fallida, Correcta, CorrectaRequiereRehash }

/// <summary>
/// PBKDF2 hashes stored as <c>version$prf$iteraciones$sal$hash</c> (Base64), so that every stored
/// hash says how to check it and the cost can rise later without invalidating old ones.
/// Thread-safe: registered as a singleton.
/// </summary>
public sealed class ContrasenaHasher
{
    public const int IteracionesMinimas = 210_000;

    private const string VersionActual = "v2", PrfActual = "sha512";
    private const string VersionAnterior = "v1", PrfAnterior = "sha256";
    private const int IteracionesAnteriores = 100_000;
    private const int BytesSal = 16, BytesHash = 32;
    // A tampered iteration count must not turn one login attempt into minutes of CPU.
    private const int IteracionesMaximas = 10_000_000;

    private readonly int _iteraciones;
    private long _derivaciones;

    /// <summary>PBKDF2 derivations computed so far (hashes and verifications): what sign-in attempts cost in CPU.</summary>
    public long Derivaciones => Interlocked.Read(ref _derivaciones);

    public ContrasenaHasher(int iteraciones = IteracionesMinimas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iteraciones, IteracionesMinimas);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iteraciones, IteracionesMaximas);
        _iteraciones = iteraciones;
    }

    public string Hash(string contrasena)
    {
        Interlocked.Increment(ref _derivaciones);
        return Formatear(VersionActual, PrfActual, KeyDerivationPrf.HMACSHA512, _iteraciones, contrasena);
    }

    /// <summary>The v1 format (HMAC-SHA256, 100,000 iterations) that hashes from before v2 use.</summary>
    public static string HashFormatoAnterior(string contrasena) =>
        Formatear(VersionAnterior, PrfAnterior, KeyDerivationPrf.HMACSHA256, IteracionesAnteriores, contrasena);

    public VerificacionContrasena Verificar(string? hash, string contrasena)
    {
        if (string.IsNullOrEmpty(hash) || contrasena is null) return VerificacionContrasena.Fallida;

        var partes = hash.Split('$');
        if (partes.Length != 5) return VerificacionContrasena.Fallida;

        KeyDerivationPrf prf;
        if (partes[0] == VersionActual && partes[1] == PrfActual) prf = KeyDerivationPrf.HMACSHA512;
        else if (partes[0] == VersionAnterior && partes[1] == PrfAnterior) prf = KeyDerivationPrf.HMACSHA256;
        else return VerificacionContrasena.Fallida;

        if (!int.TryParse(partes[2], NumberStyles.None, CultureInfo.InvariantCulture, out var iteraciones)
            || iteraciones < 1 || iteraciones > IteracionesMaximas)
            return VerificacionContrasena.Fallida;

        var sal = DeBase64(partes[3]);
        var esperado = DeBase64(partes[4]);
        if (sal is null || sal.Length < BytesSal || esperado is null || esperado.Length != BytesHash)
            return VerificacionContrasena.Fallida;

        Interlocked.Increment(ref _derivaciones);
        var calculado = KeyDerivation.Pbkdf2(contrasena, sal, prf, iteraciones, BytesHash);
        if (!CryptographicOperations.FixedTimeEquals(calculado, esperado))
            return VerificacionContrasena.Fallida;

        return partes[0] == VersionActual && iteraciones >= _iteraciones
            ? VerificacionContrasena.Correcta
            : VerificacionContrasena.CorrectaRequiereRehash;
    }

    private static string Formatear(string version, string nombrePrf, KeyDerivationPrf prf, int iteraciones, string contrasena)
    {
        ArgumentNullException.ThrowIfNull(contrasena);
        var sal = RandomNumberGenerator.GetBytes(BytesSal);
        var subclave = KeyDerivation.Pbkdf2(contrasena, sal, prf, iteraciones, BytesHash);
        return string.Join('$', version, nombrePrf, iteraciones.ToString(CultureInfo.InvariantCulture),
            Convert.ToBase64String(sal), Convert.ToBase64String(subclave));
    }

    private static byte[]? DeBase64(string texto)
    {
        var buffer = new byte[texto.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(texto, buffer, out var n) ? buffer[..n] : null;
    }
}
