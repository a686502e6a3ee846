using System.Collections.Concurrent;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace AccesoDescargas.Features.Portal;

public sealed record ArchivoComprobante(long Id, string Uuid, string? Serie, string? Folio, string XmlKey, string XmlSha256, string? PdfKey, string? PdfSha256)
{
    /// <summary>The file name without extension: {Serie}{Folio}_{UUID}, or only the UUID without serie and folio.</summary>
    public string Nombre => PortalService.NombreArchivo(Serie, Folio, Uuid);
}

/// <summary>
/// The per-request lookups of the portal's hot paths (every download, every authenticated request):
/// compiled queries on a pooled context, which cost a fraction of a new context with a LINQ query.
/// </summary>
public sealed class ConsultasPortal(ContextosAgrupados pool)
{
    private static readonly Func<AppDbContext, int, string, string, Task<ArchivoComprobante?>> archivo =
        EF.CompileAsyncQuery((AppDbContext db, int emisorId, string rfc, string uuid) => db.Comprobantes
            .Where(c => c.EmisorId == emisorId && c.Uuid == uuid && c.ReceptorRfc == rfc)
            .Select(c => new ArchivoComprobante(c.Id, c.Uuid, c.Serie, c.Folio, c.XmlKey, c.XmlSha256, c.PdfKey, c.PdfSha256))
            .FirstOrDefault());

    private static readonly Func<AppDbContext, int, Task<string?>> selloVigente =
        EF.CompileAsyncQuery((AppDbContext db, int accesoId) => db.Accesos
            .Where(a => a.Id == accesoId && a.Habilitado)
            .Select(a => a.SelloSeguridad)
            .FirstOrDefault());

    /// <summary>The comprobante if it is this receptor's at this emisor; null otherwise (unknown and not-yours look alike).</summary>
    public async Task<ArchivoComprobante?> ArchivoAsync(int emisorId, string rfc, string uuid)
    {
        await using var db = pool.Crear();
        return await archivo(db, emisorId, rfc, uuid.ToUpperInvariant());
    }

    /// <summary>The access's current security stamp, or null when it is disabled or gone.</summary>
    public async Task<string?> SelloVigenteAsync(int accesoId)
    {
        await using var db = pool.Crear();
        return await selloVigente(db, accesoId);
    }
}

/// <summary>
/// Answers "is this session's stamp still the access's?" on every request without a query each
/// time: a short-lived cache that every change saved through EF Core clears at once
/// (<see cref="InvalidarSellosInterceptor"/>); the expiry covers changes made outside this process.
/// </summary>
public sealed class SellosPortal(ConsultasPortal consultas, TimeProvider tiempo)
{
    public static readonly TimeSpan Vigencia = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<int, (string? Sello, long Hasta)> cache = new();

    public async ValueTask<bool> EsVigenteAsync(int accesoId, string sello, CancellationToken ct = default)
    {
        var ahora = tiempo.GetTimestamp();
        if (!cache.TryGetValue(accesoId, out var e) || e.Hasta < ahora)
        {
            e = (await consultas.SelloVigenteAsync(accesoId), ahora + (long)(Vigencia.TotalSeconds * tiempo.TimestampFrequency));
            cache[accesoId] = e;
            if (cache.Count > 50_000) cache.Clear(); // a bound, not an eviction policy: refilling is one query each
        }
        return e.Sello is not null && string.Equals(e.Sello, sello, StringComparison.Ordinal);
    }

    /// <summary>Forget what is known of this access, e.g. after a bulk update that bypasses SaveChanges.</summary>
    public void Olvidar(int accesoId) => cache.TryRemove(accesoId, out _);
}

/// <summary>Clears the cached stamp of every access that a SaveChanges modifies or deletes, before and after it commits.</summary>
public sealed class InvalidarSellosInterceptor(Lazy<SellosPortal> sellos) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Olvidar(eventData.Context, soloCambiados: true);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Olvidar(eventData.Context, soloCambiados: true);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Olvidar(eventData.Context, soloCambiados: false);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        Olvidar(eventData.Context, soloCambiados: false);
        return ValueTask.FromResult(result);
    }

    private void Olvidar(DbContext? db, bool soloCambiados)
    {
        if (db is null) return;
        foreach (var e in db.ChangeTracker.Entries<AccesoDescarga>())
            if (!soloCambiados || e.State is EntityState.Modified or EntityState.Deleted)
                sellos.Value.Olvidar(e.Entity.Id);
    }
}
