using System.IO.Compression;
using System.Net;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Emisores;
using Microsoft.EntityFrameworkCore;
using static AccesoDescargas.Tests.Features.Portal.Portal;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Portal;

public class PortalPrivacidadTests
{
    [Fact]
    public async Task Un_receptor_no_obtiene_XML_PDF_ni_entradas_de_ZIP_de_otro_RFC_y_la_respuesta_es_igual_a_un_UUID_inexistente()
    {
        await using var app = new AppFactory();
        var ajeno = await AgregarComprobanteAsync(app, "MCI7306249Y1", pdf: PdfDePrueba(2000));
        var propio = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc);
        var client = await ClienteConSesionAsync(app);

        var xml = await client.GetAsync($"/portal/demo/comprobantes/{ajeno.Uuid}/xml", Ct);
        var pdf = await client.GetAsync($"/portal/demo/comprobantes/{ajeno.Uuid}/pdf", Ct);
        var inexistente = await client.GetAsync($"/portal/demo/comprobantes/{Guid.NewGuid()}/xml", Ct);

        Assert.Equal(HttpStatusCode.NotFound, xml.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, pdf.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, inexistente.StatusCode);
        foreach (var r in new[] { xml, pdf, inexistente })
        {
            Assert.Equal(inexistente.Content.Headers.ContentType, r.Content.Headers.ContentType);
            Assert.Contains("No encontrado", await r.Content.TextoAsync());
            Assert.Null(r.Content.Headers.ContentDisposition);
        }

        var token = Token(await client.GetStringAsync("/portal/demo", Ct));
        var soloAjeno = await client.PostAsync("/portal/demo/comprobantes.zip",
            new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("uuid", ajeno.Uuid)]), Ct);
        Assert.Equal(HttpStatusCode.NotFound, soloAjeno.StatusCode);
        var mezcla = await client.PostAsync("/portal/demo/comprobantes.zip",
            new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("uuid", ajeno.Uuid), new("uuid", propio.Uuid)]), Ct);
        using var zip = new ZipArchive(await mezcla.Content.ReadAsStreamAsync(Ct));
        Assert.Equal([$"{propio.Serie}{propio.Folio}_{propio.Uuid}.pdf", $"{propio.Serie}{propio.Folio}_{propio.Uuid}.xml"], zip.Entries.Select(e => e.FullName).Order());

        var todos = await client.GetAsync("/portal/demo/comprobantes.zip", Ct);
        using var zipTodos = new ZipArchive(await todos.Content.ReadAsStreamAsync(Ct));
        Assert.Equal(18, zipTodos.Entries.Count); // XML and PDF of the 8 of the demo and the one added: none of another RFC
        Assert.DoesNotContain(zipTodos.Entries, e => e.FullName.Contains(ajeno.Uuid));
    }

    [Fact]
    public async Task El_mismo_RFC_en_otro_emisor_no_ve_sus_comprobantes_y_su_sesion_no_abre_el_otro_portal()
    {
        await using var app = new AppFactory();
        int otroId;
        await using (var db = app.CrearDb())
        {
            var otro = new Emisor { Rfc = "AAA010101AAA", RazonSocial = "OTRA EMPRESA SA DE CV", Slug = "otra", VerificadoEn = DateTime.UtcNow };
            db.Emisores.Add(otro);
            await db.SaveChangesAsync(Ct);
            otroId = otro.Id;
            db.Accesos.Add(new AccesoDescarga { EmisorId = otro.Id, Rfc = AppFactory.ReceptorRfc, PasswordHash = new ContrasenaHasher().Hash("OtraEmpresa2026") });
            await db.SaveChangesAsync(Ct);
        }
        var deOtro = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, emisorId: otroId, pdf: PdfDePrueba(1000));
        var demo = await ClienteConSesionAsync(app);

        Assert.Equal(HttpStatusCode.NotFound, (await demo.GetAsync($"/portal/demo/comprobantes/{deOtro.Uuid}/xml", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await demo.GetAsync($"/portal/demo/comprobantes/{deOtro.Uuid}/pdf", Ct)).StatusCode);
        foreach (var ruta in new[] { "/portal/otra", $"/portal/otra/comprobantes/{deOtro.Uuid}/xml", "/portal/otra/comprobantes.zip" })
        {
            var r = await demo.GetAsync(ruta, Ct);
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.StartsWith("/portal/otra/ingresar", r.Headers.Location!.OriginalString);
        }

        var otra = await ClienteConSesionAsync(app, AppFactory.ReceptorRfc, "OtraEmpresa2026", "otra");
        Assert.Equal(HttpStatusCode.OK, (await otra.GetAsync($"/portal/otra/comprobantes/{deOtro.Uuid}/xml", Ct)).StatusCode);
    }

    [Fact]
    public async Task Una_sesion_del_emisor_no_abre_el_portal()
    {
        await using var app = new AppFactory();
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc);
        var emisor = await ClienteEmisorAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await emisor.GetAsync("/configuracion/cfdi-comerciales/acceso-descargas", Ct)).StatusCode);

        foreach (var ruta in new[] { "/portal/demo", $"/portal/demo/comprobantes/{c.Uuid}/xml", "/portal/demo/comprobantes.zip", "/portal/demo/contrasena" })
        {
            var r = await emisor.GetAsync(ruta, Ct);
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.StartsWith("/portal/demo/ingresar", r.Headers.Location!.OriginalString);
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/clientes")]
    [InlineData("/comprobantes")]
    [InlineData("/configuracion/cfdi-comerciales/acceso-descargas")]
    public async Task Una_sesion_del_receptor_no_abre_paginas_del_emisor(string ruta)
    {
        await using var app = new AppFactory();
        var receptor = await ClienteConSesionAsync(app);

        var r = await receptor.GetAsync(ruta, Ct);

        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.StartsWith("/Account/Login", r.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Sin_sesion_las_descargas_llevan_al_ingreso_del_portal()
    {
        await using var app = new AppFactory();
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc);

        var r = await Cliente(app).GetAsync($"/portal/demo/comprobantes/{c.Uuid}/xml", Ct);

        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal($"/portal/demo/ingresar?volverA=%2Fportal%2Fdemo%2Fcomprobantes%2F{c.Uuid}%2Fxml", r.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Cerrar_sesion_termina_la_sesion_del_receptor()
    {
        await using var app = new AppFactory();
        var client = await ClienteConSesionAsync(app);
        var token = Token(await client.GetStringAsync("/portal/demo", Ct));

        var r = await client.PostAsync("/portal/demo/salir", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), Ct);

        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal("/portal/demo/ingresar", r.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/portal/demo", Ct)).StatusCode);
    }
}
