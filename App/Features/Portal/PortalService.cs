using System.Globalization;
using AccesoDescargas.Components;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Fiscal;
using AccesoDescargas.Fiscal.Sat;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.Portal;

public sealed record FiltroComprobantes(DateOnly? Desde = null, DateOnly? Hasta = null, string? Tipo = null, string? Buscar = null, bool ConSaldo = false)
{
    /// <summary>The same filter as query parameters of the ZIP download.</summary>
    public string QueryString()
    {
        var partes = new List<string>();
        if (Desde is { } d) partes.Add("desde=" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (Hasta is { } h) partes.Add("hasta=" + h.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(Tipo)) partes.Add("tipo=" + Uri.EscapeDataString(Tipo));
        if (!string.IsNullOrWhiteSpace(Buscar)) partes.Add("q=" + Uri.EscapeDataString(Buscar.Trim()));
        if (ConSaldo) partes.Add("saldo=pendiente");
        return partes.Count == 0 ? "" : "?" + string.Join('&', partes);
    }
}

public sealed record FilaComprobante(string Uuid, DateTime Fecha, string? Serie, string? Folio, string Tipo, decimal Total, string Moneda,
    EstadoComprobante Estado, bool TienePdf, EstadoPago? EstadoPago = null, decimal? SaldoPendiente = null, EstadoSat? EstadoSat = null,
    DateTime? EstadoSatVerificadoEn = null)
{
    /// <summary>Cancelled by the emisor's mark or at SAT.</summary>
    public bool Cancelado => Estado == EstadoComprobante.Cancelado || EstadoSat == Fiscal.EstadoSat.Cancelado;
    public string EstadoPagoTexto => TextosFiscales.EstadoPago(EstadoPago, SaldoPendiente, Total, Moneda);
    /// <summary>"Vigente · verificado el …" once SAT answered, "Vigente" (the emisor's word) before.</summary>
    public string EstadoTexto => Cancelado ? "Cancelado" : EstadoSat is null ? "Vigente" : TextosFiscales.EstadoSat(EstadoSat, EstadoSatVerificadoEn);
    public string SerieFolio => string.Concat(Serie, Serie is null || Folio is null ? "" : "-", Folio);
    /// <summary>How the row is named to a screen reader: its serie-folio, or its UUID without one.</summary>
    public string Nombre => SerieFolio.Length > 0 ? SerieFolio : Uuid;
    public string TipoNombre => PortalService.NombreTipo(Tipo);
    public string TotalTexto => PortalService.FormatoTotal(Total, Moneda);
}

public sealed record PaginaComprobantes(IReadOnlyList<FilaComprobante> Filas, int Total);

public enum OrdenComprobantes { FechaDesc, FechaAsc, TotalDesc, TotalAsc }

/// <summary>A session whose access was disabled or whose password changed: the page sends the user to sign in again.</summary>
public sealed class SesionPortalTerminadaException() : Exception("La sesión del portal terminó.");

public sealed class PortalService(IDbContextFactory<AppDbContext> dbFactory, SellosPortal sellos, ConsultasFiscales fiscales, VerificacionSat sat)
{
    /// <summary>The most comprobantes one ZIP holds (about 1.3 GB of typical XML and PDF).</summary>
    public const int MaximoZip = 10_000;

    public static readonly IReadOnlyList<(string Clave, string Nombre)> Tipos =
        [("I", "Ingreso"), ("E", "Egreso"), ("T", "Traslado"), ("N", "Nómina"), ("P", "Pago")];

    public async Task<PaginaComprobantes> ListarAsync(SesionPortal sesion, FiltroComprobantes filtro, int pagina, int tamano,
        OrdenComprobantes orden, CancellationToken ct = default)
    {
        await VerificarSesionAsync(sesion, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = Filtrar(db.Comprobantes.AsNoTracking(), sesion.EmisorId, sesion.Rfc, filtro);
        var total = await q.CountAsync(ct);
        q = orden switch
        {
            OrdenComprobantes.FechaAsc => q.OrderBy(c => c.Fecha).ThenBy(c => c.Id),
            OrdenComprobantes.TotalDesc => db.OrdenarPorTotal(q, descendente: true),
            OrdenComprobantes.TotalAsc => db.OrdenarPorTotal(q, descendente: false),
            _ => q.OrderByDescending(c => c.Fecha).ThenByDescending(c => c.Id),
        };
        // The page's ids alone first: the (EmisorId, ReceptorRfc, Fecha, Id) index answers them without
        // reading the table (paging whole rows read every skipped row: 112 ms for the last of 2,000
        // pages on PostgreSQL). Then the page's rows by primary key, put back in the page's order.
        var ids = await q.Skip(pagina * tamano).Take(tamano).Select(c => c.Id).ToListAsync(ct);
        if (ids.Count == 0) return new PaginaComprobantes([], total);
        var filas = await db.Comprobantes.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, Fila = new FilaComprobante(c.Uuid, c.Fecha, c.Serie, c.Folio, c.Tipo, c.Total, c.Moneda, c.Estado, c.PdfKey != null,
                c.EstadoPago, c.SaldoPendiente, c.EstadoSat, c.EstadoSatVerificadoEn) })
            .ToListAsync(ct);
        return new PaginaComprobantes(Paginas.EnOrden(filas, ids, f => f.Id).ConvertAll(f => f.Fila), total);
    }

