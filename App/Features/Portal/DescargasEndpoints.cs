using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Features.Exportaciones;
using System.IO.Compression;
using AccesoDescargas.Components;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace AccesoDescargas.Features.Portal;

public static class DescargasEndpoints
{
    public static RouteGroupBuilder MapDescargasPortal(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/portal/{slug}/logo", Logo).AllowAnonymous();

        var portal = endpoints.MapGroup("/portal/{slug}").RequireAuthorization(PortalAuth.Politica);
        portal.MapGet("/comprobantes/{uuid}/xml", (HttpContext http, string uuid, ConsultasPortal consultas, IFileStore store, RegistroDescargas registro, RepresentacionService representacion) =>
            ArchivoAsync(http, uuid, pdf: false, consultas, store, registro, representacion)).ConPipelineMinimo();
        portal.MapGet("/comprobantes/{uuid}/pdf", (HttpContext http, string uuid, ConsultasPortal consultas, IFileStore store, RegistroDescargas registro, RepresentacionService representacion) =>
            ArchivoAsync(http, uuid, pdf: true, consultas, store, registro, representacion)).ConPipelineMinimo();
        portal.MapGet("/comprobantes.zip", ZipDelFiltroAsync);
        // The list as it is filtered on the page (desde, hasta, tipo, q, saldo=pendiente), for the receptor's own records.
        portal.MapGet("/comprobantes.xlsx", async (HttpContext http, AppDbContext db, DateOnly? desde, DateOnly? hasta, string? tipo, string? q, string? saldo) =>
            await Exportacion.XlsxAsync(await FilasExportacionAsync(http, db, new FiltroComprobantes(desde, hasta, tipo, q, saldo == "pendiente")),
                Exportacion.Nombre(http.User.SesionPortal()!.Rfc), http.RequestAborted));
        portal.MapGet("/comprobantes.csv", async (HttpContext http, AppDbContext db, DateOnly? desde, DateOnly? hasta, string? tipo, string? q, string? saldo) =>
            await Exportacion.CsvAsync(http, (await FilasExportacionAsync(http, db, new FiltroComprobantes(desde, hasta, tipo, q, saldo == "pendiente"))).AsAsyncEnumerable(),
                Exportacion.Nombre(http.User.SesionPortal()!.Rfc)));
        // A refused POST answers its own status: re-executing a POST into the HTML error page would fail its antiforgery check again.
        portal.MapPost("/comprobantes.zip", ZipDeSeleccionAsync).WithMetadata(new SinPaginaDeEstado());
        portal.MapPost("/salir", async Task<IResult> (HttpContext http, string slug, IAntiforgery antiforgery, IngresoPortalService ingreso) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Solicitud no válida",
                    detail: "La sesión no se cerró porque la página caducó. Vuelva a cargarla e intente de nuevo.");
            await ingreso.SalirAsync(http.User.SesionPortal()!);
            await http.SignOutAsync(PortalAuth.Esquema);
            return TypedResults.LocalRedirect($"~/portal/{Uri.EscapeDataString(slug)}/ingresar");
        }).WithMetadata(new SinPaginaDeEstado());
        return portal;
    }

    private static async Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, RedirectHttpResult, StatusCodeHttpResult, NotFound>> ArchivoAsync(
        HttpContext http, string uuid, bool pdf, ConsultasPortal consultas, IFileStore store, RegistroDescargas registro, RepresentacionService representacion)
    {
        var sesion = http.User.SesionPortal()!;
        var archivo = uuid.Length <= 36 ? await consultas.ArchivoAsync(sesion.EmisorId, sesion.Rfc, uuid) : null;
        if (archivo is null) return TypedResults.NotFound();
        if (pdf && archivo.PdfKey is null)
            archivo = await ConPdfAsync(archivo, sesion.EmisorId, representacion, http);
        var key = pdf ? archivo.PdfKey : archivo.XmlKey;
        // Content-addressed files never change under their key: the SHA-256 is a strong ETag.
        var etag = archivo.Etag(pdf);
        if (key is null || etag is null) return TypedResults.NotFound();

        var tipo = pdf ? "application/pdf" : "application/xml";
        var nombre = archivo.NombreDescarga(pdf);
        http.Response.Headers.CacheControl = "private, no-cache";
        http.Response.Headers.XContentTypeOptions = "nosniff";

        // Local files go out with sendfile; an object store's are streamed from it or, with
        // Storage:S3:Descargas=Redirigir, fetched by the client through a short-lived link.
        var ruta = store.RutaFisica(key);
        var sinCambios = ruta is null && CoincideEtag(http.Request, etag);
        Uri? enlace = null;
        Stream? stream = null;
        if (ruta is null && !sinCambios)
        {
            enlace = await store.EnlaceDirectoAsync(key, nombre, tipo, http.RequestAborted);
            if (enlace is null)
            {
                stream = await store.AbrirAsync(key, pdf ? InicioDelRango(http.Request) : 0, http.RequestAborted);
                if (stream is null) return TypedResults.NotFound();
            }
        }

        if (EsDescargaNueva(http.Request, etag))
            await registro.RegistrarAsync(new Descarga(sesion.EmisorId, sesion.AccesoId, sesion.Rfc, pdf ? "descarga.pdf" : "descarga.xml",
                archivo.Uuid, null, Ip(http), DateTime.UtcNow));

        if (ruta is not null) return TypedResults.PhysicalFile(ruta, tipo, nombre, entityTag: etag, enableRangeProcessing: pdf);
        if (sinCambios)
        {
            http.Response.Headers.ETag = etag.ToString();
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        if (enlace is not null)
        {
            http.Response.Headers.CacheControl = "no-store"; // the link expires in seconds
            return TypedResults.Redirect(enlace.AbsoluteUri);
        }
        return TypedResults.Stream(stream!, tipo, nombre, entityTag: etag, enableRangeProcessing: pdf);
    }

    private static bool CoincideEtag(HttpRequest request, EntityTagHeaderValue etag) =>
        request.GetTypedHeaders().IfNoneMatch.Any(e => e.Equals(EntityTagHeaderValue.Any) || e.Compare(etag, useStrongComparison: false));

    /// <summary>Where a single "bytes=N-…" range starts, so the store is asked for those bytes only.</summary>
    private static long InicioDelRango(HttpRequest request) =>
        request.GetTypedHeaders().Range is { Unit.Value: "bytes", Ranges.Count: 1 } rango && rango.Ranges.First().From is { } desde ? desde : 0;

    /// <summary>A comprobante that arrived without a PDF gets its representación impresa now (shared with the background generator).</summary>
    private static async Task<ArchivoComprobante> ConPdfAsync(ArchivoComprobante a, int emisorId, RepresentacionService representacion, HttpContext http)
    {
        try
        {
            var pdf = await representacion.ObtenerOGenerarPdfAsync(emisorId, a.Id, http.RequestAborted);
            return pdf is null ? a : a with { PdfKey = pdf.Key, PdfSha256 = pdf.Sha256 };
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or TimeoutException)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DescargasEndpoints))
                .LogWarning(e, "No se pudo generar el PDF del comprobante {Uuid}", a.Uuid);
            return a;
        }
    }

    /// <summary>A revalidation answered with 304, or a later piece of a ranged read, is not another download.</summary>
    private static bool EsDescargaNueva(HttpRequest request, EntityTagHeaderValue etag)
    {
        if (request.Headers.IfNoneMatch.Count == 0 && request.Headers.Range.Count == 0) return true;
        if (CoincideEtag(request, etag)) return false;
        var rango = request.GetTypedHeaders().Range;
        return rango is null || rango.Ranges.Any(r => r.From is null or 0);
    }

    private static async Task<IQueryable<FilaExportacion>> FilasExportacionAsync(HttpContext http, AppDbContext db, FiltroComprobantes filtro)
    {
        var sesion = http.User.SesionPortal()!;
        var emisorRfc = await db.Emisores.Where(e => e.Id == sesion.EmisorId).Select(e => e.Rfc).SingleAsync(http.RequestAborted);
        return PortalService.Filtrar(db.Comprobantes.AsNoTracking(), sesion.EmisorId, sesion.Rfc, filtro)
            .OrderByDescending(c => c.Fecha).ThenByDescending(c => c.Id)
            .Select(c => new FilaExportacion
            {
                Fecha = c.Fecha, Serie = c.Serie, Folio = c.Folio, Uuid = c.Uuid, Tipo = PortalService.NombreTipo(c.Tipo),
                EmisorRfc = emisorRfc, ReceptorRfc = c.ReceptorRfc, SubTotal = c.SubTotal,
                ImpuestosTrasladados = c.ImpuestosTrasladados, ImpuestosRetenidos = c.ImpuestosRetenidos,
                Total = c.Total, Moneda = c.Moneda, Estado = c.Estado == EstadoComprobante.Cancelado ? "Cancelado" : "Vigente",
            });
    }

    private static async Task<IResult> ZipDelFiltroAsync(HttpContext http, AppDbContext db, IFileStore store, RegistroDescargas registro,
        DateOnly? desde, DateOnly? hasta, string? tipo, string? q, string? saldo)
    {
        var sesion = http.User.SesionPortal()!;
        var consulta = PortalService.Filtrar(db.Comprobantes.AsNoTracking(), sesion.EmisorId, sesion.Rfc, new FiltroComprobantes(desde, hasta, tipo, q, saldo == "pendiente"));
        var total = await consulta.CountAsync(http.RequestAborted);
        if (total == 0) return TypedResults.NotFound();
        if (total > PortalService.MaximoZip)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Demasiados comprobantes para un ZIP",
                detail: $"El filtro abarca {total:N0} comprobantes; un ZIP admite hasta {PortalService.MaximoZip:N0}. Acote el rango de fechas.");

        var archivos = consulta.OrderBy(c => c.Fecha).ThenBy(c => c.Id)
            .Select(c => new ArchivoComprobante(c.Id, c.Uuid, c.Serie, c.Folio, c.XmlKey, c.XmlSha256, c.PdfKey, c.PdfSha256))
            .AsAsyncEnumerable();
        await EscribirZipAsync(http, sesion, total, archivos, store, registro);
        return TypedResults.Empty;
    }

    private static async Task<IResult> ZipDeSeleccionAsync(HttpContext http, AppDbContext db, IFileStore store, RegistroDescargas registro,
        IFormCollection form)
    {
        var sesion = http.User.SesionPortal()!;
        var pedidos = form["uuid"].OfType<string>().Where(u => u.Length <= 36).Select(u => u.Trim().ToUpperInvariant()).Distinct().ToList();
        if (pedidos.Count > PortalService.MaximoZip)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Demasiados comprobantes para un ZIP",
                detail: $"Un ZIP admite hasta {PortalService.MaximoZip:N0} comprobantes.");

        // Chunked IN lists keep each statement small; UUIDs that are not this receptor's are simply not found.
        var encontrados = new List<ArchivoComprobante>(pedidos.Count);
        foreach (var lote in pedidos.Chunk(500))
            encontrados.AddRange(await db.Comprobantes.AsNoTracking()
                .Where(c => c.EmisorId == sesion.EmisorId && c.ReceptorRfc == sesion.Rfc && lote.Contains(c.Uuid))
                .Select(c => new ArchivoComprobante(c.Id, c.Uuid, c.Serie, c.Folio, c.XmlKey, c.XmlSha256, c.PdfKey, c.PdfSha256))
                .ToListAsync(http.RequestAborted));
        if (encontrados.Count == 0) return TypedResults.NotFound();

        await EscribirZipAsync(http, sesion, encontrados.Count, encontrados.ToAsyncEnumerable(), store, registro);
        return TypedResults.Empty;
    }

    /// <summary>
    /// Streams the archive to the client entry by entry while it is written: neither the archive nor
    /// a whole file is ever held in memory or on disk. XML compresses well; PDFs already are compressed.
    /// </summary>
    private static async Task EscribirZipAsync(HttpContext http, SesionPortal sesion, int cantidad,
        IAsyncEnumerable<ArchivoComprobante> archivos, IFileStore store, RegistroDescargas registro)
    {
        var representacion = http.RequestServices.GetRequiredService<RepresentacionService>();
        var nombre = $"comprobantes_{sesion.Rfc}_{DateTime.UtcNow.AHoraMexico():yyyyMMdd-HHmmss}.zip";
        http.Response.ContentType = "application/zip";
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = nombre, FileName = nombre }.ToString();
        http.Response.Headers.CacheControl = "private, no-store";
        await registro.RegistrarAsync(new Descarga(sesion.EmisorId, sesion.AccesoId, sesion.Rfc, "descarga.zip", null,
            $"{cantidad} comprobantes", Ip(http), DateTime.UtcNow));

        var salida = http.Response.BodyWriter.AsStream(leaveOpen: true);
        await using (salida.ConfigureAwait(false))
        using (var zip = new ZipArchive(salida, ZipArchiveMode.Create, leaveOpen: true))
        {
            await foreach (var leido in archivos.WithCancellation(http.RequestAborted))
            {
                var a = leido.PdfKey is null ? await ConPdfAsync(leido, sesion.EmisorId, representacion, http) : leido;
                await AgregarAsync(zip, store, a.XmlKey, a.Nombre + ".xml", CompressionLevel.Fastest, http.RequestAborted);
                if (a.PdfKey is not null)
                    await AgregarAsync(zip, store, a.PdfKey, a.Nombre + ".pdf", CompressionLevel.NoCompression, http.RequestAborted);
                await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
            }
        }
    }

    private static async Task AgregarAsync(ZipArchive zip, IFileStore store, string key, string nombre, CompressionLevel nivel, CancellationToken ct)
    {
        await using var origen = await store.AbrirAsync(key, ct: ct);
        if (origen is null) return; // a missing file must not break the rest of the archive
        var entrada = zip.CreateEntry(nombre, nivel);
        await using var destino = entrada.Open();
        await origen.CopyToAsync(destino, ct);
    }

    private static async Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, NotFound>> Logo(string slug, AppDbContext db, IFileStore store, CancellationToken ct)
    {
        var key = await db.Emisores.AsNoTracking().Where(e => e.Slug == slug.ToLowerInvariant()).Select(e => e.LogoKey).FirstOrDefaultAsync(ct);
        if (key is null) return TypedResults.NotFound();
        var tipo = Path.GetExtension(key).ToLowerInvariant() switch { ".png" => "image/png", ".jpg" or ".jpeg" => "image/jpeg", _ => "application/octet-stream" };
        var etag = new EntityTagHeaderValue($"\"{Path.GetFileNameWithoutExtension(key)}\"");
        if (store.RutaFisica(key) is { } ruta) return TypedResults.PhysicalFile(ruta, tipo, entityTag: etag);
        return await store.AbrirAsync(key, ct: ct) is { } flujo ? TypedResults.Stream(flujo, tipo, entityTag: etag) : TypedResults.NotFound();
    }

    internal static string? Ip(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}

internal sealed class SinPaginaDeEstado : ISkipStatusCodePagesMetadata;
