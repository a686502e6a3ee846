using System.Globalization;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Fiscal;

/// <summary>
/// Turns a read <see cref="CfdiDocumento"/> into a comprobante's relation rows, and keeps each
/// invoice's stored saldo up to date from its pagos and notas de crédito. Everything happens on the
/// caller's context, so the rows and the saldos commit in the caller's one SaveChanges.
/// </summary>
public static class SaldosFiscales
{
    /// <summary>Amounts are declared to the cent; a difference under this is rounding.</summary>
    private const decimal Tolerancia = 0.01m;

    /// <summary>Fills the comprobante's MetodoPago, FormaPago and relation rows from its XML.</summary>
    public static void LeerRelaciones(Comprobante c, CfdiDocumento doc)
    {
        c.MetodoPago = Acotar(doc.MetodoPago, 40);
        c.FormaPago = Acotar(doc.FormaPago, 100);
        c.Relaciones.Clear();
        c.PagosAplicados.Clear();
        var vistos = new HashSet<(string, string)>();
        foreach (var r in doc.Relacionados)
        {
            var uuid = r.Uuid.ToUpperInvariant();
            var tipo = Acotar(r.TipoRelacion, 2) ?? "";
            if (!Guid.TryParseExact(uuid, "D", out _) || !vistos.Add((tipo, uuid))) continue;
            c.Relaciones.Add(new CfdiRelacion { EmisorId = c.EmisorId, ReceptorRfc = c.ReceptorRfc, TipoRelacion = tipo, Uuid = uuid, Comprobante = c });
        }
        if (doc.TipoDeComprobante == "P")
        {
            for (var i = 0; i < doc.Pagos.Count; i++)
            {
                var pago = doc.Pagos[i];
                foreach (var d in pago.Documentos)
                {
                    var uuid = d.IdDocumento.ToUpperInvariant();
                    if (!Guid.TryParseExact(uuid, "D", out _)) continue;
                    c.PagosAplicados.Add(new PagoAplicado
                    {
                        EmisorId = c.EmisorId, ReceptorRfc = c.ReceptorRfc, IdDocumento = uuid, Comprobante = c, Pago = i,
                        FechaPago = FechaPago(pago.FechaPago), FormaDePago = Acotar(pago.FormaDePago, 40), MonedaPago = Acotar(pago.Moneda, 3),
                        Monto = pago.Monto, MonedaDocumento = Acotar(d.Moneda, 3),
                        NumParcialidad = int.TryParse(d.NumParcialidad, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null,
                        ImpSaldoAnt = d.ImpSaldoAnt, ImpPagado = d.ImpPagado, ImpSaldoInsoluto = d.ImpSaldoInsoluto,
                    });
                }
            }
        }
        c.RelacionesLeidas = true;
    }

    /// <summary>The invoices whose saldo depends on this comprobante: itself, what it pays, what it credits.</summary>
    public static IReadOnlyCollection<string> Afectados(Comprobante c) =>
        new HashSet<string>([c.Uuid, .. c.PagosAplicados.Select(p => p.IdDocumento), .. c.Relaciones.Where(r => r.TipoRelacion == "01").Select(r => r.Uuid)]);

    /// <summary>
    /// Recomputes, on <paramref name="db"/>'s tracked entities, the saldo of these invoices of one
    /// receptor at one emisor; counts what the context is about to insert as well as what is stored.
    /// The caller saves.
    /// </summary>
    public static Task RecalcularAsync(AppDbContext db, int emisorId, string receptorRfc, IReadOnlyCollection<string> uuids, CancellationToken ct) =>
        RecalcularAsync(db, emisorId, uuids.Select(u => (receptorRfc, u)).ToHashSet(), ct);

    /// <summary>The same for invoices of several receptors at once: three queries in all.</summary>
    public static Task RecalcularAsync(AppDbContext db, int emisorId, IReadOnlySet<(string ReceptorRfc, string Uuid)> afectadas, CancellationToken ct) =>
        RecalcularAsync(db, emisorId, afectadas, sinSeguimiento: [], ct);

    /// <summary>
    /// The same, where <paramref name="sinSeguimiento"/> are new comprobantes (with their relation rows) the
    /// caller inserts itself, outside the context's change tracker (an import's batch): they count like
    /// the tracked ones, and their own saldo is set on them. Stored invoices it changes are tracked, for the caller's SaveChanges.
    /// </summary>
    public static async Task RecalcularAsync(AppDbContext db, int emisorId, IReadOnlySet<(string ReceptorRfc, string Uuid)> afectadas,
        IReadOnlyCollection<Comprobante> sinSeguimiento, CancellationToken ct)
    {
        if (afectadas.Count == 0) return;
        var lista = afectadas.Select(a => a.Uuid).Distinct().ToList();
        var rfcs = afectadas.Select(a => a.ReceptorRfc).Distinct().ToList();
        var unico = rfcs[0];
        var varios = rfcs.Count > 1;
        bool Afectada(string rfc, string uuid) => afectadas.Contains((rfc, uuid));

        var nuevos = db.ChangeTracker.Entries<Comprobante>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).Concat(sinSeguimiento).ToList();
        var consulta = db.Comprobantes.Where(c => c.EmisorId == emisorId && lista.Contains(c.Uuid) && c.Tipo == "I");
        var facturas = (await (varios ? consulta.Where(c => rfcs.Contains(c.ReceptorRfc)) : consulta.Where(c => c.ReceptorRfc == unico)).ToListAsync(ct))
            .Where(c => Afectada(c.ReceptorRfc, c.Uuid)).ToList();
        facturas.AddRange(nuevos.Where(c => c.EmisorId == emisorId && c.Tipo == "I" && Afectada(c.ReceptorRfc, c.Uuid)));
        if (facturas.Count == 0) return;

        // Cancelled carriers do not count; a mark changed on this context but not saved yet wins over the stored one.
        var enMemoria = db.ChangeTracker.Entries<Comprobante>().Where(e => e.State != EntityState.Added)
            .ToDictionary(e => e.Entity.Id, e => e.Entity.EsCancelado);
        bool Cuenta(long comprobanteId, bool cancelado) => !(enMemoria.TryGetValue(comprobanteId, out var c) ? c : cancelado);

        var consultaPagos = db.PagosAplicados.AsNoTracking().Where(p => p.EmisorId == emisorId && lista.Contains(p.IdDocumento));
        var pagos = (await (varios ? consultaPagos.Where(p => rfcs.Contains(p.ReceptorRfc)) : consultaPagos.Where(p => p.ReceptorRfc == unico))
                .Select(p => new { Pago = p, Cancelado = p.Comprobante!.Estado == EstadoComprobante.Cancelado || p.Comprobante.EstadoSat == EstadoSat.Cancelado })
                .ToListAsync(ct))
            .Where(x => Afectada(x.Pago.ReceptorRfc, x.Pago.IdDocumento) && Cuenta(x.Pago.ComprobanteId, x.Cancelado)).Select(x => x.Pago).ToList();
        var consultaNotas = db.Relaciones.AsNoTracking()
            .Where(r => r.EmisorId == emisorId && r.TipoRelacion == "01" && lista.Contains(r.Uuid) && r.Comprobante!.Tipo == "E");
        var notas = (await (varios ? consultaNotas.Where(r => rfcs.Contains(r.ReceptorRfc)) : consultaNotas.Where(r => r.ReceptorRfc == unico))
                .Select(r => new
                {
                    Nota = new Nota(r.Uuid, r.ReceptorRfc, r.ComprobanteId, r.Comprobante!.Total, r.Comprobante.Moneda),
                    Cancelado = r.Comprobante.Estado == EstadoComprobante.Cancelado || r.Comprobante.EstadoSat == EstadoSat.Cancelado,
                })
                .ToListAsync(ct))
            .Where(x => Afectada(x.Nota.ReceptorRfc, x.Nota.Uuid) && Cuenta(x.Nota.ComprobanteId, x.Cancelado)).Select(x => x.Nota).ToList();
        // What this SaveChanges is about to insert (a new pago or nota, or the backfill's rows) counts too.
        pagos.AddRange(db.ChangeTracker.Entries<PagoAplicado>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
            .Concat(sinSeguimiento.SelectMany(c => c.PagosAplicados))
            .Where(p => p.EmisorId == emisorId && Afectada(p.ReceptorRfc, p.IdDocumento) && p.Comprobante is { EsCancelado: false }));
        notas.AddRange(db.ChangeTracker.Entries<CfdiRelacion>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
            .Concat(sinSeguimiento.SelectMany(c => c.Relaciones))
            .Where(r => r.EmisorId == emisorId && r.TipoRelacion == "01" && Afectada(r.ReceptorRfc, r.Uuid)
                        && r.Comprobante is { Tipo: "E", EsCancelado: false })
            .Select(r => new Nota(r.Uuid, r.ReceptorRfc, r.Comprobante!.Id, r.Comprobante.Total, r.Comprobante.Moneda)));
        var pagosPorFactura = pagos.ToLookup(p => (p.ReceptorRfc, p.IdDocumento));
        var notasPorFactura = notas.ToLookup(n => (n.ReceptorRfc, n.Uuid));
        foreach (var f in facturas)
        {
            var saldo = Calcular(f.MetodoPago, f.Total, f.Moneda,
                pagosPorFactura[(f.ReceptorRfc, f.Uuid)].ToList(),
                notasPorFactura[(f.ReceptorRfc, f.Uuid)].Select(n => (n.Total, n.Moneda)).ToList());
            (f.EstadoPago, f.SaldoPendiente, f.Pagado, f.Acreditado) = saldo;
        }
    }