    /// <summary>The header's sums for the whole filter, not only the page: facturado, pagado, saldo pendiente.</summary>
    public async Task<IReadOnlyList<TotalesFiscales>> TotalesAsync(SesionPortal sesion, FiltroComprobantes filtro, CancellationToken ct = default)
    {
        await VerificarSesionAsync(sesion, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ConsultasFiscales.TotalesAsync(Filtrar(db.Comprobantes.AsNoTracking(), sesion.EmisorId, sesion.Rfc, filtro), ct);
    }

    /// <summary>"Verificar en el SAT" from the portal: only this session's receptor's comprobantes.</summary>
    public async Task<Verificacion> VerificarEnSatAsync(SesionPortal sesion, string uuid, CancellationToken ct = default)
    {
        await VerificarSesionAsync(sesion, ct);
        return await sat.VerificarAsync(sesion.EmisorId, sesion.Rfc, uuid, ct);
    }

    /// <summary>The detail dialog's data, only for this session's receptor.</summary>
    public async Task<DetalleFiscal?> DetalleAsync(SesionPortal sesion, string uuid, CancellationToken ct = default)
    {
        await VerificarSesionAsync(sesion, ct);
        return await fiscales.DetalleAsync(sesion.EmisorId, sesion.Rfc, uuid, ct);
    }

    public async Task<int> ContarAsync(SesionPortal sesion, FiltroComprobantes filtro, CancellationToken ct = default)
    {
        await VerificarSesionAsync(sesion, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Filtrar(db.Comprobantes.AsNoTracking(), sesion.EmisorId, sesion.Rfc, filtro).CountAsync(ct);
    }

    private async Task VerificarSesionAsync(SesionPortal sesion, CancellationToken ct)
    {
        if (!await sellos.EsVigenteAsync(sesion.AccesoId, sesion.Sello, ct)) throw new SesionPortalTerminadaException();
    }

    /// <summary>This receptor's comprobantes of this emisor that match the filter; answered from the (EmisorId, ReceptorRfc, Fecha) index.</summary>
    public static IQueryable<Comprobante> Filtrar(IQueryable<Comprobante> q, int emisorId, string rfc, FiltroComprobantes f)
    {
        q = q.Where(c => c.EmisorId == emisorId && c.ReceptorRfc == rfc);
        if (f.Desde is { } desde)
        {
            var d = desde.ToDateTime(TimeOnly.MinValue);
            q = q.Where(c => c.Fecha >= d);
        }
        if (f.Hasta is { } hasta)
        {
            var h = hasta.AddDays(1).ToDateTime(TimeOnly.MinValue);
            q = q.Where(c => c.Fecha < h);
        }
        if (!string.IsNullOrEmpty(f.Tipo))
            q = q.Where(c => c.Tipo == f.Tipo);
        if (f.ConSaldo)
            q = ConsultasFiscales.ConSaldoPendiente(q);
        if (!string.IsNullOrWhiteSpace(f.Buscar))
            q = BusquedaFolio.Filtrar(q, f.Buscar);
        return q;
    }

    public static string NombreArchivo(string? serie, string? folio, string uuid)
    {
        var prefijo = Limpiar(string.Concat(serie, folio));
        return prefijo.Length == 0 ? uuid : $"{prefijo}_{uuid}";
    }

    // Serie and folio come from the XML: keep file names portable (no separators or control characters).
    private static string Limpiar(string s)
    {
        Span<char> limpio = stackalloc char[60];
        var n = 0;
        foreach (var c in s)
        {
            if (!(char.IsLetterOrDigit(c) || c is '-' or '.')) continue;
            limpio[n++] = c;
            if (n == limpio.Length) break;
        }
        return new string(limpio[..n]);
    }

    public static string NombreTipo(string tipo) => Tipos.FirstOrDefault(t => t.Clave == tipo).Nombre ?? tipo;

    public static string FormatoTotal(decimal total, string moneda) => Formato.Importe(total, moneda);
}
