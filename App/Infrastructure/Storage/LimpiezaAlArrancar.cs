using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AccesoDescargas.Infrastructure.Storage;

/// <summary>Section "Limpieza": what the start-up sweep may remove.</summary>
public sealed class LimpiezaOptions
{
    /// <summary>Off only for an installation that wants to keep leftovers to inspect them.</summary>
    public bool AlArrancar { get; set; } = true;

    /// <summary>
    /// Only files older than this are leftovers: longer than any import, PDF render or client file may
    /// take on any instance (another instance sharing the store may be in the middle of one).
    /// </summary>
    public TimeSpan Antiguedad { get; set; } = TimeSpan.FromHours(24);
}

public sealed record ResultadoLimpieza(int Temporales, long BytesTemporales, int Huerfanos, long BytesHuerfanos);

/// <summary>
/// After a crash, what an import, a PDF render or a client file import left behind: the temporary
/// files under {DataDirectory}/tmp and files/tmp, and stored files that no row references (saved by
/// an import whose row never committed). Runs once at start, in the background, and logs what it
/// removed. A stored file is removed only when no comprobante (XML or PDF) or emisor (logo) points
/// to it and it has not been written within <see cref="LimpiezaOptions.Antiguedad"/>, checked again
/// right before it goes: a store that reuses an existing file refreshes its date.
/// </summary>
public sealed class LimpiezaAlArrancar(
    DataDirectory data, IFileStore archivos, IDbContextFactory<AppDbContext> dbFactory,
    IOptions<LimpiezaOptions> opciones, ILogger<LimpiezaAlArrancar> logger) : BackgroundService
{
    private const int Lote = 500;
    private readonly TaskCompletionSource<ResultadoLimpieza> terminada = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the start-up sweep has finished (or was off, or failed: then with zeros).</summary>
    public Task<ResultadoLimpieza> Terminada => terminada.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var resultado = new ResultadoLimpieza(0, 0, 0, 0);
        try
        {
            if (opciones.Value.AlArrancar)
            {
                await Task.Yield(); // start-up goes on; the sweep runs beside it
                resultado = await LimpiarAsync(stoppingToken);
                logger.LogInformation(
                    "Limpieza al arrancar: {Temporales} archivos temporales ({BytesTemporales} bytes) y {Huerfanos} archivos guardados que ningún registro usa ({BytesHuerfanos} bytes) eliminados.",
                    resultado.Temporales, resultado.BytesTemporales, resultado.Huerfanos, resultado.BytesHuerfanos);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        catch (Exception e)
        {
            // Leftovers only take space: a failed sweep never stops the app; the next start tries again.
            logger.LogWarning(e, "La limpieza al arrancar no terminó.");
        }
        finally
        {
            terminada.TrySetResult(resultado);
        }
    }

    public async Task<ResultadoLimpieza> LimpiarAsync(CancellationToken ct)
    {
        var limite = DateTime.UtcNow - opciones.Value.Antiguedad;
        var (temporales, bytesTemporales) = LimpiarTemporales(limite, ct);

        int huerfanos = 0;
        long bytesHuerfanos = 0;
        var lote = new List<ArchivoListado>(Lote);
        await foreach (var archivo in archivos.ListarAsync(ct))
        {
            if (archivo.ModificadoEn >= limite) continue;
            lote.Add(archivo);
            if (lote.Count < Lote) continue;
            var (n, b) = await EliminarHuerfanosAsync(lote, limite, ct);
            huerfanos += n; bytesHuerfanos += b;
            lote.Clear();
        }
        if (lote.Count > 0)
        {
            var (n, b) = await EliminarHuerfanosAsync(lote, limite, ct);
            huerfanos += n; bytesHuerfanos += b;
        }
        return new ResultadoLimpieza(temporales, bytesTemporales, huerfanos, bytesHuerfanos);
    }

    private (int Archivos, long Bytes) LimpiarTemporales(DateTime limite, CancellationToken ct)
    {
        int archivosBorrados = 0;
        long bytes = 0;
        foreach (var carpeta in new[] { data.Combine("tmp"), data.Combine("files", "tmp") })
        {
            if (!Directory.Exists(carpeta)) continue;
            foreach (var archivo in new DirectoryInfo(carpeta).EnumerateFiles("*", SearchOption.AllDirectories))
            {
                ct.ThrowIfCancellationRequested();
                if (archivo.LastWriteTimeUtc >= limite) continue;
                try
                {
                    var tamano = archivo.Length;
                    archivo.Delete();
                    archivosBorrados++; bytes += tamano;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning(e, "No se pudo eliminar el archivo temporal {Archivo}", archivo.FullName);
                }
            }
        }
        return (archivosBorrados, bytes);
    }

    private async Task<(int Archivos, long Bytes)> EliminarHuerfanosAsync(List<ArchivoListado> lote, DateTime limite, CancellationToken ct)
    {
        var claves = lote.Select(a => a.Key).ToList();
        HashSet<string> usadas;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // Three indexed IN lookups (XmlKey, PdfKey, LogoKey) per 500 files.
            usadas = (await db.Comprobantes.Where(c => claves.Contains(c.XmlKey)).Select(c => c.XmlKey).ToListAsync(ct))
                .Concat(await db.Comprobantes.Where(c => c.PdfKey != null && claves.Contains(c.PdfKey)).Select(c => c.PdfKey!).ToListAsync(ct))
                .Concat(await db.Emisores.Where(e => e.LogoKey != null && claves.Contains(e.LogoKey)).Select(e => e.LogoKey!).ToListAsync(ct))
                .ToHashSet(StringComparer.Ordinal);
        }

        int eliminados = 0;
        long bytes = 0;
        foreach (var archivo in lote)
        {
            if (usadas.Contains(archivo.Key)) continue;
            // Written again since the listing (an import reused it): its row may be about to commit.
            if (await archivos.ModificadoEnAsync(archivo.Key, ct) is not { } modificado || modificado >= limite) continue;
            try
            {
                await archivos.EliminarAsync(archivo.Key);
                eliminados++; bytes += archivo.Size;
                logger.LogInformation("Limpieza al arrancar: eliminado {Key}, que ningún registro usa.", archivo.Key);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "No se pudo eliminar {Key}, que ningún registro usa", archivo.Key);
            }
        }
        return (eliminados, bytes);
    }
}
