using System.Net;
using System.Net.Http.Headers;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Portal.Portal;

namespace AccesoDescargas.Tests.Features.Portal;

/// <summary>Every portal download test (XML, PDF with ETag and ranges, generated PDFs, ZIPs) again with the files in S3 (Transmitir).</summary>
[EnS3]
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // the database work is its Local class's, already run on PostgreSQL
public sealed class PortalDescargasS3Tests : PortalDescargasTests;

/// <summary>Another RFC's files answer 404 on S3 exactly as on the local store.</summary>
[EnS3]
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // the database work is its Local class's, already run on PostgreSQL
public sealed class PortalPrivacidadS3Tests : PortalPrivacidadTests;

/// <summary>Storage:S3:Descargas=Redirigir: the app checks, audits and answers 302 to a presigned URL of the store.</summary>
public sealed class PortalRedirigirS3Tests
{
    private static async Task<(HttpResponseMessage Redireccion, HttpResponseMessage Archivo)> DescargarAsync(HttpClient client, string url)
    {
        var r = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        // The browser follows the link to the store, without the portal's cookie.
        using var navegador = new HttpClient();
        return (r, await navegador.GetAsync(r.Headers.Location, Ct));
    }

    [Fact]
    public async Task El_XML_y_el_PDF_redirigen_a_un_enlace_firmado_con_sus_bytes_y_nombre_y_la_descarga_queda_registrada()
    {
        await using var app = new AppFactory(almacen: ProveedorAlmacen.S3, descargas: ModoDescargas.Redirigir);
        var pdf = PdfDePrueba(40_000);
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "R", folio: "9", pdf: pdf);
        var client = await ClienteConSesionAsync(app);

        var (aXml, xml) = await DescargarAsync(client, $"/portal/demo/comprobantes/{c.Uuid}/xml");
        var (aPdf, archivo) = await DescargarAsync(client, $"/portal/demo/comprobantes/{c.Uuid}/pdf");

        Assert.StartsWith(ServidorS3.Url, aXml.Headers.Location!.AbsoluteUri);
        Assert.Contains("X-Amz-Signature=", aXml.Headers.Location.Query);
        Assert.Equal("no-store", aXml.Headers.CacheControl!.ToString());
        Assert.Equal(c.XmlSha256, Sha256(await xml.Content.ReadAsByteArrayAsync(Ct)));
        Assert.Equal($"R9_{c.Uuid}.xml", xml.Content.Headers.ContentDisposition!.FileNameStar);
        Assert.Equal("application/xml", xml.Content.Headers.ContentType!.MediaType);
        Assert.Equal(pdf, await archivo.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal($"R9_{c.Uuid}.pdf", archivo.Content.Headers.ContentDisposition!.FileNameStar);
        Assert.Equal(HttpStatusCode.Redirect, aPdf.StatusCode);

        await EsperarAsync(async () =>
        {
            await using var db = app.CrearDb();
            return await db.Eventos.CountAsync(e => (e.Que == "descarga.xml" || e.Que == "descarga.pdf") && e.Uuid == c.Uuid, Ct) == 2;
        }, "los eventos de las dos descargas");
    }

    [Fact]
    public async Task Con_su_ETag_responde_304_sin_redirigir_y_lo_ajeno_es_404()
    {
        await using var app = new AppFactory(almacen: ProveedorAlmacen.S3, descargas: ModoDescargas.Redirigir);
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, pdf: PdfDePrueba(2000));
        var ajeno = await AgregarComprobanteAsync(app, "MCI7306249Y1", pdf: PdfDePrueba(2000));
        var client = await ClienteConSesionAsync(app);

        var pedido = new HttpRequestMessage(HttpMethod.Get, $"/portal/demo/comprobantes/{c.Uuid}/pdf");
        pedido.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{c.PdfSha256}\""));
        var r = await client.SendAsync(pedido, Ct);

        Assert.Equal(HttpStatusCode.NotModified, r.StatusCode);
        Assert.Null(r.Headers.Location);
        Assert.Equal($"\"{c.PdfSha256}\"", r.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/portal/demo/comprobantes/{ajeno.Uuid}/pdf", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/portal/demo/comprobantes/{ajeno.Uuid}/xml", Ct)).StatusCode);
    }

    [Fact]
    public async Task Transmitir_desde_S3_responde_304_sin_leer_el_objeto_y_reenvia_el_rango_al_almacen()
    {
        await using var app = new AppFactory(almacen: ProveedorAlmacen.S3);
        var pdf = PdfDePrueba(100_000);
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, pdf: pdf);
        var client = await ClienteConSesionAsync(app);
        var url = $"/portal/demo/comprobantes/{c.Uuid}/pdf";

        // Once the object is gone from the bucket, only a request that needs its bytes notices.
        await app.Services.GetRequiredService<IFileStore>().EliminarAsync(c.PdfKey!);
        var condicional = new HttpRequestMessage(HttpMethod.Get, url);
        condicional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{c.PdfSha256}\""));
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(condicional, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(url, Ct)).StatusCode);

        await app.Services.GetRequiredService<IFileStore>().GuardarAsync(new MemoryStream(pdf), "pdf", Ct);
        var parcial = new HttpRequestMessage(HttpMethod.Get, url);
        parcial.Headers.Range = new RangeHeaderValue(99_000, null);
        var rango = await client.SendAsync(parcial, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, rango.StatusCode);
        Assert.Equal(pdf[99_000..], await rango.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("bytes 99000-99999/100000", rango.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task El_logo_del_emisor_se_sirve_desde_S3()
    {
        await using var app = new AppFactory(almacen: ProveedorAlmacen.S3);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==");
        var logo = await app.Services.GetRequiredService<IFileStore>().GuardarAsync(new MemoryStream(png), "png", Ct);
        await using (var db = app.CrearDb())
            await db.Emisores.Where(e => e.Slug == "demo").ExecuteUpdateAsync(s => s.SetProperty(e => e.LogoKey, logo.Key), Ct);

        var r = await Cliente(app).GetAsync("/portal/demo/logo", Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("image/png", r.Content.Headers.ContentType!.MediaType);
        Assert.Equal(png, await r.Content.ReadAsByteArrayAsync(Ct));
    }
}
