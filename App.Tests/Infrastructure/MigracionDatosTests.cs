using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Migracion;
using AccesoDescargas.Infrastructure.PostgreSql;
using AccesoDescargas.Tests.Features.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>
/// Moving an installation (migrar-datos): every row and file copied and verified, the moved copy
/// serves the same downloads, a rerun copies only what is missing, and a destination that belongs to
/// another installation is refused before anything is written. The origin is always SQLite and local
/// files (what installations move from); the destination is the pass's engine, so the PostgreSQL pass
/// proves the move README's deploy guide describes (SQLite to PostgreSQL).
/// </summary>
public class MigracionDatosTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task La_instalacion_movida_sirve_las_mismas_descargas_byte_por_byte()
    {
        await using var origen = Origen();
        Assert.Equal(20, await origen.Services.GetRequiredService<GeneradorPdf>().GenerarPendientesAsync(Ct));
        await using var destino = new Destino();

        var resumen = await MigrarAsync(origen, destino);

        Assert.All(resumen.Tablas, t => Assert.Equal(t.Origen, t.Destino));
        Assert.Contains(resumen.Tablas, t => t.Tabla == "Comprobantes" && t.Destino == 20);
        Assert.Equal(40, resumen.Archivos); // 20 XML and 20 PDF of the demo
        // The pass's engine on the destination folder: the SQLite file there, or the PostgreSQL database of that folder.
        await using var movida = new AppFactory(new() { ["DataDirectory"] = destino.Ruta }, seed: false);
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
        await using var origen = Origen();
        await using var destino = new Destino();
        var primera = await MigrarAsync(origen, destino);

        // What an interrupted run leaves: some rows and a file missing.
        await using (var db = destino.Contexto())
        {
            var ultimos = await db.Comprobantes.OrderByDescending(c => c.Id).Take(5).ToListAsync(Ct);
            db.Comprobantes.RemoveRange(ultimos);
            db.Accesos.RemoveRange(await db.Accesos.OrderByDescending(a => a.Id).Take(2).ToListAsync(Ct));
            await db.SaveChangesAsync(Ct);
            File.Delete(Directory.EnumerateFiles(Path.Combine(destino.Ruta, "files"), "*.xml", SearchOption.AllDirectories).First());
        }
        var segunda = await MigrarAsync(origen, destino);
        var tercera = await MigrarAsync(origen, destino);

        Assert.Equal(5, segunda.Tablas.Single(t => t.Tabla == "Comprobantes").Copiadas);
        Assert.Equal(1, segunda.ArchivosCopiados);
        Assert.Equal(0, tercera.Tablas.Sum(t => t.Copiadas));
        Assert.Equal(0, tercera.ArchivosCopiados);
        Assert.Equal(primera.Tablas.Select(t => (t.Tabla, t.Destino)), tercera.Tablas.Select(t => (t.Tabla, t.Destino)));
        Assert.Equal(2, segunda.Tablas.Single(t => t.Tabla == "Accesos").Copiadas);
        // The grid's total is the count the destination's triggers kept while the rows were copied in.
        await using (var db = destino.Contexto())
            foreach (var emisorId in await db.Emisores.Select(e => e.Id).ToListAsync(Ct))
                Assert.Equal(await db.Accesos.CountAsync(a => a.EmisorId == emisorId, Ct), await db.TotalAccesosAsync(emisorId, Ct));
    }

    [Fact]
    public async Task Un_destino_con_datos_de_otra_instalacion_se_rechaza_sin_escribir_nada()
    {
        await using var origen = Origen();
        await using var destino = new Destino();
        await using (var db = destino.Contexto())
        {
            await db.Database.MigrateAsync(Ct);
            db.Emisores.Add(new Emisor { Rfc = "CSM190311AH6", RazonSocial = "OTRA EMPRESA SA DE CV", Slug = "otra" });
            await db.SaveChangesAsync(Ct);
        }

        var error = await Assert.ThrowsAsync<MigracionException>(() => MigrarAsync(origen, destino));

        Assert.Contains("otra instalación", error.Message);
        await using (var db = destino.Contexto())
        {
            Assert.Equal(0, await db.Comprobantes.CountAsync(Ct));
            Assert.Equal(["otra"], await db.Emisores.Select(e => e.Slug).ToListAsync(Ct));
        }
        Assert.False(Directory.Exists(Path.Combine(destino.Ruta, "files")) && Directory.EnumerateFiles(Path.Combine(destino.Ruta, "files"), "*.xml", SearchOption.AllDirectories).Any());
    }

    /// <summary>An installation on SQLite and local files, with the demo data.</summary>
    private static AppFactory Origen() => new(Portal.SinGeneradorEnSegundoPlano, proveedor: ProveedorBaseDatos.Sqlite);

    private static async Task<ResumenMigracion> MigrarAsync(AppFactory origen, Destino destino)
    {
        await using var otra = MigrarDatosComando.ConstruirDestino(origen.Services,
            MigrarDatosComando.Destino(AppFactory.ProveedorDePruebas.ToString(), destino.Cadena, "carpeta:" + destino.Ruta));
        return await MigrarDatosComando.MigrarAsync(origen.Services, otra.Services, NullLogger.Instance, Ct);
    }

    /// <summary>
    /// The destination: a new data folder for the files and, in the pass's engine, its database (the
    /// SQLite file in the folder, or the folder's own PostgreSQL database, which AppFactory finds again).
    /// </summary>
    private sealed class Destino : IAsyncDisposable
    {
        public string Ruta { get; } = Path.Combine(Path.GetTempPath(), "accesodescargas-tests", "migracion-" + Guid.NewGuid().ToString("N"));

        public string Cadena { get; }

        public Destino()
        {
            Directory.CreateDirectory(Ruta);
            Cadena = AppFactory.ProveedorDePruebas == ProveedorBaseDatos.PostgreSql
                ? BasePostgres.Crear(Ruta)
                : $"Data Source={Path.Combine(Ruta, "accesodescargas.db")};Foreign Keys=True";
        }

        /// <summary>
        /// A context on the destination's database, for what the test does to it by hand (without the
        /// app's Identity options its model differs a little from the migrations': not a pending change).
        /// </summary>
        public AppDbContext Contexto() => AppFactory.ProveedorDePruebas == ProveedorBaseDatos.PostgreSql
            ? new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(Cadena).ConfigureWarnings(SinAvisoDeCambios).Options)
            : new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite(Cadena).ConfigureWarnings(SinAvisoDeCambios).Options);

        private static void SinAvisoDeCambios(Microsoft.EntityFrameworkCore.Diagnostics.WarningsConfigurationBuilder w) =>
            w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.PendingModelChangesWarning);

        public async ValueTask DisposeAsync()
        {
            if (AppFactory.ProveedorDePruebas == ProveedorBaseDatos.PostgreSql) await BasePostgres.EliminarAsync(Cadena);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(Ruta, recursive: true); } catch (IOException) { }
        }
    }
}
