using System.Security.Cryptography;
using System.Text;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.ApiKeys;

public sealed record ApiKeyFila(int Id, string Nombre, string Prefijo, DateTime CreadaEn, DateTime? UltimoUsoEn, DateTime? RevocadaEn);

/// <summary>The clave in full exists only in this result: the database keeps its SHA-256.</summary>
public sealed record ApiKeyCreada(int Id, string Nombre, string Clave);

public sealed class ApiKeysService(IDbContextFactory<AppDbContext> dbFactory)
{
    public const string PrefijoClaves = "ad_";
    private const int LongitudPrefijo = 11;

    public async Task<IReadOnlyList<ApiKeyFila>> ListarAsync(int emisorId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking()
            .Where(k => k.EmisorId == emisorId)
            .OrderBy(k => k.RevocadaEn != null).ThenByDescending(k => k.CreadaEn)
            .Select(k => new ApiKeyFila(k.Id, k.Nombre, k.Prefijo, k.CreadaEn, k.UltimoUsoEn, k.RevocadaEn))
            .ToListAsync(ct);
    }

    public async Task<ApiKeyCreada> CrearAsync(int emisorId, string nombre, Actor actor, CancellationToken ct = default)
    {
        nombre = nombre.Trim();
        if (nombre.Length is 0 or > 100) throw new ArgumentException("Escriba un nombre de hasta 100 caracteres.", nameof(nombre));
        // 32 random bytes in base64url: 256 bits, so a plain SHA-256 (no salt, no stretching) is enough to store it.
        var clave = PrefijoClaves + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var fila = new ApiKey { EmisorId = emisorId, Nombre = nombre, Prefijo = clave[..LongitudPrefijo], Hash = Hash(clave) };
        db.ApiKeys.Add(fila);
        Eventos.Registrar(db, emisorId, actor.Quien, "apikey.creada", detalle: $"{nombre} ({fila.Prefijo}…)", ip: actor.Ip);
        await db.SaveChangesAsync(ct);
        return new ApiKeyCreada(fila.Id, nombre, clave);
    }

    public async Task<bool> RevocarAsync(int emisorId, int id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var fila = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && k.EmisorId == emisorId && k.RevocadaEn == null, ct);
        if (fila is null) return false;
        fila.RevocadaEn = DateTime.UtcNow;
        Eventos.Registrar(db, emisorId, actor.Quien, "apikey.revocada", detalle: $"{fila.Nombre} ({fila.Prefijo}…)", ip: actor.Ip);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Stores the demo key like any other, so the demo emisor's integrators page lists it and can revoke it.</summary>
    public static ApiKey Demo(int emisorId, string clave) =>
        new() { EmisorId = emisorId, Nombre = "Demostración (Demo:ApiKey)", Prefijo = clave[..Math.Min(LongitudPrefijo, clave.Length)], Hash = Hash(clave) };

    public static string Hash(string clave) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clave)));
}
