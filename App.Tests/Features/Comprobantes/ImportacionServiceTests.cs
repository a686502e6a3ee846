using AccesoDescargas.Fiscal;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Comprobantes.Cfdis;

namespace AccesoDescargas.Tests.Features.Comprobantes;

public class ImportacionServiceTests
{
    private static readonly Actor Admin = new(AppFactory.AdminEmail, "127.0.0.1");
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<IReadOnlyList<ResultadoArchivo>> ImportarAsync(AppFactory app, params ArchivoEntrante[] archivos)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ImportacionService>().ImportarLoteAsync(1, Admin, archivos, ct: Ct);
    }

    private static async Task<Comprobante?> ComprobanteAsync(AppFactory app, Guid uuid)
    {
        await using var db = app.CrearDb();
        var clave = uuid.ToString().ToUpperInvariant();
        return await db.Comprobantes.AsNoTracking().SingleOrDefaultAsync(c => c.Uuid == clave, Ct);
    }

    private static string Contenido(AppFactory app, string key)
    {
        using var s = app.Services.GetRequiredService<IFileStore>().Abrir(key)!;
        return new StreamReader(s).ReadToEnd();
    }

    [Fact]
    public async Task Un_xml_nuevo_se_guarda_con_sus_datos_y_registra_al_receptor_como_cliente_con_acceso()
    {
        await using var app = new AppFactory();
        var uuid = Guid.NewGuid();
        var xml = Xml(uuid, "XIQB891116QE4", "BERENICE XIMO QUEZADA");

        var r = Assert.Single(await ImportarAsync(app, Archivo("FA-1024.xml", xml)));

        Assert.Equal(EstadoImportacion.Importado, r.Estado);
        Assert.Equal("Importado sin PDF.", r.Detalle);
        var c = (await ComprobanteAsync(app, uuid))!;
        Assert.Equal(("4.0", "FA", "1024", "I", 2900.00m, "MXN", "XIQB891116QE4"), (c.Version, c.Serie, c.Folio, c.Tipo, c.Total, c.Moneda, c.ReceptorRfc));
        Assert.Equal(new DateTime(2025, 3, 14, 10, 30, 0), c.Fecha);
        Assert.Equal(xml, Contenido(app, c.XmlKey));
        await using var db = app.CrearDb();
        var cliente = await db.Clientes.SingleAsync(x => x.Rfc == "XIQB891116QE4", Ct);
        Assert.Equal("BERENICE XIMO QUEZADA", cliente.Nombre);
        var acceso = await db.Accesos.SingleAsync(a => a.Rfc == "XIQB891116QE4", Ct);
        Assert.Equal(OrigenAcceso.Automatico, acceso.Origen);
        var evento = await db.Eventos.SingleAsync(e => e.Que == "comprobante.importado" && e.Uuid == c.Uuid, Ct);
        Assert.Equal((AppFactory.AdminEmail, "XIQB891116QE4", "FA-1024.xml"), (evento.Quien, evento.Rfc, evento.Detalle));
    }

    [Theory]
    [InlineData("XAXX010101000")]
    [InlineData("XEXX010101000")]
    public async Task Un_receptor_generico_se_guarda_pero_no_recibe_cliente_ni_acceso(string generico)
    {
        await using var app = new AppFactory();
        var uuid = Guid.NewGuid();

        var r = Assert.Single(await ImportarAsync(app, Archivo("publico.xml", Xml(uuid, generico, "PUBLICO EN GENERAL"))));

        Assert.Equal(EstadoImportacion.Importado, r.Estado);
        Assert.NotNull(await ComprobanteAsync(app, uuid));
        await using var db = app.CrearDb();
        Assert.False(await db.Clientes.AnyAsync(c => c.Rfc == generico, Ct));
        Assert.False(await db.Accesos.AnyAsync(a => a.Rfc == generico, Ct));
    }

    [Fact]
    public async Task El_mismo_uuid_otra_vez_es_duplicado_aunque_venga_en_minusculas_y_no_se_guarda_dos_veces()
    {
        await using var app = new AppFactory();
        var uuid = Guid.NewGuid();
        var xml = Xml(uuid);
        await ImportarAsync(app, Archivo("a.xml", xml));

        var r = Assert.Single(await ImportarAsync(app, Archivo("b.xml", xml.Replace(uuid.ToString().ToUpperInvariant(), uuid.ToString()))));

        Assert.Equal(EstadoImportacion.Duplicado, r.Estado);
        Assert.Equal($"Ya estaba importado (UUID {uuid.ToString().ToUpperInvariant()}).", r.Detalle);
        await using var db = app.CrearDb();
        Assert.Equal(1, await db.Comprobantes.CountAsync(c => c.Uuid == uuid.ToString().ToUpperInvariant(), Ct));
    }

    [Fact]
    public async Task El_mismo_xml_con_su_pdf_agrega_el_pdf_y_un_pdf_subido_no_se_reemplaza_despues()
    {
        await using var app = new AppFactory();
        var uuid = Guid.NewGuid();
        var xml = Xml(uuid);
        await ImportarAsync(app, Archivo("FA-1024.xml", xml));

        var segunda = await ImportarAsync(app, Archivo("FA-1024.xml", xml), Archivo("FA-1024.pdf", Pdf));

        Assert.Equal(EstadoImportacion.Duplicado, segunda[0].Estado);
        Assert.EndsWith("Se agregó su PDF.", segunda[0].Detalle);
        Assert.Equal(EstadoImportacion.Importado, segunda[1].Estado);
        var c = (await ComprobanteAsync(app, uuid))!;
        Assert.Equal(Pdf, Contenido(app, c.PdfKey!));
        Assert.False(c.PdfGenerado);

        var tercera = await ImportarAsync(app, Archivo("FA-1024.xml", xml), Archivo("FA-1024.pdf", Pdf + "% otra versión\n"));
        Assert.Equal(EstadoImportacion.Duplicado, tercera[1].Estado);
        Assert.Equal("El comprobante ya tenía su PDF; no se reemplazó.", tercera[1].Detalle);
        Assert.Equal(c.PdfKey, (await ComprobanteAsync(app, uuid))!.PdfKey);
    }

    [Fact]
    public async Task Un_pdf_subido_reemplaza_al_pdf_generado()
    {
        await using var app = new AppFactory();
        var uuid = Guid.NewGuid();
        await ImportarAsync(app, Archivo("FA-1024.xml", Xml(uuid)));
        var generado = await app.Services.GetRequiredService<IFileStore>().GuardarAsync(new MemoryStream(Bytes(Pdf + "% generado\n")), "pdf", Ct);
        await using (var db = app.CrearDb())
            await db.Comprobantes.Where(c => c.Uuid == uuid.ToString().ToUpperInvariant())
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.PdfKey, generado.Key).SetProperty(c => c.PdfGenerado, true), Ct);

        // Only the PDF, named by its UUID: it finds the comprobante already imported.
        var r = Assert.Single(await ImportarAsync(app, Archivo($"{uuid}.pdf", Pdf)));

        Assert.Equal(EstadoImportacion.Importado, r.Estado);
        var c = (await ComprobanteAsync(app, uuid))!;
        Assert.False(c.PdfGenerado);
        Assert.Equal(Pdf, Contenido(app, c.PdfKey!));
    }

    [Fact]
    public async Task Los_pdf_se_emparejan_por_nombre_base_o_por_uuid_en_el_nombre_y_uno_sin_xml_se_rechaza()
    {
        await using var app = new AppFactory();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());

        var r = await ImportarAsync(app,
            Archivo("FA-1.xml", Xml(a, folio: "1")), Archivo("fa-1.PDF", Pdf + "%a\n"),
            Archivo("factura-2.xml", Xml(b, folio: "2")), Archivo($"Factura {b.ToString().ToLowerInvariant()}.pdf", Pdf + "%b\n"),
            Archivo("huerfano.pdf", Pdf), Archivo("notas.txt", "hola"));

        Assert.Equal(Pdf + "%a\n", Contenido(app, (await ComprobanteAsync(app, a))!.PdfKey!));
        Assert.Equal(Pdf + "%b\n", Contenido(app, (await ComprobanteAsync(app, b))!.PdfKey!));
        var porArchivo = r.ToDictionary(x => x.Archivo);
        Assert.Equal(6, porArchivo.Count);
        Assert.Equal("PDF de FA-1.xml.", porArchivo["fa-1.PDF"].Detalle);
        Assert.Equal(EstadoImportacion.Rechazado, porArchivo["huerfano.pdf"].Estado);
        Assert.StartsWith("No se encontró el XML de este PDF.", porArchivo["huerfano.pdf"].Detalle);
        Assert.Equal("Tipo de archivo no admitido: sólo se aceptan XML, PDF y ZIP.", porArchivo["notas.txt"].Detalle);
    }

    [Fact]
    public async Task Los_rechazos_llevan_su_motivo_y_no_guardan_nada()
    {
        await using var app = new AppFactory();
        var (otroEmisor, falsoPdf) = (Guid.NewGuid(), Guid.NewGuid());
        var sinTimbre = Xml(Guid.NewGuid());
        sinTimbre = sinTimbre[..sinTimbre.IndexOf("  <cfdi:Complemento>", StringComparison.Ordinal)] + "</cfdi:Comprobante>";

        var r = (await ImportarAsync(app,
            Archivo("otro.xml", Xml(otroEmisor, emisorRfc: "CSM190311AH6")),
            Archivo("sintimbre.xml", sinTimbre),
            Archivo("roto.xml", "<cfdi:Comprobante"),
            Archivo("bueno.xml", Xml(falsoPdf)), Archivo("bueno.pdf", "no soy un pdf"))).ToDictionary(x => x.Archivo);

        Assert.Equal("El RFC del emisor del CFDI (CSM190311AH6) no corresponde al emisor de esta cuenta (EKU9003173C9).", r["otro.xml"].Detalle);
        Assert.Equal(CfdiReader.MensajeNoTimbrado, r["sintimbre.xml"].Detalle);
        Assert.Equal(CfdiReader.MensajeXmlNoValido, r["roto.xml"].Detalle);
        Assert.Equal("El archivo bueno.pdf no es un PDF válido.", r["bueno.pdf"].Detalle);
        Assert.Equal(EstadoImportacion.Rechazado, r["bueno.xml"].Estado);
        Assert.All(r.Values, x => Assert.Equal(EstadoImportacion.Rechazado, x.Estado));
        Assert.Null(await ComprobanteAsync(app, otroEmisor));
        Assert.Null(await ComprobanteAsync(app, falsoPdf)); // the pair is refused together, to be fixed and sent again
    }

    [Fact]
    public async Task Los_limites_de_tamano_configurados_se_explican_al_rechazar()
    {
        await using var app = new AppFactory(new() { ["Comprobantes:XmlTamanoMaximo"] = "4096", ["Comprobantes:PdfTamanoMaximo"] = "1024" });
        var uuid = Guid.NewGuid();

        var r = await ImportarAsync(app,
            Archivo("grande.xml", Xml(Guid.NewGuid()) + new string(' ', 4096)),
            Archivo("FA-1024.xml", Xml(uuid)), Archivo("FA-1024.pdf", Pdf + new string('%', 1024)));

        Assert.Equal("El XML excede el tamaño máximo permitido de 4 KB.", r[0].Detalle);
        Assert.Equal("El PDF excede el tamaño máximo permitido de 1 KB.", r[2].Detalle);
        Assert.Equal(EstadoImportacion.Rechazado, r[1].Estado);
        Assert.Null(await ComprobanteAsync(app, uuid));
    }
}
