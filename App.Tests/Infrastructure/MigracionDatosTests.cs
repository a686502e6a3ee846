using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Migracion;
using AccesoDescargas.Tests.Features.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>
/// Moving an installation (migrar-datos): every row and file copied and verified, the moved copy
/// serves the same downloads, a rerun copies only what is missing, and a destination that belongs to
/// another installation is refused before anything is written.
/// </summary>
public class MigracionDatosTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task La_instalacion_movida_sirve_las_mismas_descargas_byte_por_byte()
    {
        await using var origen = new AppFactory(Portal.SinGeneradorEnSegundoPlano);
        Assert.Equal(20, await origen.Services.GetRequiredService<GeneradorPdf>().GenerarPendientesAsync(Ct));
        using var carpeta = new CarpetaTemporal();
        var destino = carpeta.Ruta;

        var resumen = await MigrarAsync(origen, destino);

        Assert.All(resumen.Tablas, t => Assert.Equal(t.Origen, t.Destino));
        Assert.Contains(resumen.Tablas, t => t.Tabla == "Comprobantes" && t.Destino == 20);
        Assert.Equal(40, resumen.Archivos); // 20 XML and 20 PDF of the demo
        await using var movida = new AppFactory(new() { ["DataDirectory"] = destino }, seed: false);
        using var antes = await Portal.ClienteConSesionAsync(origen);
        using var despues = await Portal.ClienteConSesionAsync(movida); // same password hash, same access
        await using var db = origen.CrearDb();
        var uuids = await db.Comprobantes.Where(c => c.ReceptorRfc == AppFactory.ReceptorRfc).Select(c => c.Uuid).ToListAsync(Ct);
        Assert.NotEmpty(uuids);
        foreach (var uuid in uuids)
            foreach (var formato in new[] { "xml", "pdf" })
            {
                var url = $"/portal/demo/comprobantes/{uuid}/{formato}";
                var esperado = await antes.GetByteArrayAsync(url, Ct);
                Assert.Equal(esperado, await despues.GetByteArrayAsync(url, Ct));
            }
    }

    [Fact]
    public async Task Repetir_la_migracion_despues_de_una_interrupcion_solo_copia_lo_que_falta()
    {
        await using var origen = new AppFactory(Portal.SinGeneradorEnSegundoPlano);
        using var carpeta = new CarpetaTemporal();
        var destino = carpeta.Ruta;
        var primera = await MigrarAsync(origen, destino);

        // What an interrupted run leaves: some rows and a file missing.
        await using (var db = Contexto(destino))
        {
            var ultimos = await db.Comprobantes.OrderByDescending(c => c.Id).Take(5).ToListAsync(Ct);
            db.Comprobantes.RemoveRange(ultimos);
            await db.SaveChangesAsync(Ct);
            File.Delete(Directory.EnumerateFiles(Path.Combine(destino, "files"), "*.xml", SearchOption.AllDirectories).First());
        }
        var segunda = await MigrarAsync(origen, destino);
        var tercera = await MigrarAsync(origen, destino);

        Assert.Equal(5, segunda.Tablas.Single(t => t.Tabla == "Comprobantes").Copiadas);
        Assert.Equal(1, segunda.ArchivosCopiados);
        Assert.Equal(0, tercera.Tablas.Sum(t => t.Copiadas));
        Assert.Equal(0, tercera.ArchivosCopiados);
        Assert.Equal(primera.Tablas.Select(t => (t.Tabla, t.Destino)), tercera.Tablas.Select(t => (t.Tabla, t.Destino)));
    }

    [Fact]
    public async Task Un_destino_con_datos_de_otra_instalacion_se_rechaza_sin_escribir_nada()
    {
        await using var origen = new AppFactory(Portal.SinGeneradorEnSegundoPlano);
        using var carpeta = new CarpetaTemporal();
        var destino = carpeta.Ruta;
        await using (var db = Contexto(destino))
        {
            await db.Database.MigrateAsync(Ct);
            db.Emisores.Add(new Emisor { Rfc = "CSM190311AH6", RazonSocial = "OTRA EMPRESA SA DE CV", Slug = "otra" });
            await db.SaveChangesAsync(Ct);
        }

        var error = await Assert.ThrowsAsync<MigracionException>(() => MigrarAsync(origen, destino));

        Assert.Contains("otra instalación", error.Message);
        await using (var db = Contexto(destino))
        {
            Assert.Equal(0, await db.Comprobantes.CountAsync(Ct));
            Assert.Equal(["otra"], await db.Emisores.Select(e => e.Slug).ToListAsync(Ct));
        }
        Assert.False(Directory.Exists(Path.Combine(destino, "files")) && Directory.EnumerateFiles(Path.Combine(destino, "files"), "*.xml", SearchOption.AllDirectories).Any());
    }

    private static async Task<ResumenMigracion> MigrarAsync(AppFactory origen, string destino)
    {
        await using var otra = MigrarDatosComando.ConstruirDestino(origen.Services,
            MigrarDatosComando.Destino("Sqlite", Cadena(destino), "carpeta:" + destino));
        return await MigrarDatosComando.MigrarAsync(origen.Services, otra.Services, NullLogger.Instance, Ct);
    }

    private static string Cadena(string carpeta) => $"Data Source={Path.Combine(carpeta, "accesodescargas.db")};Foreign Keys=True";

    /// <summary>A context on the destination's database, for what the test does to it by hand.</summary>
    private static AppDbContext Contexto(string carpeta) => new(new DbContextOptionsBuilder<AppDbContext>()
        .UseSqlite(Cadena(carpeta)).ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.PendingModelChangesWarning)).Options);

    private sealed class CarpetaTemporal : IDisposable
    {
        public string Ruta { get; } = Path.Combine(Path.GetTempPath(), "accesodescargas-tests", "migracion-" + Guid.NewGuid().ToString("N"));

        public CarpetaTemporal() => Directory.CreateDirectory(Ruta);

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(Ruta, recursive: true); } catch (IOException) { }
        }
    }
}
