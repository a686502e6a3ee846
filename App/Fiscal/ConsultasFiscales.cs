using System.Globalization;
using AccesoDescargas.Components;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Fiscal;

/// <summary>A pago (REP) that paid part of an invoice.</summary>
public sealed record PagoDeFactura(string Uuid, string SerieFolio, DateTime? FechaPago, int? Parcialidad, decimal? ImpPagado, decimal? SaldoInsoluto,
    string? Moneda, bool Cancelado);

/// <summary>A nota de crédito (egreso related 01) on an invoice.</summary>
public sealed record NotaDeFactura(string Uuid, string SerieFolio, DateTime Fecha, decimal Total, string Moneda, bool Cancelado);

/// <summary>An invoice a pago paid or a nota credited; <see cref="Importada"/> false when only its UUID is known.</summary>
public sealed record FacturaRelacionada(string Uuid, string SerieFolio, bool Importada, int? Parcialidad, decimal? Importe, decimal? SaldoInsoluto, string? Moneda);

/// <summary>One comprobante with what is known of its payment and its status at SAT, for the detail dialogs and the API.</summary>
public sealed record DetalleFiscal(
    long Id, string Uuid, string SerieFolio, string Tipo, DateTime Fecha, decimal Total, string Moneda, string ReceptorRfc,
    string? MetodoPago, string? FormaPago, EstadoPago? EstadoPago, decimal? SaldoPendiente, decimal? Pagado, decimal? Acreditado,
    bool CanceladoManual, EstadoSat? EstadoSat, DateTime? EstadoSatVerificadoEn, string? SatEsCancelable, string? SatEstatusCancelacion,
    IReadOnlyList<PagoDeFactura> Pagos, IReadOnlyList<NotaDeFactura> Notas, IReadOnlyList<FacturaRelacionada> Paga, IReadOnlyList<FacturaRelacionada> Acredita)
{
    public string EstadoPagoTexto => TextosFiscales.EstadoPago(EstadoPago, SaldoPendiente, Total, Moneda);
    public string EstadoSatTexto => TextosFiscales.EstadoSat(EstadoSat, EstadoSatVerificadoEn);
}

/// <summary>Sums for the list's header, per currency (pesos and dollars are not added together).</summary>
public sealed record TotalesFiscales(string Moneda, decimal Facturado, decimal Pagado, decimal SaldoPendiente);

