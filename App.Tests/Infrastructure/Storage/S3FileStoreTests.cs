using System.Net;
using System.Security.Cryptography;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace AccesoDescargas.Tests.Infrastructure.Storage;

/// <summary>The S3 store itself against the tests' S3 server (s3rver): keys, streaming, ranges, multipart, presigned links.</summary>
public sealed class S3FileStoreTests : IDisposable
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private readonly string carpeta = Path.Combine(Path.GetTempPath(), "accesodescargas-tests", Guid.NewGuid().ToString("N"));
    private readonly AmazonS3Client cliente = ServidorS3.Cliente();

    private S3FileStore Store(string? bucket = null, ModoDescargas descargas = ModoDescargas.Transmitir, long multiparte = 16 * 1024 * 1024)
    {
        var opciones = ServidorS3.Opciones(bucket ?? ServidorS3.CrearBucket(), descargas);
        opciones.TamanoMultiparte = multiparte;
        return new S3FileStore(cliente, opciones, Datos(), NullLogger<S3FileStore>.Instance);
    }

    private DataDirectory Datos() =>
        DataDirectory.Prepare(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDirectory"] = carpeta }).Build(), carpeta);

    private static byte[] Aleatorios(int tamano)
    {
        var b = new byte[tamano];
        Random.Shared.NextBytes(b);
        return b;
    }

    private static async Task<byte[]> LeerAsync(Stream s)
    {
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms, Ct);
        return ms.ToArray();
    }

    [Fact]
    public async Task Guarda_con_la_misma_clave_que_el_almacen_local_y_devuelve_los_mismos_bytes_desde_flujos_con_y_sin_posicion()
    {
        var store = Store();
        var local = new LocalFileStore(Datos());
        var bytes = Aleatorios(200_000);

        var desdeSecuencial = await store.GuardarAsync(new SoloLectura(bytes), "PDF", Ct);
        var desdeMemoria = await store.GuardarAsync(new MemoryStream(bytes), "pdf", Ct);
        var enDisco = await local.GuardarAsync(new MemoryStream(bytes), "pdf", Ct);

        Assert.Equal(enDisco, desdeSecuencial);
        Assert.Equal(enDisco, desdeMemoria);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), desdeSecuencial.Sha256);
        Assert.Null(store.RutaFisica(desdeSecuencial.Key));
        await using var leido = (await store.AbrirAsync(desdeSecuencial.Key, ct: Ct))!;
        Assert.Equal(bytes.Length, leido.Length);
        Assert.Equal(bytes, await LeerAsync(leido));
        // The non-seekable upload went through a temporary file that is gone now.
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(carpeta, "tmp", "s3")));
    }

    [Fact]
    public async Task Una_clave_que_no_existe_abre_null_y_eliminar_la_quita()
    {
        var store = Store();
        var g = await store.GuardarAsync(new MemoryStream("<xml/>"u8.ToArray()), "xml", Ct);

        Assert.Null(await store.AbrirAsync("00/" + new string('0', 64) + ".xml", ct: Ct));
        await store.EliminarAsync(g.Key);
        Assert.Null(await store.AbrirAsync(g.Key, ct: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AbrirAsync("../../etc/passwd", ct: Ct));
    }

    [Fact]
    public async Task Lee_rangos_con_GET_parciales_desde_la_posicion_indicada_y_tras_moverse()
    {
        var store = Store();
        var bytes = Aleatorios(50_000);
        var g = await store.GuardarAsync(new MemoryStream(bytes), "pdf", Ct);

        await using var s = (await store.AbrirAsync(g.Key, desde: 40_000, ct: Ct))!;
        Assert.Equal(50_000, s.Length);
        s.Seek(40_000, SeekOrigin.Begin);
        var fin = new byte[10_000];
        await s.ReadExactlyAsync(fin, Ct);
        Assert.Equal(bytes[40_000..], fin);
        Assert.Equal(0, await s.ReadAsync(new byte[10], Ct));

        s.Position = 100;
        var medio = new byte[500];
        await s.ReadExactlyAsync(medio, Ct);
        Assert.Equal(bytes[100..600], medio);

        // A hint past the end does not break the open: the caller's range logic answers 416.
        await using var pasado = (await store.AbrirAsync(g.Key, desde: 80_000, ct: Ct))!;
        Assert.Equal(50_000, pasado.Length);
    }

    [Fact]
    public async Task Un_archivo_grande_se_sube_en_partes_y_se_lee_completo()
    {
        var bucket = ServidorS3.CrearBucket();
        var contador = new ContadorDePartes();
        var opciones = ServidorS3.Opciones(bucket);
        opciones.TamanoMultiparte = 1024 * 1024;
        using var conContador = StorageExtensions.CrearCliente(opciones, contador);
        var store = new S3FileStore(conContador, opciones, Datos(), NullLogger<S3FileStore>.Instance);
        var bytes = Aleatorios(9 * 1024 * 1024); // two parts of the 8 MB part size

        var g = await store.GuardarAsync(new SoloLectura(bytes), "pdf", Ct);

        Assert.Equal(2, contador.Partes); // s3rver joins the parts into a plain object, so count the part uploads
        var meta = await cliente.GetObjectMetadataAsync(bucket, g.Key, Ct);
        Assert.Equal(bytes.Length, meta.ContentLength);
        await using var s = (await store.AbrirAsync(g.Key, ct: Ct))!;
        Assert.Equal(g.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(s, Ct)));
    }

    [Fact]
    public async Task Redirigir_da_un_enlace_firmado_con_el_nombre_del_archivo_y_Transmitir_ninguno()
    {
        var bucket = ServidorS3.CrearBucket();
        var bytes = Aleatorios(3000);
        var g = await Store(bucket).GuardarAsync(new MemoryStream(bytes), "pdf", Ct);

        Assert.Null(await Store(bucket).EnlaceDirectoAsync(g.Key, "A1.pdf", "application/pdf", Ct));
        var enlace = await Store(bucket, ModoDescargas.Redirigir).EnlaceDirectoAsync(g.Key, "FACTURA Ñ-1.pdf", "application/pdf", Ct);

        Assert.NotNull(enlace);
        var vigencia = System.Web.HttpUtility.ParseQueryString(enlace.Query)["X-Amz-Expires"];
        Assert.InRange(int.Parse(vigencia!), 59, 61); // Storage:S3:VigenciaEnlace's default, rounded by the SDK
        using var http = new HttpClient();
        var r = await http.GetAsync(enlace, Ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(bytes, await r.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("application/pdf", r.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", r.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("FACTURA Ñ-1.pdf", r.Content.Headers.ContentDisposition.FileNameStar);
    }

    [Fact]
    public async Task Comprobar_falla_cuando_el_bucket_no_existe()
    {
        await Store().ComprobarAsync(Ct);
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => Store("no-existe-" + Guid.NewGuid().ToString("N")[..12]).ComprobarAsync(Ct));
    }

    public void Dispose()
    {
        cliente.Dispose();
        try { Directory.Delete(carpeta, recursive: true); } catch (IOException) { }
    }

    /// <summary>Counts the part uploads (PUT ...?partNumber=N&amp;uploadId=...) the SDK sends.</summary>
    private sealed class ContadorDePartes : Amazon.Runtime.HttpClientFactory
    {
        private int partes;
        public int Partes => partes;

        public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) => new(new Contar(this));

        private sealed class Contar(ContadorDePartes c) : DelegatingHandler(new SocketsHttpHandler())
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
            {
                if (request.Method == HttpMethod.Put && request.RequestUri!.Query.Contains("partNumber=")) Interlocked.Increment(ref c.partes);
                return base.SendAsync(request, ct);
            }
        }
    }

    /// <summary>A stream that can only be read forward, like an upload or a ZIP entry.</summary>
    private sealed class SoloLectura(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
