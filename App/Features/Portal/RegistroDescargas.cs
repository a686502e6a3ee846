using System.Threading.Channels;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.Portal;

public sealed record Descarga(int EmisorId, int AccesoId, string Rfc, string Que, string? Uuid, string? Detalle, string? Ip, DateTime Cuando);

/// <summary>
/// Download events leave the request through a bounded queue; <see cref="EscritorDescargas"/>
/// writes them in batches (one transaction for many downloads) and adds them to each access's
/// Descargas counter. When the writer falls far behind, downloads wait for room instead of losing
/// records.
/// </summary>
public sealed class RegistroDescargas
{
    private readonly Channel<Descarga> canal = Channel.CreateBounded<Descarga>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public ValueTask RegistrarAsync(Descarga d, CancellationToken ct = default) =>
        canal.Writer.TryWrite(d) ? ValueTask.CompletedTask : canal.Writer.WriteAsync(d, ct);

    internal ChannelReader<Descarga> Lector => canal.Reader;

    internal void Completar() => canal.Writer.TryComplete();
}

public sealed class EscritorDescargas(RegistroDescargas registro, IDbContextFactory<AppDbContext> dbFactory, ILogger<EscritorDescargas> logger)
    : BackgroundService
{
    private const int Lote = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lector = registro.Lector;
        var lote = new List<Descarga>(Lote);
        try
        {
            while (await lector.WaitToReadAsync(stoppingToken))
                await EscribirDisponiblesAsync(lote);
        }
        catch (OperationCanceledException) { }

        // Shutting down: what is already queued is still written.
        await EscribirDisponiblesAsync(lote);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        registro.Completar();
        await base.StopAsync(cancellationToken);
    }

    private async Task EscribirDisponiblesAsync(List<Descarga> lote)
    {
        while (true)
        {
            lote.Clear();
            while (lote.Count < Lote && registro.Lector.TryRead(out var d)) lote.Add(d);
            if (lote.Count == 0) return;
            try
            {
                await EscribirAsync(lote);
            }
            catch (Exception e)
            {
                logger.LogError(e, "No se pudieron registrar {Cantidad} descargas", lote.Count);
            }
        }
    }

    private async Task EscribirAsync(List<Descarga> lote)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        foreach (var d in lote)
            db.Eventos.Add(new Evento
            {
                EmisorId = d.EmisorId, Quien = $"receptor:{d.Rfc}", Que = d.Que, Rfc = d.Rfc, Uuid = d.Uuid,
                Detalle = d.Detalle, Ip = d.Ip, Cuando = d.Cuando,
            });
        await db.SaveChangesAsync();
        foreach (var g in lote.GroupBy(d => d.AccesoId))
        {
            var n = g.Count();
            await db.Accesos.Where(a => a.Id == g.Key).ExecuteUpdateAsync(s => s.SetProperty(a => a.Descargas, a => a.Descargas + n));
        }
        await tx.CommitAsync();
    }
}
