using AccesoDescargas.Fiscal;
using System.Collections.Concurrent;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.Representacion;

/// <summary>A comprobante's PDF in the file store (the SHA-256 makes a strong ETag); <see cref="Generado"/> when it is our representación impresa.</summary>
public sealed record PdfComprobante(string Key, long Size, string Sha256, bool Generado);

/// <summary>
/// Generates and stores the representación impresa of comprobantes that arrived without a PDF, for the
/// <see cref="GeneradorPdf"/> worker and for downloads that ask before the worker got there. An uploaded
/// PDF always wins: a generated one is only ever written where there is no PDF yet.
/// </summary>
public sealed class RepresentacionService(
    IDbContextFactory<AppDbContext> dbFactory, IFileStore archivos, DataDirectory data,
    Microsoft.Extensions.Options.IOptions<RepresentacionOptions> options, ILogger<RepresentacionService> logger)
{
    /// <summary>A logo is decoration: a larger one is left off the PDF rather than read into memory.</summary>
    public const long LogoTamanoMaximo = 2 * 1024 * 1024;

    private readonly string temporales = data.Combine("tmp", "representacion");
    private readonly SemaphoreSlim despertador = new(0);
    private readonly ConcurrentDictionary<long, Lazy<Task<PdfComprobante?>>> enCurso = new();

    private sealed record Pendiente(long Id, string Uuid, string XmlKey, string? PdfKey, long? PdfSize, string? PdfSha256, bool PdfGenerado, string? LogoKey);

    /// <summary>Tells the worker that comprobantes without a PDF were committed, so it need not wait for its next poll.</summary>
    public void Despertar()
    {
        if (despertador.CurrentCount == 0) despertador.Release();
    }

    internal Task<bool> EsperarAsync(TimeSpan maximo, CancellationToken ct) => despertador.WaitAsync(maximo, ct);

    /// <summary>
    /// Raised with the comprobante's id right after its PDF changed (generated, uploaded, or an upload
    /// replaced a generated one), before a replaced file is deleted: caches of its file keys forget it.
    /// </summary>
    public event Action<long>? PdfCambiado;

    /// <summary>
    /// The comprobante's PDF for a download: the stored one, or, when it has none yet, the representación
    /// impresa generated and stored right now. Null when the comprobante does not exist or is not the emisor's.
    /// </summary>
    /// <exception cref="InvalidDataException">The XML cannot be read as a CFDI, so no PDF can be generated.</exception>
    /// <exception cref="FileNotFoundException">The comprobante's XML is missing from the file store.</exception>
    public async Task<PdfComprobante?> ObtenerOGenerarPdfAsync(int emisorId, long comprobanteId, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var pdf = await db.Comprobantes.AsNoTracking()
                .Where(c => c.Id == comprobanteId && c.EmisorId == emisorId)
                .Select(c => new { c.PdfKey, c.PdfSize, c.PdfSha256, c.PdfGenerado })
                .FirstOrDefaultAsync(ct);
            if (pdf is null) return null;
            if (pdf.PdfKey is not null) return new(pdf.PdfKey, pdf.PdfSize ?? 0, pdf.PdfSha256 ?? "", pdf.PdfGenerado);
        }
        return await GenerarAsync(comprobanteId, ct);
    }

    /// <summary>
    /// Generates and stores the PDF of a comprobante that has none, and returns the PDF it has afterwards
    /// (an uploaded one if it arrived meanwhile); null when the comprobante no longer exists. Callers asking
    /// for the same comprobante at once (the worker and a download) share one generation.
    /// </summary>
    public Task<PdfComprobante?> GenerarAsync(long comprobanteId, CancellationToken ct = default)
    {
        var generacion = enCurso.GetOrAdd(comprobanteId, id => new(() => GenerarUnaVezAsync(id)));
        // The generation itself is not cancelled with one caller's request: another may be waiting for it.
        return generacion.Value.WaitAsync(ct);
    }

    private async Task<PdfComprobante?> GenerarUnaVezAsync(long id)
    {
        try
        {
            await Task.Yield(); // keep the rendering off the thread that called GetOrAdd
            await using var db = await dbFactory.CreateDbContextAsync();
            var c = await db.Comprobantes.AsNoTracking()
                .Where(x => x.Id == id)
                .Select(x => new Pendiente(x.Id, x.Uuid, x.XmlKey, x.PdfKey, x.PdfSize, x.PdfSha256, x.PdfGenerado, x.Emisor!.LogoKey))
                .FirstOrDefaultAsync();
            if (c is null) return null;
            if (c.PdfKey is not null) return new(c.PdfKey, c.PdfSize ?? 0, c.PdfSha256 ?? "", c.PdfGenerado);

            var guardado = await RenderizarYGuardarAsync(c);
            var marcados = await db.Comprobantes
                .Where(x => x.Id == id && x.PdfKey == null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.PdfKey, guardado.Key)
                    .SetProperty(x => x.PdfSize, guardado.Size)
                    .SetProperty(x => x.PdfSha256, guardado.Sha256)
                    .SetProperty(x => x.PdfGenerado, true));
            if (marcados == 1) PdfCambiado?.Invoke(id);
            if (marcados == 1) return new(guardado.Key, guardado.Size, guardado.Sha256, true);

            // A PDF was attached while we rendered (an upload always wins): keep it and drop ours.
            await EliminarSiNadieLoUsaAsync(db, guardado.Key);
            var actual = await db.Comprobantes.AsNoTracking()
                .Where(x => x.Id == id)
                .Select(x => new { x.PdfKey, x.PdfSize, x.PdfSha256, x.PdfGenerado })
                .FirstOrDefaultAsync();
            return actual?.PdfKey is null ? null : new(actual.PdfKey, actual.PdfSize ?? 0, actual.PdfSha256 ?? "", actual.PdfGenerado);
        }
        finally
        {
            enCurso.TryRemove(id, out _);
        }
    }

    private async Task<ArchivoGuardado> RenderizarYGuardarAsync(Pendiente c)
    {
        var xml = await LeerAsync(c.XmlKey, CfdiReader.TamanoMaximoPorDefecto)
            ?? throw new FileNotFoundException($"No se encontró el XML del comprobante {c.Uuid} en el almacén de archivos.");
        var doc = CfdiReader.LeerDocumento(new MemoryStream(xml, writable: false));
        byte[]? logo = null;
        try
        {
            if (c.LogoKey is not null) logo = await LeerAsync(c.LogoKey, LogoTamanoMaximo);
        }
        catch (InvalidDataException e)
        {
            logger.LogWarning("El logo del emisor no se usa en la representación impresa: {Error}", e.Message);
        }

        // Hundreds of conceptos make a large PDF: render to a temporary file, not to memory.
        Directory.CreateDirectory(temporales);
        await using var pdf = new FileStream(Path.Combine(temporales, Guid.NewGuid().ToString("N")), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        var limite = options.Value.TiempoMaximo;
        using (var tiempo = new CancellationTokenSource(limite))
        {
            try
            {
                // On a pool thread: the caller (a download, the worker) waits asynchronously.
                await Task.Run(() => RepresentacionImpresa.Generar(doc, pdf, logo, tiempo.Token), tiempo.Token);
            }
            catch (OperationCanceledException) when (tiempo.IsCancellationRequested)
            {
                throw new TimeoutException($"La representación impresa del comprobante {c.Uuid} tardó más de {limite.TotalSeconds:0.#} s y se detuvo.");
            }
        }
        pdf.Position = 0;
        var guardado = await archivos.GuardarAsync(pdf, "pdf");
        logger.LogDebug("Representación impresa del comprobante {Uuid} generada ({Bytes} bytes)", c.Uuid, guardado.Size);
        return guardado;
    }

    /// <summary>
    /// Attaches an uploaded PDF to a comprobante. It replaces a generated PDF (whose file is then deleted)
    /// but never another uploaded one. False when the comprobante is not the emisor's or already has an
    /// uploaded PDF.
    /// </summary>
    public async Task<bool> AdjuntarPdfSubidoAsync(int emisorId, long comprobanteId, ArchivoGuardado pdf, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Retried because the worker may attach a generated PDF between our read and our update.
        for (var intento = 0; intento < 3; intento++)
        {
            var actual = await db.Comprobantes.AsNoTracking()
                .Where(c => c.Id == comprobanteId && c.EmisorId == emisorId)
                .Select(c => new { c.PdfKey, c.PdfGenerado })
                .FirstOrDefaultAsync(ct);
            if (actual is null || (actual.PdfKey is not null && !actual.PdfGenerado)) return false;

            var cambiados = await db.Comprobantes
                .Where(c => c.Id == comprobanteId && c.PdfKey == actual.PdfKey && (c.PdfKey == null || c.PdfGenerado))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.PdfKey, pdf.Key)
                    .SetProperty(c => c.PdfSize, pdf.Size)
                    .SetProperty(c => c.PdfSha256, pdf.Sha256)
                    .SetProperty(c => c.PdfGenerado, false), ct);
            if (cambiados == 0) continue;
            PdfCambiado?.Invoke(comprobanteId);
            if (actual.PdfKey is not null && actual.PdfKey != pdf.Key) await EliminarSiNadieLoUsaAsync(db, actual.PdfKey);
            return true;
        }
        return false;
    }

    // The store is content-addressed, so one file may back several rows; delete only what no row points to.
    // Rare (a lost race, a replaced generated PDF); both keys are indexed.
    private async Task EliminarSiNadieLoUsaAsync(AppDbContext db, string key)
    {
        if (await db.Comprobantes.AnyAsync(c => c.PdfKey == key || c.XmlKey == key)) return;
        try
        {
            await archivos.EliminarAsync(key);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "No se pudo eliminar el PDF generado {Key} que ya no se usa", key);
        }
    }

    /// <summary>The whole file, or null when the key is unknown.</summary>
    /// <exception cref="InvalidDataException">The file is larger than <paramref name="maximo"/>.</exception>
    private async Task<byte[]?> LeerAsync(string key, long maximo)
    {
        await using var origen = await archivos.AbrirAsync(key);
        if (origen is null) return null;
        using var copia = new MemoryStream();
        var buffer = new byte[81920];
        int leidos;
        while ((leidos = await origen.ReadAsync(buffer)) > 0)
        {
            if (copia.Length + leidos > maximo)
                throw new InvalidDataException($"El archivo {key} excede el tamaño máximo de {maximo / (1024 * 1024)} MB.");
            copia.Write(buffer, 0, leidos);
        }
        return copia.ToArray();
    }
}
