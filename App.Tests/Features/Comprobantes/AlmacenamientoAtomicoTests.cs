using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using System.Security.Cryptography;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AccesoDescargas.Tests.Infrastructure;
using static AccesoDescargas.Tests.Features.Comprobantes.Cfdis;

namespace AccesoDescargas.Tests.Features.Comprobantes;

public class AlmacenamientoAtomicoTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Una_falla_entre_el_archivo_y_la_fila_no_deja_comprobante_cliente_ni_evento_y_se_informa()
    {
        // The PDF worker would be writing the demo's PDFs through the same temporary folders while this test looks at them.
        await using var baseApp = new AppFactory(new() { ["Representacion:EnSegundoPlano"] = "false" });
        var app = baseApp;
        // The commit of a new comprobante fails, whichever way its row is written: the files are already in the store by then.
        await using (var antes = app.CrearDb())
            await BaseDePrueba.FallarAlInsertarAsync(antes, "Comprobantes", "disco lleno");
        var uuid = Guid.NewGuid();

        IReadOnlyList<ResultadoArchivo> r;
        await using (var scope = app.Services.CreateAsyncScope())
            r = await scope.ServiceProvider.GetRequiredService<ImportacionService>().ImportarLoteAsync(1, new Actor("prueba", null),
                [Archivo("FA-1.xml", Xml(uuid, "XIQB891116QE4")), Archivo("FA-1.pdf", Pdf)], ct: Ct);

        Assert.Equal(ImportacionService.MensajeErrorAlGuardar, r[0].Detalle);
        Assert.All(r, x => Assert.Equal(EstadoImportacion.Rechazado, x.Estado));
        await using var db = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        var clave = uuid.ToString().ToUpperInvariant();
        Assert.False(await db.Comprobantes.AnyAsync(c => c.Uuid == clave, Ct));
        Assert.False(await db.Clientes.AnyAsync(c => c.Rfc == "XIQB891116QE4", Ct));
        Assert.False(await db.Accesos.AnyAsync(c => c.Rfc == "XIQB891116QE4", Ct));
        Assert.False(await db.Eventos.AnyAsync(e => e.Uuid == clave, Ct));
        // Downloads find files only through a row, and there is none; no temporary copy is left behind either.
        var tmp = Path.Combine(baseApp.DataDir, "files", "tmp");
        Assert.Empty(Directory.EnumerateFiles(tmp));
        var importacion = Path.Combine(baseApp.DataDir, "tmp");
        Assert.True(!Directory.Exists(importacion) || !Directory.EnumerateFiles(importacion, "*", SearchOption.AllDirectories).Any());

        await using (var db2 = app.CrearDb())
            await BaseDePrueba.QuitarFallaAsync(db2, "Comprobantes");
        await using var scope2 = app.Services.CreateAsyncScope();
        var otraVez = await scope2.ServiceProvider.GetRequiredService<ImportacionService>().ImportarLoteAsync(1, new Actor("prueba", null),
            [Archivo("FA-1.xml", Xml(uuid, "XIQB891116QE4")), Archivo("FA-1.pdf", Pdf)], ct: Ct);
        Assert.All(otraVez, x => Assert.Equal(EstadoImportacion.Importado, x.Estado)); // nothing half-done stands in the way
    }

    /// <summary>Hands out the first half of its content, then waits: a write caught in the middle.</summary>
    private sealed class FlujoDetenido(byte[] contenido) : MemoryStream(contenido)
    {
        public TaskCompletionSource MitadLeida { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Continuar { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (Position >= Length / 2)
            {
                MitadLeida.TrySetResult();
                await Continuar.Task.WaitAsync(ct);
            }
            return await base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, Math.Max(1, Length / 2 - Position))], ct);
        }
    }

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // no database
    public async Task Un_corte_antes_del_renombrado_no_deja_un_archivo_a_medias_bajo_ninguna_clave()
    {
        var carpeta = Path.Combine(Path.GetTempPath(), "accesodescargas-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var data = DataDirectory.Prepare(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDirectory"] = carpeta }).Build(), "/");
            var store = new LocalFileStore(data);
            var contenido = RandomNumberGenerator.GetBytes(300_000);
            var sha = Convert.ToHexStringLower(SHA256.HashData(contenido));
            var key = $"{sha[..2]}/{sha}.pdf";
            var flujo = new FlujoDetenido(contenido);
            using var corte = CancellationTokenSource.CreateLinkedTokenSource(Ct);

            var guardando = store.GuardarAsync(flujo, "pdf", corte.Token);
            await flujo.MitadLeida.Task.WaitAsync(Ct);

            // Mid-write: the bytes exist only as a nameless temporary file; the key does not resolve.
            var aMedias = Assert.Single(Directory.EnumerateFiles(store.CarpetaTemporal));
            Assert.True(new FileInfo(aMedias).Length < contenido.Length);
            Assert.Null(store.Abrir(key));
            Assert.Null(store.RutaFisica(key));
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(carpeta, "files"), "*.pdf", SearchOption.AllDirectories));

            // The process dies here. After a restart the key still does not resolve, and old leftovers are swept.
            File.SetLastWriteTimeUtc(aMedias, DateTime.UtcNow.AddHours(-2));
            var trasReinicio = new LocalFileStore(data);
            Assert.Null(trasReinicio.Abrir(key));
            // The start-up sweep removes it (no file is stored yet, so it never asks the database).
            var limpieza = new LimpiezaAlArrancar(data, trasReinicio, null!, Options.Create(new LimpiezaOptions { Antiguedad = TimeSpan.FromHours(1) }),
                NullLogger<LimpiezaAlArrancar>.Instance);
            Assert.Equal(1, (await limpieza.LimpiarAsync(Ct)).Temporales);
            Assert.Empty(Directory.EnumerateFiles(trasReinicio.CarpetaTemporal));

            await corte.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => guardando);
            Assert.Null(store.Abrir(key));

            var completo = await store.GuardarAsync(new MemoryStream(contenido), "pdf", Ct);
            Assert.Equal(key, completo.Key);
            await using var leido = store.Abrir(key)!;
            Assert.Equal(contenido.Length, leido.Length);
        }
        finally
        {
            try { Directory.Delete(carpeta, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Un_error_de_lectura_a_medio_archivo_no_deja_nada_en_el_almacen()
    {
        await using var app = new AppFactory(seed: false);
        var store = (LocalFileStore)app.Services.GetRequiredService<IFileStore>();

        await Assert.ThrowsAsync<IOException>(() => store.GuardarAsync(new FlujoQueFalla(), "xml", Ct));

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.DataDir, "files"), "*", SearchOption.AllDirectories));
    }

    private sealed class FlujoQueFalla : Stream
    {
        private int lecturas;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            ++lecturas < 3 ? ValueTask.FromResult(buffer.Length) : throw new IOException("conexión cortada");
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
