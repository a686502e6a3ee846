using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Infrastructure.Storage;

/// <summary>
/// What a crash leaves (temporary files, a stored file whose row never committed) is swept at the next
/// start; what a committed row references, and what is recent enough to belong to an import still
/// running elsewhere, stays.
/// </summary>
public class LimpiezaAlArrancarTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Al_arrancar_se_borran_los_restos_de_una_caida_y_nunca_un_archivo_que_un_registro_usa()
    {
        var carpeta = Path.Combine(Path.GetTempPath(), "accesodescargas-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var primera = new AppFactory(new() { ["DataDirectory"] = carpeta }))
            {
                await using var db = primera.CrearDb();
                Assert.True(await db.Comprobantes.AnyAsync(Ct)); // the demo's comprobantes and their files
            }

            var hace2Dias = DateTime.UtcNow.AddDays(-2);
            var archivos = Path.Combine(carpeta, "files");
            // Everything stored so far looks old: only the rows tell what is still used.
            foreach (var f in Directory.EnumerateFiles(archivos, "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(f, hace2Dias);

            var huerfano = Escribir(Path.Combine(archivos, "ab", "ab" + new string('0', 62) + ".xml"), hace2Dias);
            var huerfanoReciente = Escribir(Path.Combine(archivos, "cd", "cd" + new string('1', 62) + ".pdf"), DateTime.UtcNow);
            var importacionCaida = Escribir(Path.Combine(carpeta, "tmp", "importacion", Guid.NewGuid().ToString("N")), hace2Dias);
            var renderCaido = Escribir(Path.Combine(archivos, "tmp", Guid.NewGuid().ToString("N")), hace2Dias);
            var renderEnCurso = Escribir(Path.Combine(carpeta, "tmp", "representacion", Guid.NewGuid().ToString("N")), DateTime.UtcNow);

            await using var segunda = new AppFactory(new() { ["DataDirectory"] = carpeta }, seed: false);
            var resultado = await segunda.Services.GetRequiredService<LimpiezaAlArrancar>().Terminada.WaitAsync(Ct);

            Assert.False(File.Exists(huerfano));
            Assert.False(File.Exists(importacionCaida));
            Assert.False(File.Exists(renderCaido));
            Assert.True(File.Exists(huerfanoReciente), "Un archivo reciente puede ser de una importación en curso en otra instancia.");
            Assert.True(File.Exists(renderEnCurso));
            Assert.Equal(1, resultado.Huerfanos);
            Assert.Equal(2, resultado.Temporales);
            await ArchivosDeLosRegistrosSiguenAsync(segunda);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(carpeta, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Un_archivo_viejo_que_una_importacion_vuelve_a_guardar_ya_no_es_un_resto()
    {
        await using var app = new AppFactory(new() { ["Limpieza:AlArrancar"] = "false" });
        var store = app.Services.GetRequiredService<IFileStore>();
        var guardado = await store.GuardarAsync(new MemoryStream("<x/>"u8.ToArray()), "xml", Ct);
        var ruta = store.RutaFisica(guardado.Key)!;
        File.SetLastWriteTimeUtc(ruta, DateTime.UtcNow.AddDays(-2)); // left over by a crash

        await store.GuardarAsync(new MemoryStream("<x/>"u8.ToArray()), "xml", Ct); // the same content imported again

        var limpieza = app.Services.GetRequiredService<LimpiezaAlArrancar>();
        await limpieza.LimpiarAsync(Ct); // its row has not committed yet: the file must survive
        Assert.True(File.Exists(ruta));
    }

    [Fact]
    public async Task En_s3_se_borran_los_objetos_que_ningun_registro_usa()
    {
        // No PDF generator on either instance: with Antiguedad 0 a PDF uploaded a moment before its row
        // commits would look like a leftover (the 24 h default is what protects that in production).
        await using var primera = new AppFactory(new() { ["Representacion:EnSegundoPlano"] = "false" }, almacen: ProveedorAlmacen.S3);
        await using (var db = primera.CrearDb())
            Assert.True(await db.Comprobantes.AnyAsync(Ct));
        var huerfano = await primera.Services.GetRequiredService<IFileStore>().GuardarAsync(new MemoryStream("<huerfano/>"u8.ToArray()), "xml", Ct);

        // A second instance on the same database and bucket, with every file old enough to sweep.
        await using var segunda = new AppFactory(new(ServidorS3.Ajustes(primera.Bucket!, ModoDescargas.Transmitir))
        {
            ["DataDirectory"] = primera.DataDir,
            ["Limpieza:Antiguedad"] = "00:00:00",
            ["Representacion:EnSegundoPlano"] = "false",
        }, seed: false, almacen: ProveedorAlmacen.S3);
        var resultado = await segunda.Services.GetRequiredService<LimpiezaAlArrancar>().Terminada.WaitAsync(Ct);

        var store = segunda.Services.GetRequiredService<IFileStore>();
        Assert.Null(await store.ModificadoEnAsync(huerfano.Key, Ct));
        Assert.Equal(1, resultado.Huerfanos);
        await ArchivosDeLosRegistrosSiguenAsync(segunda);
    }

    private static async Task ArchivosDeLosRegistrosSiguenAsync(AppFactory app)
    {
        var store = app.Services.GetRequiredService<IFileStore>();
        await using var db = app.CrearDb();
        var claves = await db.Comprobantes.Select(c => c.XmlKey)
            .Concat(db.Comprobantes.Where(c => c.PdfKey != null).Select(c => c.PdfKey!))
            .Concat(db.Emisores.Where(e => e.LogoKey != null).Select(e => e.LogoKey!))
            .ToListAsync(Ct);
        Assert.NotEmpty(claves);
        foreach (var clave in claves)
            Assert.True(await store.ModificadoEnAsync(clave, Ct) is not null, $"El archivo {clave}, que un registro usa, desapareció.");
    }

    private static string Escribir(string ruta, DateTime modificado)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ruta)!);
        File.WriteAllText(ruta, "resto");
        File.SetLastWriteTimeUtc(ruta, modificado);
        return ruta;
    }
}
