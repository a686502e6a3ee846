using AccesoDescargas.Fiscal;
using AccesoDescargas.Features.ApiKeys;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Features.Exportaciones;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AccesoDescargas.Features.Comprobantes;

public static class ComprobantesEndpoints
{
    public static WebApplicationBuilder AddComprobantes(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ComprobantesOptions>(builder.Configuration.GetSection("Comprobantes"));
        builder.Services.AddScoped<ImportacionService>();
        builder.Services.AddScoped<ComprobantesService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapComprobantesEndpoints(this IEndpointRouteBuilder app)
    {
        // Issuer-side downloads: the signed-in staff user's emisor only; anything else is 404, like what does not exist.
        var archivos = app.MapGroup("/comprobantes").RequireAuthorization();
        archivos.MapGet("/{uuid}/xml", (string uuid, HttpContext http, AppDbContext db, IFileStore store, RepresentacionService representacion) =>
            DescargarAsync(http, uuid, pdf: false, db, store, representacion));
        archivos.MapGet("/{uuid}/pdf", (string uuid, HttpContext http, AppDbContext db, IFileStore store, RepresentacionService representacion) =>
            DescargarAsync(http, uuid, pdf: true, db, store, representacion));

        // The Comprobantes page's filter exported (the query string ComprobantesService.QueryString writes): rfc (or its start),
        // desde, hasta (yyyy-MM-dd), tipo, estado, conSaldo, sat, q (folio or UUID, or their start).
        app.MapGet("/comprobantes.xlsx", async (HttpContext http, AppDbContext db, string? rfc, DateTime? desde, DateTime? hasta, string? tipo, EstadoComprobante? estado,
                bool? conSaldo, string? sat, string? q) =>
            await Exportacion.XlsxAsync(await FilasAsync(http, db, new FiltroComprobantes(rfc, desde, hasta, tipo, estado, conSaldo == true, sat, q)),
                Exportacion.Nombre(await RfcEmisorAsync(http, db)), http.RequestAborted))
            .RequireAuthorization();
        app.MapGet("/comprobantes.csv", async (HttpContext http, AppDbContext db, string? rfc, DateTime? desde, DateTime? hasta, string? tipo, EstadoComprobante? estado,
                bool? conSaldo, string? sat, string? q) =>
            {
                var filas = await FilasAsync(http, db, new FiltroComprobantes(rfc, desde, hasta, tipo, estado, conSaldo == true, sat, q));
                await Exportacion.CsvAsync(http, ((IQueryable<FilaExportacion>)filas).AsAsyncEnumerable(), Exportacion.Nombre(await RfcEmisorAsync(http, db)));
            })
            .RequireAuthorization();

        var api = app.MapApiV1();
        api.MapPost("/comprobantes", ImportarAsync);
        api.MapPost("/comprobantes/zip", ImportarZipAsync);
        api.MapGet("/comprobantes/{uuid}", ObtenerAsync);
        return app;
    }

    private static Task<string> RfcEmisorAsync(HttpContext http, AppDbContext db)
    {
        var id = http.User.EmisorId();
        return db.Emisores.Where(e => e.Id == id).Select(e => e.Rfc).SingleAsync(http.RequestAborted);
    }

    private static async Task<IQueryable<FilaExportacion>> FilasAsync(HttpContext http, AppDbContext db, FiltroComprobantes filtro)
    {
        var emisorRfc = await RfcEmisorAsync(http, db);
        return ComprobantesService.Filtrar(db, http.User.EmisorId(), filtro)
            .OrderByDescending(c => c.Fecha).ThenByDescending(c => c.Id)
            .Select(c => new FilaExportacion
            {
                Fecha = c.Fecha, Serie = c.Serie, Folio = c.Folio, Uuid = c.Uuid, Tipo = ComprobantesService.NombreTipo(c.Tipo),
                EmisorRfc = emisorRfc, ReceptorRfc = c.ReceptorRfc, SubTotal = c.SubTotal,
                ImpuestosTrasladados = c.ImpuestosTrasladados, ImpuestosRetenidos = c.ImpuestosRetenidos,
                Total = c.Total, Moneda = c.Moneda, Estado = c.Estado == EstadoComprobante.Cancelado ? "Cancelado" : "Vigente",
            });
    }

    private sealed record Archivos(long Id, string XmlKey, string? PdfKey, string? Serie, string? Folio);

    private static readonly ConsultaCompilada<Func<AppDbContext, int, string, Task<Archivos?>>> BuscarArchivos =
        new(() => EF.CompileAsyncQuery((AppDbContext db, int emisorId, string uuid) => db.Comprobantes
            .Where(c => c.EmisorId == emisorId && c.Uuid == uuid)
            .Select(c => new Archivos(c.Id, c.XmlKey, c.PdfKey, c.Serie, c.Folio))
            .FirstOrDefault()));

    private static async Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, NotFound>> DescargarAsync(
        HttpContext http, string uuid, bool pdf, AppDbContext db, IFileStore store, RepresentacionService representacion)
    {
        var (emisorId, ct) = (http.User.EmisorId(), http.RequestAborted);
        if (!Guid.TryParseExact(uuid, "D", out _)) return TypedResults.NotFound();
        uuid = uuid.ToUpperInvariant();
        var a = await BuscarArchivos.Para(db)(db, emisorId, uuid);
        if (a is null) return TypedResults.NotFound();
        // A comprobante without a PDF yet gets its representación impresa now, instead of a dead link.
        var key = !pdf ? a.XmlKey : a.PdfKey ?? (await representacion.ObtenerOGenerarPdfAsync(emisorId, a.Id, ct))?.Key;
        if (key is null) return TypedResults.NotFound();

        var nombre = ComprobantesService.NombreArchivo(uuid, a.Serie, a.Folio, pdf ? "pdf" : "xml");
        var tipo = pdf ? "application/pdf" : "application/xml";
        // A CFDI is private: no shared cache keeps it, and no browser renders an XML as something else.
        http.Response.Headers.CacheControl = "private, no-cache";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (store.RutaFisica(key) is { } ruta) return TypedResults.PhysicalFile(ruta, tipo, nombre);
        return await store.AbrirAsync(key, ct: ct) is { } flujo ? TypedResults.Stream(flujo, tipo, nombre) : TypedResults.NotFound();
    }

    private static async Task<Results<Created<ComprobanteResumen>, Ok<ComprobanteResumen>, ProblemHttpResult>> ImportarAsync(
        HttpContext http, ImportacionService importacion, IOptions<ComprobantesOptions> options, CancellationToken ct)
    {
        var limites = options.Value;
        var maximo = limites.XmlTamanoMaximo + limites.PdfTamanoMaximo + 64 * 1024;
        var excede = $"La petición excede el tamaño máximo: XML de hasta {ComprobantesOptions.Megas(limites.XmlTamanoMaximo)} y PDF de hasta {ComprobantesOptions.Megas(limites.PdfTamanoMaximo)}.";
        if (http.Request.ContentLength > maximo)
            return ApiV1.Problema(StatusCodes.Status413PayloadTooLarge, "Archivo demasiado grande", excede);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limite)
            limite.MaxRequestBodySize = maximo;
        if (!http.Request.HasFormContentType)
            return ApiV1.Problema(StatusCodes.Status400BadRequest, "Petición no válida", "Envíe multipart/form-data con el campo «xml» (y, si lo tiene, «pdf»).");

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiV1.Problema(StatusCodes.Status413PayloadTooLarge, "Archivo demasiado grande", excede);
        }
        // A body cut short (the client's connection dropped mid-upload) ends the multipart reader with an IOException.
        catch (Exception e) when (e is InvalidDataException or IOException && !ct.IsCancellationRequested)
        {
            return ApiV1.Problema(StatusCodes.Status400BadRequest, "Petición no válida", "El cuerpo multipart/form-data no es válido.");
        }

