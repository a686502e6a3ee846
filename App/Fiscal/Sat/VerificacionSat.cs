using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace AccesoDescargas.Fiscal.Sat;

public enum ResultadoVerificacion { Verificado, Reciente, NoEncontrado, SatNoDisponible, Desactivada }

/// <summary>What a "Verificar en el SAT" click tells the user.</summary>
public sealed record Verificacion(ResultadoVerificacion Resultado, string Mensaje);

/// <summary>
/// Asks SAT for a comprobante's status and stores the answer: the last one on the row, each change
/// in <see cref="ConsultaSat"/>. SAT's Cancelado marks it cancelled alongside (never over) the staff's
/// own mark, and the saldos it took part in are recomputed. An outage changes nothing stored.
/// </summary>
public sealed class VerificacionSat(
    IDbContextFactory<AppDbContext> dbFactory, IFileStore archivos, ClienteSat cliente, IOptions<SatOptions> opciones,
    TimeProvider tiempo, ILogger<VerificacionSat> logger)
{
    public static readonly TimeSpan MinimoEntreVerificaciones = TimeSpan.FromMinutes(1);

    public const string MensajeReciente = "Este comprobante se verificó hace menos de un minuto; intente de nuevo en un momento.";
    public const string MensajeDesactivada = "La verificación en el SAT está desactivada en este servidor.";
    public const string MensajeSinRespuesta = "El SAT no respondió; se conserva el último estado conocido. Intente más tarde.";

    /// <summary>The button: at most once a minute per comprobante, claimed atomically. <paramref name="receptorRfc"/> limits it to the portal's receptor.</summary>
    public async Task<Verificacion> VerificarAsync(int emisorId, string? receptorRfc, string uuid, CancellationToken ct = default)
    {
        if (!opciones.Value.Habilitado) return new(ResultadoVerificacion.Desactivada, MensajeDesactivada);
        uuid = uuid.Trim().ToUpperInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await db.Comprobantes.Where(c => c.EmisorId == emisorId && c.Uuid == uuid && (receptorRfc == null || c.ReceptorRfc == receptorRfc))
            .Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
        if (id is null) return new(ResultadoVerificacion.NoEncontrado, ComprobantesService.MensajeNoEncontrado);
        if (!await ReclamarAsync(db, id.Value, ct)) return new(ResultadoVerificacion.Reciente, MensajeReciente);
        return await ConsultarYGuardarAsync(id.Value, ct);
    }

    /// <summary>One UPDATE decides who may ask: parallel clicks (or the refresher) cannot both pass.</summary>
    internal async Task<bool> ReclamarAsync(AppDbContext db, long id, CancellationToken ct)
    {
        var ahora = tiempo.GetUtcNow().UtcDateTime;
        var limite = ahora - MinimoEntreVerificaciones;
        return await db.Comprobantes
            .Where(c => c.Id == id && (c.SatSolicitadoEn == null || c.SatSolicitadoEn <= limite))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.SatSolicitadoEn, ahora), ct) == 1;
    }

    internal async Task<Verificacion> ConsultarYGuardarAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var c = await db.Comprobantes.SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null) return new(ResultadoVerificacion.NoEncontrado, ComprobantesService.MensajeNoEncontrado);
        string expresion;
        try
        {
            await using var xml = await archivos.AbrirAsync(c.XmlKey, ct: ct) ?? throw new FileNotFoundException(c.XmlKey);
            expresion = CfdiQr.Url(CfdiReader.LeerDocumento(xml));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException)
        {
            logger.LogWarning("No se pudo leer el XML del comprobante {Uuid} para consultarlo en el SAT: {Error}", c.Uuid, e.Message);
            return new(ResultadoVerificacion.SatNoDisponible, "No se pudo leer el XML del comprobante para consultarlo en el SAT.");
        }

        RespuestaSat r;
        try
        {
            r = await cliente.ConsultarAsync(expresion, ct);
        }
        catch (SatNoDisponibleException e)
        {
            logger.LogWarning("Consulta al SAT del comprobante {Uuid} sin respuesta: {Error}", c.Uuid, e.Message);
            return new(ResultadoVerificacion.SatNoDisponible, MensajeSinRespuesta);
        }

        var ahora = tiempo.GetUtcNow().UtcDateTime;
        if (r.Estado is null)
        {
            // SAT answered but said nothing of the status (e.g. "N - 601"): recorded, the last known status stays.
            db.ConsultasSat.Add(new ConsultaSat { ComprobanteId = c.Id, Cuando = ahora, CodigoEstatus = Acotar(r.CodigoEstatus, 300)! });
            await db.SaveChangesAsync(ct);
            return new(ResultadoVerificacion.Verificado, $"El SAT no informó el estado del comprobante: {r.CodigoEstatus}");
        }
        var cambio = c.EstadoSat != r.Estado || c.SatEsCancelable != r.EsCancelable || c.SatEstatusCancelacion != r.EstatusCancelacion
                     || c.SatValidacionEfos != r.ValidacionEfos;
        var canceladoAntes = c.EsCancelado;
        c.EstadoSat = r.Estado;
        c.SatEsCancelable = Acotar(r.EsCancelable, 60);
        c.SatEstatusCancelacion = Acotar(r.EstatusCancelacion, 60);
        c.SatValidacionEfos = Acotar(r.ValidacionEfos, 10);
        c.EstadoSatVerificadoEn = ahora;
        if (cambio)
            db.ConsultasSat.Add(new ConsultaSat
            {
                ComprobanteId = c.Id, Cuando = ahora, CodigoEstatus = Acotar(r.CodigoEstatus, 300)!, Estado = r.Estado,
                EsCancelable = c.SatEsCancelable, EstatusCancelacion = c.SatEstatusCancelacion, ValidacionEfos = c.SatValidacionEfos,
            });
        if (canceladoAntes != c.EsCancelado) await SaldosFiscales.RecalcularRelacionadosAsync(db, c, ct);
        await db.SaveChangesAsync(ct);
        return new(ResultadoVerificacion.Verificado, $"Estado en el SAT: {TextosFiscales.EstadoSat(c.EstadoSat, ahora)}.");
    }

    private static string? Acotar(string? texto, int maximo) => texto is null || texto.Length <= maximo ? texto : texto[..maximo];
}

