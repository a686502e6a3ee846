using AccesoDescargas.Components;
using System.Globalization;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Fiscal;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Email;
using Microsoft.EntityFrameworkCore;
using AccesoDescargas.Receptores;

namespace AccesoDescargas.Features.Comprobantes;

public sealed record FiltroComprobantes(string? ReceptorRfc = null, DateTime? Desde = null, DateTime? Hasta = null, string? Tipo = null, EstadoComprobante? Estado = null,
    bool ConSaldo = false, string? EstadoSat = null, string? Buscar = null);

public sealed record ComprobanteFila(
    long Id, string Uuid, string? Serie, string? Folio, DateTime Fecha, string Tipo, decimal Total, string Moneda,
    string ReceptorRfc, string? ReceptorNombre, EstadoComprobante Estado, bool TienePdf,
    EstadoPago? EstadoPago = null, decimal? SaldoPendiente = null, EstadoSat? EstadoSat = null, DateTime? EstadoSatVerificadoEn = null)
{
    public string EstadoPagoTexto => TextosFiscales.EstadoPago(EstadoPago, SaldoPendiente, Total, Moneda);
    public string EstadoSatTexto => EstadoSat is null ? "Sin verificar en el SAT" : "SAT: " + TextosFiscales.EstadoSat(EstadoSat, EstadoSatVerificadoEn);
    public string SerieFolio => $"{Serie}{(Serie is not null && Folio is not null ? "-" : "")}{Folio}";
}

/// <summary>The envío dialog's data: the comprobante and the address to suggest (the cliente's).</summary>
public sealed record DatosEnvio(ComprobanteFila Comprobante, string? CorreoCliente);

