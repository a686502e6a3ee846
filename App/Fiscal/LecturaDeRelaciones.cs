using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Fiscal.Sat;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Fiscal;

/// <summary>
/// One-time backfill: comprobantes imported before relations were read get them from their stored
/// XML, in small batches in the background (the app starts at once), each batch committed with the
/// saldos it changes. Resumable: a row is marked read in the same commit as its relation rows.
/// </summary>
public sealed class LecturaDeRelaciones(IDbContextFactory<AppDbContext> dbFactory, IFileStore archivos, ILogger<LecturaDeRelaciones> logger)
    : BackgroundService
{
    public const int Lote = 200;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        try
        {
            await Task.Yield();
            var total = 0;
            int leidos;
            while ((leidos = await LeerLoteAsync(ct)) > 0)
            {
                if (total == 0) logger.LogInformation("Leyendo pagos y CFDI relacionados de los comprobantes ya importados…");
                total += leidos;
                logger.LogInformation("Relaciones leídas de {Total} comprobantes.", total);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Not fatal: the next start resumes where this one stopped.
            logger.LogError(e, "La lectura de relaciones de los comprobantes se detuvo; continuará en el próximo inicio.");
        }
    }

    /// <summary>Reads the next batch; the number of comprobantes done (0 when nothing is left).</summary>
    public async Task<int> LeerLoteAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lote = await db.Comprobantes.Where(c => !c.RelacionesLeidas).OrderBy(c => c.Id).Take(Lote).ToListAsync(ct);
        if (lote.Count == 0) return 0;
        foreach (var c in lote)
        {
            try
            {
                await using var xml = await archivos.AbrirAsync(c.XmlKey, ct: ct) ?? throw new FileNotFoundException(c.XmlKey);
                SaldosFiscales.LeerRelaciones(c, CfdiReader.LeerDocumento(xml));
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                logger.LogWarning("No se pudieron leer las relaciones del comprobante {Uuid}: {Error}", c.Uuid, e.Message);
                c.RelacionesLeidas = true;
            }
        }
        foreach (var grupo in lote.GroupBy(c => (c.EmisorId, c.ReceptorRfc)))
            await SaldosFiscales.RecalcularAsync(db, grupo.Key.EmisorId, grupo.Key.ReceptorRfc,
                grupo.SelectMany(SaldosFiscales.Afectados).ToHashSet(), ct);
        await db.SaveChangesAsync(ct);
        return lote.Count;
    }
}

public static class FiscalExtensions
{
    public static WebApplicationBuilder AddFiscal(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConsultasFiscales>();
        builder.Services.AddSingleton<LecturaDeRelaciones>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LecturaDeRelaciones>());
        builder.AddSat();
        return builder;
    }
}