/// <summary>
/// Re-checks, in the background, the comprobantes stamped in the last <see cref="SatOptions.DiasARevisar"/>
/// days whose last answer is older than <see cref="SatOptions.Intervalo"/>, one at a time with a pause
/// between calls; an import wakes it up. Off when <see cref="SatOptions.Refrescar"/> is false.
/// </summary>
public sealed class RefrescoSat(IDbContextFactory<AppDbContext> dbFactory, VerificacionSat verificacion, IOptions<SatOptions> opciones,
    TimeProvider tiempo, ILogger<RefrescoSat> logger) : BackgroundService
{
    private readonly SemaphoreSlim despertar = new(0, 1);

    /// <summary>New comprobantes arrived: check them now rather than at the next round.</summary>
    public void Despertar()
    {
        if (despertar.CurrentCount == 0)
            try { despertar.Release(); } catch (SemaphoreFullException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var o = opciones.Value;
        if (!o.Refrescar || !o.Habilitado) return;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var hechos = await RondaAsync(ct);
                if (hechos == 0) await despertar.WaitAsync(TimeSpan.FromMinutes(5), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Error al refrescar estados en el SAT; se reintenta más tarde.");
                await Task.Delay(TimeSpan.FromMinutes(1), tiempo, ct);
            }
        }
    }

    /// <summary>Checks the comprobantes that are due, up to a batch; how many it asked SAT about.</summary>
    public async Task<int> RondaAsync(CancellationToken ct)
    {
        var o = opciones.Value;
        var ahora = tiempo.GetUtcNow().UtcDateTime;
        var desde = ahora.AddDays(-o.DiasARevisar);
        var vencido = ahora - o.Intervalo;
        var reciente = ahora - VerificacionSat.MinimoEntreVerificaciones;
        List<long> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            ids = await db.Comprobantes
                .Where(c => c.FechaTimbrado >= desde && (c.EstadoSatVerificadoEn == null || c.EstadoSatVerificadoEn < vencido)
                            && (c.SatSolicitadoEn == null || c.SatSolicitadoEn <= reciente))
                .OrderBy(c => c.EstadoSatVerificadoEn).ThenByDescending(c => c.FechaTimbrado)
                .Select(c => c.Id).Take(50).ToListAsync(ct);
        var hechos = 0;
        foreach (var id in ids)
        {
            if (hechos > 0) await Task.Delay(o.Pausa, tiempo, ct);
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
                if (!await verificacion.ReclamarAsync(db, id, ct)) continue;
            hechos++;
            var r = await verificacion.ConsultarYGuardarAsync(id, ct);
            // SAT is down: stop this round instead of hammering it; what was not checked stays due.
            if (r.Resultado == ResultadoVerificacion.SatNoDisponible) { await Task.Delay(o.Pausa * 10, tiempo, ct); break; }
        }
        return hechos;
    }
}

public static class SatExtensions
{
    public static WebApplicationBuilder AddSat(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<SatOptions>(builder.Configuration.GetSection("Sat"));
        var o = builder.Configuration.GetSection("Sat").Get<SatOptions>() ?? new SatOptions();
        builder.Services.TryAddTimeProvider();
        builder.Services.AddHttpClient(ClienteSat.NombreCliente, h => h.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("sat", p =>
            {
                // Outermost first: the bound holds for retries too; each attempt has its own timeout.
                p.AddConcurrencyLimiter(Math.Max(1, o.ConsultasSimultaneas), queueLimit: 1000);
                p.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(0, o.Reintentos),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = o.EsperaReintento,
                });
                p.AddTimeout(o.Timeout);
            });
        builder.Services.AddSingleton<ClienteSat>();
        builder.Services.AddSingleton<VerificacionSat>();
        builder.Services.AddSingleton<RefrescoSat>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RefrescoSat>());
        return builder;
    }

    private static void TryAddTimeProvider(this IServiceCollection services) =>
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton(services, TimeProvider.System);
}