        var xml = form.Files.GetFile("xml");
        var pdf = form.Files.GetFile("pdf");
        if (xml is null || xml.Length == 0)
            return ApiV1.Problema(StatusCodes.Status400BadRequest, "Falta el XML", "Envíe el CFDI en el campo «xml».");
        if (xml.Length > limites.XmlTamanoMaximo)
            return ApiV1.Problema(StatusCodes.Status413PayloadTooLarge, "Archivo demasiado grande", limites.MensajeXmlExcede);
        if (pdf?.Length > limites.PdfTamanoMaximo)
            return ApiV1.Problema(StatusCodes.Status413PayloadTooLarge, "Archivo demasiado grande", limites.MensajePdfExcede);

        await using var xmlFlujo = xml.OpenReadStream();
        await using var pdfFlujo = pdf is { Length: > 0 } ? pdf.OpenReadStream() : null;
        var actor = new Actor("api", http.Connection.RemoteIpAddress?.ToString());
        ResultadoImportacion r;
        try
        {
            r = await importacion.ImportarAsync(http.User.EmisorId(), actor, xmlFlujo, pdfFlujo, ct);
        }
        catch (ArchivoRechazadoException e)
        {
            return ApiV1.Problema(StatusCodes.Status400BadRequest, "Archivo rechazado", e.Message);
        }
        return r switch
        {
            { Estado: EstadoImportacion.Importado } => TypedResults.Created($"/api/v1/comprobantes/{r.Comprobante!.Uuid}", r.Comprobante),
            // The same comprobante again, now with the PDF it lacked: the PDF was added.
            { Estado: EstadoImportacion.Duplicado, PdfGuardado: true } => TypedResults.Ok(r.Comprobante!),
            { Estado: EstadoImportacion.Duplicado } => ApiV1.Problema(StatusCodes.Status409Conflict, "Comprobante duplicado", r.Detalle,
                new Dictionary<string, object?> { ["uuid"] = r.Comprobante?.Uuid }),
            _ => ApiV1.Problema(StatusCodes.Status400BadRequest, "CFDI rechazado", r.Detalle.StartsWith("PDF:", StringComparison.Ordinal) ? r.Detalle[4..].Trim() : r.Detalle),
        };
    }

    /// <summary>
    /// Bulk import: the body is a ZIP of XMLs (and PDFs paired by name or UUID, as on the page), streamed
    /// to a temporary file; the answer lists every entry with its result. 400 when the body is not a ZIP.
    /// </summary>
    private static async Task<Results<Ok<ResultadoZipApi>, ProblemHttpResult>> ImportarZipAsync(
        HttpContext http, ImportacionService importacion, IOptions<ComprobantesOptions> options, CancellationToken ct)
    {
        var limites = options.Value;
        var excede = $"El ZIP excede el tamaño máximo permitido de {ComprobantesOptions.Megas(limites.ZipTamanoMaximo)}.";
        if (http.Request.ContentLength > limites.ZipTamanoMaximo)
            return ApiV1.Problema(StatusCodes.Status413PayloadTooLarge, "Archivo demasiado grande", excede);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limite)
            limite.MaxRequestBodySize = limites.ZipTamanoMaximo + 1; // the copy's own limit answers first, with its message
        if (http.Request.ContentLength == 0)
            return ApiV1.Problema(StatusCodes.Status400BadRequest, "Petición no válida", "Envíe el ZIP en el cuerpo de la petición (Content-Type: application/zip).");

        var actor = new Actor("api", http.Connection.RemoteIpAddress?.ToString());
        IReadOnlyList<ResultadoArchivo> resultados;
        try
        {
            resultados = await importacion.ImportarZipAsync(http.User.EmisorId(), actor, "zip", http.Request.Body, ct);
        }
        catch (ArchivoDemasiadoGrandeException e)
        {
            return ApiV1.Problema(StatusCodes.Status413PayloadTooLarge, "Archivo demasiado grande", e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiV1.Problema(StatusCodes.Status413PayloadTooLarge, "Archivo demasiado grande", excede);
        }
        catch (ArchivoRechazadoException e)
        {
            return ApiV1.Problema(StatusCodes.Status400BadRequest, "ZIP rechazado", e.Message);
        }
        // A body cut short (the client's connection dropped mid-upload).
        catch (Exception e) when (e is IOException or BadHttpRequestException && !ct.IsCancellationRequested)
        {
            return ApiV1.Problema(StatusCodes.Status400BadRequest, "Petición no válida", "No se pudo leer el cuerpo de la petición.");
        }
        return TypedResults.Ok(ResultadoZipApi.De(resultados));
    }

    private static async Task<Results<Ok<ComprobanteApi>, ProblemHttpResult>> ObtenerAsync(
        string uuid, HttpContext http, AppDbContext db, ConsultasFiscales fiscales, CancellationToken ct)
    {
        var emisorId = http.User.EmisorId();
        var buscado = uuid.Trim().ToUpperInvariant();
        var c = await db.Comprobantes.AsNoTracking()
            .Where(x => x.EmisorId == emisorId && x.Uuid == buscado)
            .Select(x => new ComprobanteResumen(x.Uuid, x.Version, x.Tipo, x.Serie, x.Folio, x.Fecha, x.Total, x.Moneda, x.ReceptorRfc, x.ReceptorNombre))
            .SingleOrDefaultAsync(ct);
        var detalle = c is null ? null : await fiscales.DetalleAsync(emisorId, null, buscado, ct);
        return c is null || detalle is null
            ? ApiV1.Problema(StatusCodes.Status404NotFound, "No encontrado", $"No existe un comprobante con el UUID {buscado}.")
            : TypedResults.Ok(ComprobanteApi.De(c, detalle));
    }
}

