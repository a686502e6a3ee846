using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Comprobantes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Comprobantes.Cfdis;

namespace AccesoDescargas.Tests.Features.Comprobantes;

public class ImportacionZipTests
{
    private static readonly Actor Admin = new(AppFactory.AdminEmail, "127.0.0.1");
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<IReadOnlyList<ResultadoArchivo>> ImportarAsync(AppFactory app, params ArchivoEntrante[] archivos)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ImportacionService>().ImportarLoteAsync(1, Admin, archivos, ct: Ct);
    }

    private static async Task<int> ContarAsync(AppFactory app, params Guid[] uuids)
    {
        var claves = uuids.Select(u => u.ToString().ToUpperInvariant()).ToList();
        await using var db = app.CrearDb();
        return await db.Comprobantes.CountAsync(c => claves.Contains(c.Uuid), Ct);
    }

    [Fact]
    public async Task Un_zip_con_carpetas_importa_cada_xml_con_su_pdf_y_reporta_cada_archivo()
    {
        await using var app = new AppFactory();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var zip = Zip(("marzo/FA-1.xml", Bytes(Xml(a, folio: "1"))), ("marzo/FA-1.pdf", Bytes(Pdf)), ("abril/", []), ("abril/FA-2.xml", Bytes(Xml(b, folio: "2"))));

        var r = await ImportarAsync(app, Archivo("facturas.zip", zip));

        Assert.Equal(["facturas.zip › marzo/FA-1.xml", "facturas.zip › marzo/FA-1.pdf", "facturas.zip › abril/FA-2.xml"], r.Select(x => x.Archivo));
        Assert.All(r, x => Assert.Equal(EstadoImportacion.Importado, x.Estado));
        await using var db = app.CrearDb();
        var clave = a.ToString().ToUpperInvariant();
        Assert.NotNull(await db.Comprobantes.Where(c => c.Uuid == clave).Select(c => c.PdfKey).SingleAsync(Ct));
        Assert.Equal(2, await ContarAsync(app, a, b));
    }

    [Fact]
    public async Task Las_entradas_con_rutas_que_salen_del_zip_se_rechazan_y_no_se_escriben_en_ningun_lado()
    {
        await using var app = new AppFactory();
        var (fuera, absoluta, buena) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var zip = Zip(("../../fuera.xml", Bytes(Xml(fuera))), ("/etc/absoluta.xml", Bytes(Xml(absoluta))), ("ok/buena.xml", Bytes(Xml(buena))));

        var r = (await ImportarAsync(app, Archivo("malicioso.zip", zip))).ToDictionary(x => x.Archivo);

        Assert.Equal("Ruta no permitida dentro del ZIP (absoluta o con «..»).", r["malicioso.zip › ../../fuera.xml"].Detalle);
        Assert.Equal(EstadoImportacion.Rechazado, r["malicioso.zip › /etc/absoluta.xml"].Estado);
        Assert.Equal(EstadoImportacion.Importado, r["malicioso.zip › ok/buena.xml"].Estado);
        Assert.Equal(1, await ContarAsync(app, fuera, absoluta, buena));
        Assert.False(File.Exists(Path.Combine(app.DataDir, "..", "fuera.xml")));
        Assert.Empty(Directory.EnumerateFiles(app.DataDir, "*fuera*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Un_zip_con_mas_entradas_de_las_permitidas_se_rechaza_entero()
    {
        await using var app = new AppFactory(new() { ["Comprobantes:ZipEntradasMaximas"] = "3" });
        var uuids = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();

        var r = Assert.Single(await ImportarAsync(app, Archivo("muchos.zip", Zip(uuids.Select(u => ($"{u}.xml", Bytes(Xml(u)))).ToArray()))));

        Assert.Equal(EstadoImportacion.Rechazado, r.Estado);
        Assert.Equal("El ZIP contiene 4 archivos; el máximo es 3.", r.Detalle);
        Assert.Equal(0, await ContarAsync(app, uuids));
    }

    [Fact]
    public async Task Una_bomba_zip_se_rechaza_por_su_tamano_expandido_sin_descomprimirla()
    {
        await using var app = new AppFactory(new() { ["Comprobantes:ZipTamanoExpandidoMaximo"] = "1048576" });
        // 50 MB of zeros deflate to ~50 KB.
        var zip = Zip(("bomba.xml", new byte[50 * 1024 * 1024]));
        Assert.True(zip.Length < 200_000);

        var r = Assert.Single(await ImportarAsync(app, Archivo("bomba.zip", zip)));

        Assert.Equal(EstadoImportacion.Rechazado, r.Estado);
        Assert.Equal("El contenido del ZIP excede 1 MB al descomprimirse.", r.Detalle);
    }

    [Fact]
    public async Task Un_archivo_que_no_es_zip_y_un_zip_dentro_de_un_zip_se_explican()
    {
        await using var app = new AppFactory();

        var r = await ImportarAsync(app, Archivo("roto.zip", "no soy un zip"), Archivo("doble.zip", Zip(("interno.zip", Zip(("a.xml", Bytes(Xml(Guid.NewGuid()))))))));

        Assert.Equal("El archivo no es un ZIP válido o está dañado.", r.Single(x => x.Archivo == "roto.zip").Detalle);
        Assert.Equal("No se admiten archivos ZIP dentro de un ZIP.", r.Single(x => x.Archivo == "doble.zip › interno.zip").Detalle);
    }
}
