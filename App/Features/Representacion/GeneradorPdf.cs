using System.Collections.Concurrent;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AccesoDescargas.Features.Representacion;

public sealed class RepresentacionOptions
{
    /// <summary>False leaves generation to downloads (<see cref="RepresentacionService.ObtenerOGenerarPdfAsync"/>), e.g. on a second instance.</summary>
    public bool EnSegundoPlano { get; set; } = true;
    /// <summary>How often the worker looks for comprobantes without a PDF when nobody woke it.</summary>
    public TimeSpan Sondeo { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Comprobante ids read per query.</summary>
    public int Lote { get; set; } = 100;
    /// <summary>First wait before retrying a comprobante whose PDF could not be generated; it doubles up to <see cref="ReintentoMaximo"/>.</summary>
    public TimeSpan ReintentoBase { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan ReintentoMaximo { get; set; } = TimeSpan.FromHours(12);
    /// <summary>A render that takes longer is stopped (and retried later with the back-off), so one comprobante never holds up the others.</summary>
    public TimeSpan TiempoMaximo { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long one instance holds a comprobante it is rendering before another may take it.</summary>
    public TimeSpan Reclamo { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Works through the comprobantes without a PDF (the filtered index IX_Comprobantes_SinPdf), oldest
/// first, one at a time so imports and downloads keep the other core. Each comprobante is claimed in
/// the database before it is rendered, so several instances never render the same one. A CFDI that
/// fails to render is logged and skipped; its claim is extended by a doubling wait, so no instance
/// retries it before then (the count of attempts lives in memory: a restart starts the doubling over).
/// </summary>
public sealed class GeneradorPdf(
    IDbContextFactory<AppDbContext> dbFactory, RepresentacionService representacion,
    IOptions<RepresentacionOptions> options, ILogger<GeneradorPdf> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<long, int> fallos = new();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!options.Value.EnSegundoPlano) return;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await GenerarPendientesAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Error al generar representaciones impresas pendientes");
            }
            try { await representacion.EsperarAsync(options.Value.Sondeo, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One pass over the comprobantes without a PDF; returns how many PDFs it generated.</summary>
    public async Task<int> GenerarPendientesAsync(CancellationToken ct = default)
    {
        var opciones = options.Value;
        var generados = 0;
        var fallidosVistos = new HashSet<long>();
        long desde = 0;
        while (true)
        {
            List<long> lote;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                lote = await Cola(db, desde, opciones.Lote).ToListAsync(ct);
            }
            if (lote.Count == 0) break;

            foreach (var id in lote)
            {
                ct.ThrowIfCancellationRequested();
                if (fallos.ContainsKey(id)) fallidosVistos.Add(id);
                if (!await ReclamarAsync(id, DateTime.UtcNow + opciones.Reclamo, ct)) continue;
                try
                {
                    var pdf = await representacion.GenerarAsync(id, ct);
                    fallos.TryRemove(id, out _);
                    if (pdf is { Generado: true }) generados++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    var intentos = fallos.AddOrUpdate(id, 1, (_, n) => n + 1);
                    var espera = TimeSpan.FromTicks(Math.Min(opciones.ReintentoMaximo.Ticks,
                        opciones.ReintentoBase.Ticks * (1L << Math.Min(intentos - 1, 20))));
                    await ReclamarAsync(id, DateTime.UtcNow + espera, CancellationToken.None, renovar: true);
                    fallidosVistos.Add(id);
                    // A malformed CFDI is a fact about the file, not a fault of ours: its message says enough.
                    logger.LogWarning(e is InvalidDataException or TimeoutException ? null : e,
                        "No se pudo generar la representación impresa del comprobante {Id} (intento {Intento}; se reintentará en {Espera}): {Error}",
                        id, intentos, espera, e.Message);
                }
            }
            desde = lote[^1];
        }

        // Forget failures of comprobantes that left the queue (a PDF was uploaded, the row was deleted).
        foreach (var id in fallos.Keys)
            if (!fallidosVistos.Contains(id)) fallos.TryRemove(id, out _);
        return generados;
    }

    /// <summary>
    /// Takes a comprobante still without a PDF until <paramref name="hasta"/>; false when another instance
    /// holds it (or it got a PDF meanwhile). <paramref name="renovar"/> extends a claim this instance holds.
    /// </summary>
    private async Task<bool> ReclamarAsync(long id, DateTime hasta, CancellationToken ct, bool renovar = false)
    {
        var ahora = DateTime.UtcNow;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Comprobantes
            .Where(c => c.Id == id && c.PdfKey == null && (renovar || c.PdfReclamadoHasta == null || c.PdfReclamadoHasta < ahora))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.PdfReclamadoHasta, hasta), ct) == 1;
    }

    /// <summary>The next ids without a PDF after <paramref name="desde"/>, answered from IX_Comprobantes_SinPdf.</summary>
    public static IQueryable<long> Cola(AppDbContext db, long desde, int cuantos) => db.Comprobantes
        .Where(c => c.PdfKey == null && c.Id > desde)
        .OrderBy(c => c.Id)
        .Select(c => c.Id)
        .Take(cuantos);
}