    /// <summary>After a comprobante's cancel mark (the staff's or SAT's) changed on this context: the invoices it pays or credits.</summary>
    public static async Task RecalcularRelacionadosAsync(AppDbContext db, Comprobante c, CancellationToken ct)
    {
        var uuids = new HashSet<string>(await db.PagosAplicados.Where(p => p.ComprobanteId == c.Id).Select(p => p.IdDocumento)
            .Concat(db.Relaciones.Where(r => r.ComprobanteId == c.Id && r.TipoRelacion == "01").Select(r => r.Uuid))
            .ToListAsync(ct)) { c.Uuid };
        await RecalcularAsync(db, c.EmisorId, c.ReceptorRfc, uuids, ct);
    }

    private sealed record Nota(string Uuid, string ReceptorRfc, long ComprobanteId, decimal Total, string Moneda);

    public readonly record struct Saldo(EstadoPago? Estado, decimal? Pendiente, decimal? Pagado, decimal? Acreditado);

    /// <summary>
    /// The saldo as far as the CFDIs say: the latest parcialidad's ImpSaldoInsoluto, less notas de
    /// crédito the issuer had not yet counted in it. Amounts that do not add up are reported as such.
    /// </summary>
    public static Saldo Calcular(string? metodoPago, decimal total, string moneda, IReadOnlyList<PagoAplicado> pagos, IReadOnlyCollection<(decimal Total, string Moneda)> notas)
    {
        if (metodoPago == "PUE") return new(EstadoPago.Pue, 0m, total, 0m);
        if (metodoPago != "PPD") return default;
        var inconsistente = new Saldo(EstadoPago.Inconsistente, null, null, null);

        if (notas.Any(n => n.Moneda != moneda)) return inconsistente;
        var acreditado = notas.Sum(n => n.Total);
        decimal pendiente;
        decimal pagado = 0;
        if (pagos.Count == 0)
        {
            pendiente = total - acreditado;
        }
        else
        {
            if (pagos.Any(p => p.ImpPagado is null || p.ImpSaldoInsoluto is null || p.NumParcialidad is null
                               || (p.MonedaDocumento is { } m && m != moneda)
                               || (p.ImpSaldoAnt is { } ant && Math.Abs(ant - p.ImpPagado!.Value - p.ImpSaldoInsoluto!.Value) > Tolerancia)))
                return inconsistente;
            // One parcialidad declared twice (the same pago imported under two UUIDs) is not two payments.
            if (pagos.GroupBy(p => p.NumParcialidad).Any(g => g.Count() > 1)) return inconsistente;
            pagado = pagos.Sum(p => p.ImpPagado!.Value);
            var ultimo = pagos.MaxBy(p => p.NumParcialidad)!;
            var insoluto = ultimo.ImpSaldoInsoluto!.Value;
            if (Math.Abs(total - acreditado - pagado - insoluto) <= Tolerancia)
                pendiente = insoluto;               // the issuer already took the notas off
            else if (Math.Abs(total - pagado - insoluto) <= Tolerancia)
                pendiente = insoluto - acreditado;  // the notas came after, or are not in the pagos' saldo
            else
                return inconsistente;
        }
        if (pendiente < -Tolerancia) return inconsistente;
        if (pendiente <= Tolerancia) return new(EstadoPago.Pagada, 0m, pagado, acreditado);
        return new(pagado == 0 && acreditado == 0 ? EstadoPago.Pendiente : EstadoPago.Parcial, pendiente, pagado, acreditado);
    }

    private static DateTime? FechaPago(string? texto) =>
        texto is { Length: >= 19 } && DateTime.TryParseExact(texto[..19], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f) ? f : null;

    private static string? Acotar(string? texto, int maximo) => texto is null || texto.Length <= maximo ? texto : texto[..maximo];
}