/// <summary>Reads of the fiscal state that the portal and the staff pages share. Every link stays within one emisor and one receptor RFC.</summary>
public sealed class ConsultasFiscales(IDbContextFactory<AppDbContext> dbFactory)
{
    /// <summary>The comprobante with its pagos, notas and what it pays; null when it is not this emisor's (or, given <paramref name="receptorRfc"/>, not this receptor's).</summary>
    public async Task<DetalleFiscal?> DetalleAsync(int emisorId, string? receptorRfc, string uuid, CancellationToken ct = default)
    {
        uuid = uuid.Trim().ToUpperInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var c = await db.Comprobantes.AsNoTracking()
            .Where(x => x.EmisorId == emisorId && x.Uuid == uuid && (receptorRfc == null || x.ReceptorRfc == receptorRfc))
            .FirstOrDefaultAsync(ct);
        if (c is null) return null;
        var rfc = c.ReceptorRfc;

        var pagos = await db.PagosAplicados.AsNoTracking()
            .Where(p => p.EmisorId == emisorId && p.ReceptorRfc == rfc && p.IdDocumento == uuid)
            .OrderBy(p => p.NumParcialidad).ThenBy(p => p.FechaPago)
            .Select(p => new
            {
                p.Comprobante!.Uuid, p.Comprobante.Serie, p.Comprobante.Folio, p.FechaPago, p.NumParcialidad, p.ImpPagado, p.ImpSaldoInsoluto,
                p.MonedaDocumento, Cancelado = p.Comprobante.Estado == EstadoComprobante.Cancelado || p.Comprobante.EstadoSat == Fiscal.EstadoSat.Cancelado,
            })
            .ToListAsync(ct);
        var notas = await db.Relaciones.AsNoTracking()
            .Where(r => r.EmisorId == emisorId && r.ReceptorRfc == rfc && r.Uuid == uuid && r.TipoRelacion == "01" && r.Comprobante!.Tipo == "E")
            .OrderBy(r => r.Comprobante!.Fecha)
            .Select(r => new
            {
                r.Comprobante!.Uuid, r.Comprobante.Serie, r.Comprobante.Folio, r.Comprobante.Fecha, r.Comprobante.Total, r.Comprobante.Moneda,
                Cancelado = r.Comprobante.Estado == EstadoComprobante.Cancelado || r.Comprobante.EstadoSat == Fiscal.EstadoSat.Cancelado,
            })
            .ToListAsync(ct);
        var paga = await db.PagosAplicados.AsNoTracking().Where(p => p.ComprobanteId == c.Id).OrderBy(p => p.Pago).ThenBy(p => p.Id)
            .Select(p => new { p.IdDocumento, p.NumParcialidad, p.ImpPagado, p.ImpSaldoInsoluto, p.MonedaDocumento })
            .ToListAsync(ct);
        var acredita = c.Tipo == "E"
            ? await db.Relaciones.AsNoTracking().Where(r => r.ComprobanteId == c.Id && r.TipoRelacion == "01").Select(r => r.Uuid).ToListAsync(ct)
            : [];
        var nombres = await SeriesFoliosAsync(db, emisorId, rfc, [.. paga.Select(p => p.IdDocumento), .. acredita], ct);

        return new DetalleFiscal(
            c.Id, c.Uuid, SerieFolio(c.Serie, c.Folio), c.Tipo, c.Fecha, c.Total, c.Moneda, c.ReceptorRfc,
            c.MetodoPago, c.FormaPago, c.EstadoPago, c.SaldoPendiente, c.Pagado, c.Acreditado,
            c.Estado == EstadoComprobante.Cancelado, c.EstadoSat, c.EstadoSatVerificadoEn, c.SatEsCancelable, c.SatEstatusCancelacion,
            pagos.Select(p => new PagoDeFactura(p.Uuid, SerieFolio(p.Serie, p.Folio), p.FechaPago, p.NumParcialidad, p.ImpPagado, p.ImpSaldoInsoluto, p.MonedaDocumento, p.Cancelado)).ToList(),
            notas.Select(n => new NotaDeFactura(n.Uuid, SerieFolio(n.Serie, n.Folio), n.Fecha, n.Total, n.Moneda, n.Cancelado)).ToList(),
            paga.Select(p => new FacturaRelacionada(p.IdDocumento, nombres.GetValueOrDefault(p.IdDocumento, ""), nombres.ContainsKey(p.IdDocumento),
                p.NumParcialidad, p.ImpPagado, p.ImpSaldoInsoluto, p.MonedaDocumento)).ToList(),
            acredita.Select(u => new FacturaRelacionada(u, nombres.GetValueOrDefault(u, ""), nombres.ContainsKey(u), null, null, null, null)).ToList());
    }

    /// <summary>Facturado, pagado and saldo pendiente of the invoices among <paramref name="filtrados"/>, per currency, summed by the database.</summary>
    public static async Task<IReadOnlyList<TotalesFiscales>> TotalesAsync(IQueryable<Comprobante> filtrados, CancellationToken ct)
    {
        var filas = await filtrados.Where(c => c.Tipo == "I")
            .GroupBy(c => c.Moneda)
            .Select(g => new
            {
                Moneda = g.Key,
                Facturado = g.Sum(c => c.Total),
                Pagado = g.Sum(c => c.Pagado ?? 0),
                Saldo = g.Sum(c => c.SaldoPendiente ?? 0),
            })
            .ToListAsync(ct);
        return filas.OrderByDescending(f => f.Moneda == "MXN").ThenBy(f => f.Moneda)
            .Select(f => new TotalesFiscales(f.Moneda, f.Facturado, f.Pagado, f.Saldo)).ToList();
    }