public sealed class ComprobantesService(
    IDbContextFactory<AppDbContext> dbFactory, Outbox outbox, RepresentacionService representacion, ILogger<ComprobantesService> logger)
{
    public const string MensajeNoEncontrado = "No se encontró el comprobante.";

    public static readonly IReadOnlyDictionary<string, string> Tipos = new Dictionary<string, string>
    {
        ["I"] = "Ingreso", ["E"] = "Egreso", ["T"] = "Traslado", ["N"] = "Nómina", ["P"] = "Pago",
    };

    /// <summary>
    /// One page of the filter (one count and one Skip/Take, answered from the (EmisorId, Fecha) or (EmisorId, ReceptorRfc, Fecha) index), newest first. <paramref name="primero"/> (the UUIDs just imported, at most
    /// <see cref="MaximoResaltados"/>) go first, so staff see what they uploaded even when its dates are old.
    /// </summary>
    public async Task<(IReadOnlyList<ComprobanteFila> Filas, int Total)> PaginaAsync(
        int emisorId, FiltroComprobantes filtro, int pagina, int tamanoPagina, CancellationToken ct = default, IReadOnlyCollection<string>? primero = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var consulta = Filtrar(db, emisorId, filtro);
        var total = await consulta.CountAsync(ct);

        var nuevos = primero?.Take(MaximoResaltados).ToList() ?? [];
        List<ComprobanteFila> primeros = [];
        if (nuevos.Count > 0)
        {
            primeros = await consulta.Where(c => nuevos.Contains(c.Uuid)).OrderByDescending(c => c.Fecha).ThenByDescending(c => c.Id).Select(Fila).ToListAsync(ct);
            consulta = consulta.Where(c => !nuevos.Contains(c.Uuid));
        }
        var inicio = pagina * tamanoPagina;
        var filas = primeros.Skip(inicio).Take(tamanoPagina).ToList();
        if (filas.Count < tamanoPagina)
            filas.AddRange(await consulta
                .OrderByDescending(c => c.Fecha).ThenByDescending(c => c.Id)
                .Skip(Math.Max(0, inicio - primeros.Count)).Take(tamanoPagina - filas.Count)
                .Select(Fila)
                .ToListAsync(ct));
        return (filas, total);
    }

    public const int MaximoResaltados = 200;

    /// <summary>Facturado, pagado and saldo pendiente of the whole filter, per currency.</summary>
    public async Task<IReadOnlyList<TotalesFiscales>> TotalesAsync(int emisorId, FiltroComprobantes filtro, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ConsultasFiscales.TotalesAsync(Filtrar(db, emisorId, filtro), ct);
    }

    public static readonly IReadOnlyList<(string Clave, string Nombre)> EstadosSat =
        [("vigente", "Vigente"), ("cancelado", "Cancelado"), ("no_encontrado", "No encontrado"), ("sin_verificar", "Sin verificar")];

    /// <summary>The staff filter as a query over the emisor's comprobantes (the grid and the exports).</summary>
    public static IQueryable<Comprobante> Filtrar(AppDbContext db, int emisorId, FiltroComprobantes filtro)
    {
        var consulta = db.Comprobantes.AsNoTracking().Where(c => c.EmisorId == emisorId);

        var rfc = Rfc.Normalizar(filtro.ReceptorRfc);
        if (rfc.Length is 12 or 13)
            consulta = consulta.Where(c => c.ReceptorRfc == rfc);
        else if (rfc.Length > 0)
        {
            var (rfcDesde, rfcHasta) = Prefijo.Rango(rfc);
            consulta = consulta.Where(c => string.Compare(c.ReceptorRfc, rfcDesde) >= 0 && string.Compare(c.ReceptorRfc, rfcHasta) < 0);
        }
        if (filtro.Desde is { } desde) consulta = consulta.Where(c => c.Fecha >= desde.Date);
        if (filtro.Hasta is { } hastaFecha) { var limite = hastaFecha.Date.AddDays(1); consulta = consulta.Where(c => c.Fecha < limite); }
        if (!string.IsNullOrEmpty(filtro.Tipo)) consulta = consulta.Where(c => c.Tipo == filtro.Tipo);
        if (filtro.Estado is { } estado) consulta = consulta.Where(c => c.Estado == estado);
        if (filtro.ConSaldo) consulta = ConsultasFiscales.ConSaldoPendiente(consulta);
        if (!string.IsNullOrWhiteSpace(filtro.Buscar)) consulta = BusquedaFolio.Filtrar(consulta, filtro.Buscar);
        consulta = filtro.EstadoSat switch
        {
            "vigente" => consulta.Where(c => c.EstadoSat == Fiscal.EstadoSat.Vigente),
            "cancelado" => consulta.Where(c => c.EstadoSat == Fiscal.EstadoSat.Cancelado),
            "no_encontrado" => consulta.Where(c => c.EstadoSat == Fiscal.EstadoSat.NoEncontrado),
            "sin_verificar" => consulta.Where(c => c.EstadoSat == null),
            _ => consulta,
        };
        return consulta;
    }

    public async Task<DatosEnvio?> DatosEnvioAsync(int emisorId, string uuid, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var fila = await db.Comprobantes.AsNoTracking().Where(c => c.EmisorId == emisorId && c.Uuid == uuid.ToUpperInvariant()).Select(Fila).SingleOrDefaultAsync(ct);
        if (fila is null) return null;
        var correo = await db.Clientes.Where(c => c.EmisorId == emisorId && c.Rfc == fila.ReceptorRfc).Select(c => c.Email).SingleOrDefaultAsync(ct)
                     ?? await db.Accesos.Where(a => a.EmisorId == emisorId && a.Rfc == fila.ReceptorRfc).Select(a => a.Email).SingleOrDefaultAsync(ct);
        return new DatosEnvio(fila, correo);
    }

    public async Task<bool> MarcarEstadoAsync(int emisorId, string uuid, EstadoComprobante estado, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var comprobante = await db.Comprobantes.SingleOrDefaultAsync(c => c.EmisorId == emisorId && c.Uuid == uuid.ToUpperInvariant(), ct);
        if (comprobante is null) return false;
        if (comprobante.Estado == estado) return true;
        comprobante.Estado = estado;
        // A cancelled pago or nota de crédito no longer counts in the saldo of what it paid or credited.
        await SaldosFiscales.RecalcularRelacionadosAsync(db, comprobante, ct);
        Eventos.Registrar(db, emisorId, actor.Quien, estado == EstadoComprobante.Cancelado ? "comprobante.cancelado" : "comprobante.vigente",
            comprobante.ReceptorRfc, comprobante.Uuid, ip: actor.Ip);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Queues the email with the XML and PDF attached and the portal link; returns the Spanish reason when it cannot.</summary>
    public async Task<string?> EnviarPorCorreoAsync(int emisorId, string uuid, string? para, Actor actor, string baseUrl, CancellationToken ct = default)
    {
        var direccion = DireccionCorreo.Validar(para);
        if (!direccion.EsValida) return direccion.Error;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var c = await db.Comprobantes.AsNoTracking().SingleOrDefaultAsync(x => x.EmisorId == emisorId && x.Uuid == uuid.ToUpperInvariant(), ct);
        if (c is null) return MensajeNoEncontrado;
        var emisor = await db.Emisores.AsNoTracking().Where(e => e.Id == emisorId).Select(e => new { e.RazonSocial, e.Slug }).SingleAsync(ct);

        var pdfKey = c.PdfKey ?? await GenerarPdfAsync(emisorId, c, ct);
        var adjuntos = new List<Adjunto> { new(NombreArchivo(c.Uuid, c.Serie, c.Folio, "xml"), "application/xml", c.XmlKey) };
        if (pdfKey is not null) adjuntos.Add(new(NombreArchivo(c.Uuid, c.Serie, c.Folio, "pdf"), "application/pdf", pdfKey));
        var enlace = EnlacesPortal.Ingreso(baseUrl, emisor.Slug, c.ReceptorRfc);
        var (asunto, html, texto) = CorreoComprobante.Crear(emisor.RazonSocial, c, enlace, pdfKey is not null);

        outbox.Encolar(db, new CorreoNuevo(emisorId, direccion.Direccion!, asunto, html, texto, "comprobante", c.ReceptorRfc, c.Uuid, adjuntos));
        Eventos.Registrar(db, emisorId, actor.Quien, "comprobante.enviado", c.ReceptorRfc, c.Uuid, direccion.Direccion, actor.Ip);
        await db.SaveChangesAsync(ct);
        outbox.Despertar();
        return null;
    }

    /// <summary>The receptor expects the PDF: when the background worker has not made it yet, it is made now.</summary>
    private async Task<string?> GenerarPdfAsync(int emisorId, Comprobante c, CancellationToken ct)
    {
        try
        {
            return (await representacion.ObtenerOGenerarPdfAsync(emisorId, c.Id, ct))?.Key;
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            // The XML still goes out: it is the fiscal document; the PDF is its printed form.
            logger.LogWarning(e, "No se pudo generar el PDF del comprobante {Uuid} para enviarlo por correo", c.Uuid);
            return null;
        }
    }

    /// <summary>"FA-1024_5E2D6AFF-....xml": what the receptor recognises, safe in any file system.</summary>
    public static string NombreArchivo(string uuid, string? serie, string? folio, string extension)
    {
        var serieFolio = new string($"{serie}{(serie is not null && folio is not null ? "-" : "")}{folio}"
            .Where(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_').ToArray());
        return (serieFolio.Length > 0 ? $"{serieFolio}_{uuid}" : uuid) + "." + extension;
    }

    public static string Importe(decimal total, string moneda) => Formato.Importe(total, moneda);

    public static string NombreTipo(string tipo) => Tipos.GetValueOrDefault(tipo, tipo);

    /// <summary>The filter as the export links' query string (the same names the export endpoints read).</summary>
    public static string QueryString(FiltroComprobantes f)
    {
        var partes = new List<string>();
        if (!string.IsNullOrWhiteSpace(f.ReceptorRfc)) partes.Add("rfc=" + Uri.EscapeDataString(f.ReceptorRfc.Trim()));
        if (f.Desde is { } d) partes.Add("desde=" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (f.Hasta is { } h) partes.Add("hasta=" + h.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(f.Tipo)) partes.Add("tipo=" + Uri.EscapeDataString(f.Tipo));
        if (f.Estado is { } e) partes.Add("estado=" + e);
        if (f.ConSaldo) partes.Add("conSaldo=true");
        if (!string.IsNullOrEmpty(f.EstadoSat)) partes.Add("sat=" + Uri.EscapeDataString(f.EstadoSat));
        if (!string.IsNullOrWhiteSpace(f.Buscar)) partes.Add("q=" + Uri.EscapeDataString(f.Buscar.Trim()));
        return partes.Count == 0 ? "" : "?" + string.Join('&', partes);
    }

    private static readonly System.Linq.Expressions.Expression<Func<Comprobante, ComprobanteFila>> Fila = c =>
        new ComprobanteFila(c.Id, c.Uuid, c.Serie, c.Folio, c.Fecha, c.Tipo, c.Total, c.Moneda, c.ReceptorRfc, c.ReceptorNombre, c.Estado, c.PdfKey != null,
            c.EstadoPago, c.SaldoPendiente, c.EstadoSat, c.EstadoSatVerificadoEn);
}
