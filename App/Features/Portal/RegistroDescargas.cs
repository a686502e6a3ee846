using System.Threading.Channels;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AccesoDescargas.Features.Portal;

public sealed record Descarga(int EmisorId, int AccesoId, string Rfc, string Que, string? Uuid, string? Detalle, string? Ip, DateTime Cuando);

/// <summary>
/// Download events leave the request through an in-memory queue (a single-reader channel: no lock
/// shared with the writer on the request path); <see cref="EscritorDescargas"/> writes them in batches
/// (one transaction and one INSERT for all the downloads of the last <see cref="EscritorDescargas.Ventana"/>)
/// and adds them to each access's Descargas counter. When the writer falls far behind, downloads wait for room instead of losing
/// records. A clean shutdown writes everything queued (the server stops taking requests first); a
/// crash loses what was queued and not yet committed: the last window's downloads, more only when the
/// database was behind.
/// </summary>
public sealed class RegistroDescargas
{
    public const int Maximo = 10_000;

    private readonly Channel<Descarga> canal = Channel.CreateUnbounded<Descarga>(new UnboundedChannelOptions { SingleReader = true });
    private int pendientes;

    public ValueTask RegistrarAsync(Descarga d, CancellationToken ct = default)
    {
        if (Interlocked.Increment(ref pendientes) > Maximo) return EsperarLugarAsync(d, ct);
        Escribir(d);
        return ValueTask.CompletedTask;
    }

    // Rare: only when the database is far slower than the downloads.
    private async ValueTask EsperarLugarAsync(Descarga d, CancellationToken ct)
    {
        try
        {
            while (Volatile.Read(ref pendientes) > Maximo) await Task.Delay(5, ct);
        }
        catch
        {
            Interlocked.Decrement(ref pendientes);
            throw;
        }
        Escribir(d);
    }

    private void Escribir(Descarga d)
    {
        if (!canal.Writer.TryWrite(d))
        {
            Interlocked.Decrement(ref pendientes);
            throw new InvalidOperationException("El registro de descargas ya se cerró.");
        }
    }

    internal ChannelReader<Descarga> Lector => canal.Reader;

    /// <summary>Downloads queued and not yet written (the single-reader channel does not count them).</summary>
    internal int Pendientes => Volatile.Read(ref pendientes);

    internal void Escritos(int n) => Interlocked.Add(ref pendientes, -n);

    internal void Completar() => canal.Writer.TryComplete();
}

public sealed class EscritorDescargas(RegistroDescargas registro, IDbContextFactory<AppDbContext> dbFactory, ILogger<EscritorDescargas> logger)
    : BackgroundService
{
    private const int Lote = 500;

    /// <summary>
    /// Group commit: the writer lets this long's downloads gather before it writes them, so that one
    /// statement and one commit carry many (under load they would otherwise go a few at a time, each
    /// batch paying a context, a transaction and a commit). It is also what a crash may lose beyond the queue.
    /// </summary>
    public static readonly TimeSpan Ventana = TimeSpan.FromMilliseconds(50);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lector = registro.Lector;
        var lote = new List<Descarga>(Lote);
        try
        {
            while (await lector.WaitToReadAsync(stoppingToken))
            {
                if (registro.Pendientes < Lote) await Task.Delay(Ventana, stoppingToken);
                await EscribirLoteAsync(lote);
            }
        }
        catch (OperationCanceledException) { }

        // Shutting down: what is already queued is still written.
        while (await EscribirLoteAsync(lote) > 0) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        registro.Completar();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Writes up to <see cref="Lote"/> queued downloads; how many it took from the queue.</summary>
    private async Task<int> EscribirLoteAsync(List<Descarga> lote)
    {
        lote.Clear();
        while (lote.Count < Lote && registro.Lector.TryRead(out var d)) lote.Add(d);
        if (lote.Count == 0) return 0;
        try
        {
            await EscribirAsync(lote);
        }
        catch (Exception e)
        {
            logger.LogError(e, "No se pudieron registrar {Cantidad} descargas", lote.Count);
        }
        finally
        {
            registro.Escritos(lote.Count);
        }
        return lote.Count;
    }

    private async Task EscribirAsync(List<Descarga> lote)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        await InsercionPorLotes.InsertarEnUnaSentenciaAsync(db, lote, Filas, tx.GetDbTransaction());
        foreach (var g in lote.GroupBy(d => d.AccesoId))
        {
            var n = g.Count();
            await db.Accesos.Where(a => a.Id == g.Key).ExecuteUpdateAsync(s => s.SetProperty(a => a.Descargas, a => a.Descargas + n));
        }
        await tx.CommitAsync();
    }

    private static readonly InsercionPorLotes.Columnas<Evento, Descarga> Filas = new()
    {
        { e => e.EmisorId, d => d.EmisorId },
        { e => e.Quien, d => $"receptor:{d.Rfc}" },
        { e => e.Que, d => d.Que },
        { e => e.Rfc, d => d.Rfc },
        { e => e.Uuid, d => d.Uuid },
        { e => e.Detalle, d => d.Detalle },
        { e => e.Ip, d => d.Ip },
        { e => e.Cuando, d => d.Cuando },
    };
}