    /// <summary>What is still owed per cliente (the staff's Clientes grid), for the RFCs of one page.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<(string Moneda, decimal Saldo)>>> SaldoPorClienteAsync(
        int emisorId, IReadOnlyCollection<string> rfcs, CancellationToken ct = default)
    {
        if (rfcs.Count == 0) return new Dictionary<string, IReadOnlyList<(string, decimal)>>();
        var lista = rfcs.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var filas = await db.Comprobantes.AsNoTracking()
            .Where(c => c.EmisorId == emisorId && (c.EstadoPago == Fiscal.EstadoPago.Pendiente || c.EstadoPago == Fiscal.EstadoPago.Parcial) && lista.Contains(c.ReceptorRfc))
            .GroupBy(c => new { c.ReceptorRfc, c.Moneda })
            .Select(g => new { g.Key.ReceptorRfc, g.Key.Moneda, Saldo = g.Sum(c => c.SaldoPendiente ?? 0) })
            .ToListAsync(ct);
        return filas.GroupBy(f => f.ReceptorRfc).ToDictionary(g => g.Key,
            g => (IReadOnlyList<(string, decimal)>)g.OrderByDescending(f => f.Moneda == "MXN").Select(f => (f.Moneda, f.Saldo)).ToList());
    }

    /// <summary>"Con saldo pendiente": what may still be owed, including invoices whose amounts do not add up.</summary>
    public static IQueryable<Comprobante> ConSaldoPendiente(IQueryable<Comprobante> q) =>
        q.Where(c => c.EstadoPago == Fiscal.EstadoPago.Pendiente || c.EstadoPago == Fiscal.EstadoPago.Parcial || c.EstadoPago == Fiscal.EstadoPago.Inconsistente);

    private static async Task<Dictionary<string, string>> SeriesFoliosAsync(AppDbContext db, int emisorId, string rfc, List<string> uuids, CancellationToken ct)
    {
        if (uuids.Count == 0) return [];
        var filas = await db.Comprobantes.AsNoTracking()
            .Where(c => c.EmisorId == emisorId && c.ReceptorRfc == rfc && uuids.Contains(c.Uuid))
            .Select(c => new { c.Uuid, c.Serie, c.Folio }).ToListAsync(ct);
        return filas.ToDictionary(f => f.Uuid, f => SerieFolio(f.Serie, f.Folio));
    }

    public static string SerieFolio(string? serie, string? folio) => string.Concat(serie, serie is null || folio is null ? "" : "-", folio);
}

/// <summary>How the fiscal state reads to a user (es-MX).</summary>
public static class TextosFiscales
{
    public static string Importe(decimal importe, string moneda)
    {
        var texto = importe.ToString("C2", UiExtensions.Cultura);
        return moneda == "MXN" ? texto : $"{texto} {moneda}";
    }

    public static string EstadoPago(EstadoPago? estado, decimal? saldo, decimal total, string moneda) => estado switch
    {
        Fiscal.EstadoPago.Pue => "Pagada (PUE)",
        Fiscal.EstadoPago.Pagada => "Pagada",
        Fiscal.EstadoPago.Parcial => $"Pagada parcialmente (saldo {Importe(saldo ?? 0, moneda)} de {Importe(total, moneda)})",
        Fiscal.EstadoPago.Pendiente => "Pendiente de pago",
        Fiscal.EstadoPago.Inconsistente => "Montos inconsistentes en los pagos: revise con el emisor",
        _ => "",
    };

    public static string EstadoSat(EstadoSat? estado, DateTime? verificadoEn) => estado switch
    {
        Fiscal.EstadoSat.Vigente => $"Vigente · verificado el {Fecha(verificadoEn)}",
        Fiscal.EstadoSat.Cancelado => "Cancelado",
        Fiscal.EstadoSat.NoEncontrado => $"No encontrado en el SAT · {Fecha(verificadoEn)}",
        _ => "",
    };

    /// <summary>UTC stored, Mexico City time shown.</summary>
    public static string Fecha(DateTime? utc) =>
        utc is { } f ? DateTime.SpecifyKind(f, DateTimeKind.Utc).AHoraMexico().ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture) : "";
}