/// <summary>GET's JSON: the import's fields plus the fiscal state (nulls where it does not apply).</summary>
public sealed record ComprobanteApi(
    string Uuid, string Version, string Tipo, string? Serie, string? Folio, DateTime Fecha, decimal Total, string Moneda,
    string ReceptorRfc, string? ReceptorNombre, string? MetodoPago, string? EstadoPago, decimal? SaldoPendiente,
    string? EstadoSat, DateTime? EstadoSatVerificadoEn, IReadOnlyList<string> PagadoPor, IReadOnlyList<string> Paga, IReadOnlyList<string> NotasDeCredito)
{
    public static ComprobanteApi De(ComprobanteResumen r, DetalleFiscal d) => new(
        r.Uuid, r.Version, r.Tipo, r.Serie, r.Folio, r.Fecha, r.Total, r.Moneda, r.ReceptorRfc, r.ReceptorNombre,
        d.MetodoPago,
        d.EstadoPago switch
        {
            Fiscal.EstadoPago.Pagada => "pagada",
            Fiscal.EstadoPago.Parcial => "parcial",
            Fiscal.EstadoPago.Pendiente => "pendiente",
            Fiscal.EstadoPago.Pue => "pue",
            Fiscal.EstadoPago.Inconsistente => "inconsistente",
            _ => null,
        },
        d.SaldoPendiente,
        d.EstadoSat switch
        {
            Fiscal.EstadoSat.Vigente => "vigente",
            Fiscal.EstadoSat.Cancelado => "cancelado",
            Fiscal.EstadoSat.NoEncontrado => "no_encontrado",
            _ => null,
        },
        d.EstadoSatVerificadoEn is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null,
        d.Pagos.Where(p => !p.Cancelado).Select(p => p.Uuid).Distinct().ToList(),
        d.Paga.Select(p => p.Uuid).Distinct().ToList(),
        d.Notas.Where(n => !n.Cancelado).Select(n => n.Uuid).ToList());
}

/// <summary>The bulk import's JSON: the totals and every entry of the ZIP («archivo» is its path inside it).</summary>
public sealed record ResultadoZipApi(int Importados, int Duplicados, int Rechazados, IReadOnlyList<ResultadoArchivoApi> Archivos)
{
    public static ResultadoZipApi De(IReadOnlyList<ResultadoArchivo> resultados)
    {
        var archivos = resultados.Select(r => new ResultadoArchivoApi(
            r.Archivo.StartsWith("zip › ", StringComparison.Ordinal) ? r.Archivo["zip › ".Length..] : r.Archivo,
            r.Estado switch { EstadoImportacion.Importado => "importado", EstadoImportacion.Duplicado => "duplicado", _ => "rechazado" },
            r.Detalle, r.Uuid)).ToList();
        return new(archivos.Count(a => a.Estado == "importado"), archivos.Count(a => a.Estado == "duplicado"), archivos.Count(a => a.Estado == "rechazado"), archivos);
    }
}

public sealed record ResultadoArchivoApi(string Archivo, string Estado, string Detalle, string? Uuid);
