using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Features.Portal;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static AccesoDescargas.Tests.Features.Portal.Portal;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Portal;

public class PortalDescargasTests
{
    [Fact]
    public async Task El_XML_llega_con_los_bytes_guardados_su_nombre_y_tipo_y_se_registra_la_descarga()
    {
        await using var app = new AppFactory();
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "FAC", folio: "1024");
        var client = await ClienteConSesionAsync(app);

        var r = await client.GetAsync($"/portal/demo/comprobantes/{c.Uuid.ToLowerInvariant()}/xml", Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(c.XmlSha256, Sha256(await r.Content.ReadAsByteArrayAsync(Ct)));
        Assert.Equal("application/xml", r.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", r.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal($"FAC1024_{c.Uuid}.xml", r.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());

        await EsperarAsync(async () =>
        {
            await using var db = app.CrearDb();
            return await db.Eventos.AnyAsync(e => e.Que == "descarga.xml" && e.Uuid == c.Uuid && e.Rfc == AppFactory.ReceptorRfc, Ct)
                   && await db.Accesos.AnyAsync(a => a.Rfc == AppFactory.ReceptorRfc && a.Descargas == 1, Ct);
        }, "el evento de la descarga y la cuenta de descargas del acceso");
    }

    [Fact]
    public async Task Sin_serie_ni_folio_el_archivo_se_llama_solo_con_el_UUID()
    {
        await using var app = new AppFactory();
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: null, folio: null);
        await using (var db = app.CrearDb())
            await db.Comprobantes.Where(x => x.Id == c.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Folio, (string?)null), Ct);
        var client = await ClienteConSesionAsync(app);

        var r = await client.GetAsync($"/portal/demo/comprobantes/{c.Uuid}/xml", Ct);

