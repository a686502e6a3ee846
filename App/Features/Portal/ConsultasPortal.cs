using System.Collections.Concurrent;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace AccesoDescargas.Features.Portal;

public sealed record ArchivoComprobante(long Id, string Uuid, string? Serie, string? Folio, string XmlKey, string XmlSha256, string? PdfKey, string? PdfSha256)
{
    /// <summary>The file name without extension: {Serie}{Folio}_{UUID}, or only the UUID without serie and folio (made once: the record is cached).</summary>
    public string Nombre { get; } = PortalService.NombreArchivo(Serie, Folio, Uuid);

    private EntityTagHeaderValue? etagXml, etagPdf;
    private string? nombreXml, nombrePdf;

    /// <summary>The download's file name, made once per cached comprobante.</summary>
    public string NombreDescarga(bool pdf) => pdf ? nombrePdf ??= Nombre + ".pdf" : nombreXml ??= Nombre + ".xml";

    /// <summary>
    /// The file's strong ETag (content-addressed: its SHA-256), made once per cached comprobante. A copy made with
    /// <c>with</c> for a new PDF carries the old one along, so it is checked against the current hash.
    /// </summary>
    public EntityTagHeaderValue? Etag(bool pdf)
    {
        var sha = pdf ? PdfSha256 : XmlSha256;
        if (sha is null) return null;
        ref var cache = ref pdf ? ref etagPdf : ref etagXml;
        if (cache is null || cache.Tag.Length != sha.Length + 2 || !cache.Tag.AsSpan(1, sha.Length).SequenceEqual(sha))
            cache = new EntityTagHeaderValue($"\"{sha}\"");
        return cache;
    }
}

/// <summary>
/// The per-request lookups of the portal's hot paths (every download, every authenticated request):
/// compiled queries on a pooled context, which cost a fraction of a new context with a LINQ query.
/// A download's (emisor, RFC, UUID) → file keys are also cached: files are content-addressed and never
/// change under a key, and the only writes that change a comprobante's keys are its PDF being generated,
/// uploaded or replaced, which <see cref="RepresentacionService.PdfCambiado"/> reports (comprobantes are
/// never deleted). The key includes the emisor and the RFC, so ownership stays part of the lookup; only
/// found comprobantes are cached; the expiry bounds how long a change made by another process goes unseen.
/// </summary>
public sealed class ConsultasPortal
{
    public static readonly TimeSpan VigenciaArchivos = TimeSpan.FromMinutes(1);
    private const int MaximoEnCache = 100_000;

    private readonly ContextosAgrupados pool;
    private readonly TimeProvider tiempo;
    private readonly ConcurrentDictionary<(int EmisorId, string Rfc, string Uuid), (ArchivoComprobante Archivo, long Hasta)> archivos = new();
    private readonly ConcurrentDictionary<long, (int EmisorId, string Rfc, string Uuid)> claveDe = new();
    private long olvidos;

    public ConsultasPortal(ContextosAgrupados pool, RepresentacionService representacion, TimeProvider tiempo)
    {
        this.pool = pool;
        this.tiempo = tiempo;
        representacion.PdfCambiado += Olvidar;
    }

    private static readonly ConsultaCompilada<Func<AppDbContext, int, string, string, Task<ArchivoComprobante?>>> archivo =
        new(() => EF.CompileAsyncQuery((AppDbContext db, int emisorId, string rfc, string uuid) => db.Comprobantes
            .Where(c => c.EmisorId == emisorId && c.Uuid == uuid && c.ReceptorRfc == rfc)
            .Select(c => new ArchivoComprobante(c.Id, c.Uuid, c.Serie, c.Folio, c.XmlKey, c.XmlSha256, c.PdfKey, c.PdfSha256))
            .FirstOrDefault()));

    private static readonly ConsultaCompilada<Func<AppDbContext, int, Task<string?>>> selloVigente =
        new(() => EF.CompileAsyncQuery((AppDbContext db, int accesoId) => db.Accesos
            .Where(a => a.Id == accesoId && a.Habilitado)
            .Select(a => a.SelloSeguridad)
            .FirstOrDefault()));

    /// <summary>The comprobante if it is this receptor's at this emisor; null otherwise (unknown and not-yours look alike).</summary>
    public ValueTask<ArchivoComprobante?> ArchivoAsync(int emisorId, string rfc, string uuid)
    {
        // UUIDs are stored upper-case; the common case (a link the portal wrote) needs no new string.
        if (uuid.AsSpan().ContainsAnyInRange('a', 'z')) uuid = uuid.ToUpperInvariant();
        var clave = (emisorId, rfc, uuid);
        return archivos.TryGetValue(clave, out var e) && e.Hasta >= tiempo.GetTimestamp()
            ? ValueTask.FromResult<ArchivoComprobante?>(e.Archivo)
            : BuscarAsync(clave);
    }

    private async ValueTask<ArchivoComprobante?> BuscarAsync((int EmisorId, string Rfc, string Uuid) clave)
    {
        var antes = Interlocked.Read(ref olvidos);
        ArchivoComprobante? encontrado;
        await using (var db = pool.Crear())
            encontrado = await archivo.Para(db)(db, clave.EmisorId, clave.Rfc, clave.Uuid);
        if (encontrado is null) return null;

        if (archivos.Count >= MaximoEnCache)
        {
            // A bound, not an eviction policy: refilling is one query per comprobante.
            archivos.Clear();
            claveDe.Clear();
        }
        claveDe[encontrado.Id] = clave;
        archivos[clave] = (encontrado, tiempo.GetTimestamp() + (long)(VigenciaArchivos.TotalSeconds * tiempo.TimestampFrequency));
        // A change reported while we read may predate our row: then what we just cached is not trusted.
        if (Interlocked.Read(ref olvidos) != antes) archivos.TryRemove(clave, out _);
        return encontrado;
    }

    /// <summary>Forget the cached keys of a comprobante whose files changed.</summary>
    public void Olvidar(long comprobanteId)
    {
        Interlocked.Increment(ref olvidos);
        if (claveDe.TryRemove(comprobanteId, out var clave)) archivos.TryRemove(clave, out _);
    }

    /// <summary>The access's current security stamp, or null when it is disabled or gone.</summary>
    public async Task<string?> SelloVigenteAsync(int accesoId)
    {
        await using var db = pool.Crear();
        return await selloVigente.Para(db)(db, accesoId);
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
