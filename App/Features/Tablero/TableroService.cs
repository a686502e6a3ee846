using AccesoDescargas.Components;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.Tablero;

/// <summary>What the home page shows an emisor: each figure is one aggregate the database answers from an index.</summary>
public sealed record Tablero(
    IReadOnlyList<DescargasDelDia> DescargasPorDia, int AccesosSinUso, int AccesosConCorreoFallido,
    int ComprobantesImportadosEsteMes, int ClientesSinCorreo)
{
    public int DescargasTotales => DescargasPorDia.Sum(d => d.Descargas);
}

public sealed record DescargasDelDia(DateOnly Dia, int Descargas);

public sealed class TableroService(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int Dias = 30;

    public async Task<Tablero> ObtenerAsync(int emisorId, DateTime ahoraUtc, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hoy = DateOnly.FromDateTime(ahoraUtc.AHoraMexico());
        var primerDia = hoy.AddDays(1 - Dias);
        // Mexico City has had no daylight saving time since 2022: one offset turns UTC instants into its days.
        var desfase = UiExtensions.ZonaMexico.GetUtcOffset(ahoraUtc);
        var desdeUtc = primerDia.ToDateTime(TimeOnly.MinValue) - desfase;

        // (EmisorId, Cuando) index: only the last 30 days of this emisor's events are read, grouped in the database.
        var porDia = await db.Eventos.AsNoTracking()
            .Where(e => e.EmisorId == emisorId && e.Cuando >= desdeUtc && e.Que.StartsWith("descarga."))
            .GroupBy(e => e.Cuando.AddHours(desfase.TotalHours).Date)
            .Select(g => new { Dia = g.Key, Descargas = g.Count() })
            .ToListAsync(ct);
        var descargas = Enumerable.Range(0, Dias).Select(i => primerDia.AddDays(i))
            .Select(d => new DescargasDelDia(d, porDia.Where(p => DateOnly.FromDateTime(p.Dia) == d).Sum(p => p.Descargas)))
            .ToList();

        var sinUso = await db.Accesos.CountAsync(a => a.EmisorId == emisorId && a.UltimoAccesoEn == null, ct);
        var conCorreoFallido = await db.Accesos
            .Where(a => a.EmisorId == emisorId && a.UltimoEnvioEn != null)
            .CountAsync(a => db.Correos.Any(m => m.Id == a.UltimoEnvioCorreoId && m.Estado == EstadoCorreo.Fallido), ct);
        var inicioMes = new DateOnly(hoy.Year, hoy.Month, 1).ToDateTime(TimeOnly.MinValue) - desfase;
        var importados = await db.Comprobantes.CountAsync(c => c.EmisorId == emisorId && c.ImportadoEn >= inicioMes, ct);
        var clientesSinCorreo = await db.Clientes.CountAsync(c => c.EmisorId == emisorId && (c.Email == null || c.Email == ""), ct);
        return new Tablero(descargas, sinUso, conCorreoFallido, importados, clientesSinCorreo);
    }
}

public static class TableroExtensions
{
    public static WebApplicationBuilder AddTablero(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<TableroService>();
        return builder;
    }
}