        Assert.Equal($"{c.Uuid}.xml", r.Content.Headers.ContentDisposition!.FileNameStar);
    }

    [Fact]
    public async Task El_PDF_llega_completo_responde_304_a_su_ETag_y_atiende_rangos()
    {
        await using var app = new AppFactory();
        var pdf = PdfDePrueba();
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "A", folio: "77", pdf: pdf);
        var client = await ClienteConSesionAsync(app);
        var url = $"/portal/demo/comprobantes/{c.Uuid}/pdf";

        var completo = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, completo.StatusCode);
        Assert.Equal("application/pdf", completo.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"A77_{c.Uuid}.pdf", completo.Content.Headers.ContentDisposition!.FileNameStar);
        Assert.Equal(c.PdfSha256, Sha256(await completo.Content.ReadAsByteArrayAsync(Ct)));
        Assert.Equal("bytes", completo.Headers.AcceptRanges.Single());
        var etag = completo.Headers.ETag!;

        var condicional = new HttpRequestMessage(HttpMethod.Get, url);
        condicional.Headers.IfNoneMatch.Add(etag);
        var noModificado = await client.SendAsync(condicional, Ct);
        Assert.Equal(HttpStatusCode.NotModified, noModificado.StatusCode);
        Assert.Empty(await noModificado.Content.ReadAsByteArrayAsync(Ct));

        var parcial = new HttpRequestMessage(HttpMethod.Get, url);
        parcial.Headers.Range = new RangeHeaderValue(1000, 1999);
        var rango = await client.SendAsync(parcial, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, rango.StatusCode);
        Assert.Equal(pdf[1000..2000], await rango.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(pdf.Length, rango.Content.Headers.ContentRange!.Length);

        // Only the full download counts; the revalidation and the later range do not.
        await EsperarAsync(async () =>
        {
            await using var db = app.CrearDb();
            return await db.Eventos.CountAsync(e => e.Que == "descarga.pdf" && e.Uuid == c.Uuid, Ct) == 1;
        }, "un evento de descarga del PDF");
    }

    [Fact]
    public async Task Un_comprobante_sin_PDF_recibe_su_representacion_impresa_al_pedirla_y_queda_guardada()
    {
        await using var app = new AppFactory(SinGeneradorEnSegundoPlano);
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "G", folio: "12");
        var client = await ClienteConSesionAsync(app);

        var r = await client.GetAsync($"/portal/demo/comprobantes/{c.Uuid}/pdf", Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/pdf", r.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"G12_{c.Uuid}.pdf", r.Content.Headers.ContentDisposition!.FileNameStar);
        var bytes = await r.Content.ReadAsByteArrayAsync(Ct);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(bytes, 0, 5));
        await using var db = app.CrearDb();
        var guardado = await db.Comprobantes.SingleAsync(x => x.Id == c.Id, Ct);
        Assert.True(guardado.PdfGenerado);
        Assert.Equal(guardado.PdfSha256, Sha256(bytes));
    }

    [Fact]
    public async Task Un_PDF_subido_despues_del_generado_es_el_que_baja_la_siguiente_descarga()
    {
        await using var app = new AppFactory(SinGeneradorEnSegundoPlano);
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "R", folio: "5");
        var client = await ClienteConSesionAsync(app);
        var generado = await client.GetByteArrayAsync($"/portal/demo/comprobantes/{c.Uuid}/pdf", Ct);
        Assert.Equal(generado, await client.GetByteArrayAsync($"/portal/demo/comprobantes/{c.Uuid}/pdf", Ct));

        // The emisor uploads the real PDF afterwards (what a duplicate import with its PDF does).
        var subido = PdfDePrueba(3000);
        var guardado = await app.Services.GetRequiredService<IFileStore>().GuardarAsync(new MemoryStream(subido), "pdf", Ct);
        Assert.True(await app.Services.GetRequiredService<RepresentacionService>().AdjuntarPdfSubidoAsync(c.EmisorId, c.Id, guardado, Ct));

        var r = await client.GetAsync($"/portal/demo/comprobantes/{c.Uuid}/pdf", Ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(subido, await r.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal($"\"{guardado.Sha256}\"", r.Headers.ETag!.Tag);
    }

    [Fact]
    public void El_ETag_y_el_nombre_guardados_en_la_cache_siguen_al_PDF_de_una_copia_con_otro_hash()
    {
        var a = new AccesoDescargas.Features.Portal.ArchivoComprobante(1, "0F0E0D0C-0000-4000-8000-000000000001", "R", "5", "x.xml", "aa11", "p.pdf", "bb22");
        Assert.Equal("\"bb22\"", a.Etag(pdf: true)!.Tag.ToString());
        Assert.Same(a.Etag(pdf: true), a.Etag(pdf: true));
        var nuevo = a with { PdfKey = "q.pdf", PdfSha256 = "cc33" };
        Assert.Equal("\"cc33\"", nuevo.Etag(pdf: true)!.Tag.ToString());
        Assert.Equal("\"aa11\"", nuevo.Etag(pdf: false)!.Tag.ToString());
        Assert.Equal("R5_0F0E0D0C-0000-4000-8000-000000000001.pdf", nuevo.NombreDescarga(pdf: true));
        Assert.Null((a with { PdfKey = null, PdfSha256 = null }).Etag(pdf: true));
    }

    [Fact]
    public async Task Al_detenerse_la_app_quedan_escritas_todas_las_descargas_que_esperaban_en_la_cola()
    {
        await using var app = new AppFactory();
        int accesoId, antes;
        await using (var db = app.CrearDb())
        {
            accesoId = await db.Accesos.Where(a => a.Rfc == AppFactory.ReceptorRfc).Select(a => a.Id).SingleAsync(Ct);
            antes = await db.Eventos.CountAsync(e => e.Que == "descarga.xml", Ct);
        }
        var registro = app.Services.GetRequiredService<RegistroDescargas>();
        var escritor = app.Services.GetServices<IHostedService>().OfType<EscritorDescargas>().Single();

        // Queued faster than one batch is written, then the app stops at once: the writer must drain the queue.
        // A microsecond apart (PostgreSQL's resolution), so that the times read back exactly and order the rows.
        static DateTime Cuando(int i) => new DateTime(2026, 12, 1, 18, 30, 0, DateTimeKind.Utc).AddTicks(i * 10L);
        for (var i = 0; i < 3000; i++)
            await registro.RegistrarAsync(new Descarga(1, accesoId, AppFactory.ReceptorRfc, "descarga.xml", $"UUID-{i}", null, "127.0.0.1", Cuando(i)), Ct);
        await escritor.StopAsync(Ct);

        await using var db2 = app.CrearDb();
        Assert.Equal(3000, await db2.Eventos.CountAsync(e => e.Que == "descarga.xml", Ct) - antes);
        var uno = await db2.Eventos.SingleAsync(e => e.Uuid == "UUID-2999", Ct);
        Assert.Equal($"receptor:{AppFactory.ReceptorRfc}", uno.Quien);
        Assert.Equal("127.0.0.1", uno.Ip);
        Assert.Equal(AppFactory.ReceptorRfc, uno.Rfc);
        Assert.Equal(Cuando(2999), uno.Cuando);
        // The audit page filters by time in SQL: the stored times compare as the times they are.
        DateTime desde = Cuando(1000), hasta = Cuando(2000);
        Assert.Equal(1000, await db2.Eventos.CountAsync(e => e.Que == "descarga.xml" && e.Cuando >= desde && e.Cuando < hasta, Ct));
        Assert.Equal(3000, await db2.Accesos.Where(a => a.Id == accesoId).Select(a => a.Descargas).SingleAsync(Ct));
    }

    [Fact]
    public async Task El_ZIP_del_filtro_con_1000_comprobantes_trae_cada_XML_y_PDF_con_sus_bytes()
    {
        await using var app = new AppFactory(SinGeneradorEnSegundoPlano);
        const string rfc = "MCI7306249Y1";
        var esperados = new Dictionary<string, string>();
        var desde = new DateTime(2024, 3, 1);
        await using (var db = app.CrearDb())
        {
            var store = app.Services.GetRequiredService<IFileStore>();
            var emisorId = await db.Emisores.Where(e => e.Slug == "demo").Select(e => e.Id).SingleAsync(Ct);
            var pdf = await store.GuardarAsync(new MemoryStream(PdfDePrueba(30_000)), "pdf", Ct); // one file shared by all: the store is content-addressed
            for (var i = 0; i < 1000; i++)
            {
                var uuid = Guid.NewGuid().ToString().ToUpperInvariant();
                var xml = System.Text.Encoding.UTF8.GetBytes(AccesoDescargas.Infrastructure.Demo.CfdiDeEjemplo.Xml("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV",
                    rfc, "MATERIALES", Guid.Parse(uuid), desde.AddHours(i), [new(1, "01010101", "Concepto", 100 + i)], "I", "Z", i.ToString()));
                var x = await store.GuardarAsync(new MemoryStream(xml), "xml", Ct);
                var conPdf = true; // the bytes under test: generating 1,000 PDFs is another test's subject
                db.Comprobantes.Add(new Comprobante
                {
                    EmisorId = emisorId, Uuid = uuid, Version = "4.0", Serie = "Z", Folio = i.ToString(), Fecha = desde.AddHours(i), Tipo = "I",
                    Total = 116 + i, Moneda = "MXN", ReceptorRfc = rfc, XmlKey = x.Key, XmlSize = x.Size, XmlSha256 = x.Sha256,
                    PdfKey = conPdf ? pdf.Key : null, PdfSha256 = conPdf ? pdf.Sha256 : null, PdfSize = conPdf ? pdf.Size : null,
                });
                esperados[$"Z{i}_{uuid}.xml"] = x.Sha256;
                if (conPdf) esperados[$"Z{i}_{uuid}.pdf"] = pdf.Sha256;
            }
            await db.SaveChangesAsync(Ct);
            var acceso = await db.Accesos.SingleAsync(a => a.Rfc == rfc, Ct);
            acceso.PasswordHash = new AccesoDescargas.Contrasenas.ContrasenaHasher().Hash("Materiales2026");
            await db.SaveChangesAsync(Ct);
        }
        var client = await ClienteConSesionAsync(app, rfc, "Materiales2026");

        var r = await client.GetAsync("/portal/demo/comprobantes.zip?desde=2024-03-01&hasta=2024-04-30&tipo=I", HttpCompletionOption.ResponseHeadersRead, Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/zip", r.Content.Headers.ContentType!.MediaType);
        Assert.Null(r.Content.Headers.ContentLength); // streamed while written, not buffered first
        Assert.StartsWith($"comprobantes_{rfc}_", r.Content.Headers.ContentDisposition!.FileNameStar);
        using var zip = new ZipArchive(await r.Content.ReadAsStreamAsync(Ct), ZipArchiveMode.Read);
        var recibidos = new Dictionary<string, string>();
        foreach (var e in zip.Entries)
        {
            await using var s = await e.OpenAsync(Ct);
            using var ms = new MemoryStream();
            await s.CopyToAsync(ms, Ct);
            recibidos[e.FullName] = Sha256(ms.ToArray());
        }
        Assert.Equal(2000, recibidos.Count);
        Assert.Equal(esperados.OrderBy(x => x.Key), recibidos.OrderBy(x => x.Key));
    }

    [Fact]
    public async Task El_ZIP_de_la_seleccion_exige_el_token_antiforgery_y_trae_solo_lo_elegido()
    {
        await using var app = new AppFactory(SinGeneradorEnSegundoPlano);
        var a = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "S", folio: "1", pdf: PdfDePrueba(5000));
        var b = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "S", folio: "2");
        await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "S", folio: "3");
        var client = await ClienteConSesionAsync(app);
        var token = Token(await client.GetStringAsync("/portal/demo", Ct));

        var sinToken = await client.PostAsync("/portal/demo/comprobantes.zip",
            new FormUrlEncodedContent([new("uuid", a.Uuid), new("uuid", b.Uuid)]), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, sinToken.StatusCode);

        var r = await client.PostAsync("/portal/demo/comprobantes.zip", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("uuid", a.Uuid), new("uuid", b.Uuid.ToLowerInvariant())]), Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var zip = new ZipArchive(await r.Content.ReadAsStreamAsync(Ct));
        // S2 had no PDF: the archive carries its representación impresa, generated on the way.
        Assert.Equal(new[] { $"S1_{a.Uuid}.pdf", $"S1_{a.Uuid}.xml", $"S2_{b.Uuid}.pdf", $"S2_{b.Uuid}.xml" }, zip.Entries.Select(e => e.FullName).Order());
        await using var generado = await zip.GetEntry($"S2_{b.Uuid}.pdf")!.OpenAsync(Ct);
        var inicio = new byte[5];
        await generado.ReadExactlyAsync(inicio, Ct);
        Assert.Equal("%PDF-"u8.ToArray(), inicio);
    }
}
