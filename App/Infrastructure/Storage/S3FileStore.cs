using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Net.Http.Headers;

namespace AccesoDescargas.Infrastructure.Storage;

/// <summary>
/// Files as objects "ab/&lt;sha256&gt;.ext" in one bucket of an S3-compatible store (AWS S3, MinIO,
/// Ceph RGW, Cloudflare R2). The key needs the SHA-256 before the upload starts, so content that
/// cannot be read twice is first copied to a temporary file while it is hashed; the upload is then a
/// PUT of known length (or a multipart upload for large files), and it has completed — the object is
/// durable in the store — when <see cref="GuardarAsync"/> returns, before any row points to it.
/// </summary>
public sealed class S3FileStore : IFileStore
{
    private readonly IAmazonS3 s3;
    private readonly S3Options opciones;
    private readonly string temporales;
    private readonly ILogger<S3FileStore> logger;

    public S3FileStore(IAmazonS3 s3, S3Options opciones, DataDirectory data, ILogger<S3FileStore> logger)
    {
        this.s3 = s3;
        this.opciones = opciones;
        this.logger = logger;
        temporales = data.Combine("tmp", "s3");
        Directory.CreateDirectory(temporales);
    }

    public async Task<ArchivoGuardado> GuardarAsync(Stream contenido, string extension, CancellationToken ct = default)
    {
        extension = ClaveArchivo.Normalizar(extension);
        if (contenido.CanSeek)
        {
            // Hash in place, then upload the same bytes from where they started: no copy.
            var inicio = contenido.Position;
            var (sha, tamano) = await HashAsync(contenido, null, ct);
            contenido.Position = inicio;
            var key = ClaveArchivo.De(sha, extension);
            await SubirAsync(contenido, key, tamano, ct);
            return new ArchivoGuardado(key, tamano, sha);
        }

        await using var temporal = new FileStream(Path.Combine(temporales, Guid.NewGuid().ToString("N")), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        var (shaCopia, tamanoCopia) = await HashAsync(contenido, temporal, ct);
        temporal.Position = 0;
        var clave = ClaveArchivo.De(shaCopia, extension);
        await SubirAsync(temporal, clave, tamanoCopia, ct);
        return new ArchivoGuardado(clave, tamanoCopia, shaCopia);
    }

    private static async Task<(string Sha, long Tamano)> HashAsync(Stream origen, Stream? copia, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long tamano = 0;
            int leidos;
            while ((leidos = await origen.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, leidos);
                if (copia is not null) await copia.WriteAsync(buffer.AsMemory(0, leidos), ct);
                tamano += leidos;
            }
            return (Convert.ToHexStringLower(hash.GetHashAndReset()), tamano);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SubirAsync(Stream contenido, string key, long tamano, CancellationToken ct)
    {
        // Always a PUT, even when the same content may already be there: overwriting an object with
        // identical bytes is harmless, one request, and cannot race with a delete of that key.
        if (tamano >= opciones.TamanoMultiparte)
        {
            await SubirEnPartesAsync(contenido, key, tamano, ct);
            return;
        }
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = opciones.Bucket,
            Key = key,
            InputStream = contenido,
            AutoCloseStream = false,
            AutoResetStreamPosition = false,
            Headers = { ContentLength = tamano },
            ContentType = ClaveArchivo.TipoDe(key),
            // Over TLS the transport already protects the body; signing it would read the file twice.
            // Without TLS the body is signed in one piece: not every S3-compatible server decodes aws-chunked.
            DisablePayloadSigning = EsHttps,
            UseChunkEncoding = false,
        }, ct);
    }

    private const int TamanoParte = 8 * 1024 * 1024;

    /// <summary>
    /// A multipart upload, one 8 MB part at a time through one reused buffer (so memory stays at one
    /// part however large the file); aborted on failure so no parts linger. The object exists only
    /// once the completion succeeds.
    /// </summary>
    private async Task SubirEnPartesAsync(Stream contenido, string key, long tamano, CancellationToken ct)
    {
        var inicio = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = opciones.Bucket, Key = key, ContentType = ClaveArchivo.TipoDe(key),
        }, ct);
        try
        {
            var partes = new List<PartETag>();
            using var parte = new MemoryStream((int)Math.Min(TamanoParte, tamano));
            var buffer = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                for (var numero = 1; (long)(numero - 1) * TamanoParte < tamano; numero++)
                {
                    parte.SetLength(0);
                    var falta = (int)Math.Min(TamanoParte, tamano - (long)(numero - 1) * TamanoParte);
                    while (falta > 0)
                    {
                        var leidos = await contenido.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, falta)), ct);
                        if (leidos == 0) throw new IOException($"El archivo terminó antes de sus {tamano} bytes.");
                        parte.Write(buffer, 0, leidos);
                        falta -= leidos;
                    }
                    parte.Position = 0;
                    var r = await s3.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = opciones.Bucket, Key = key, UploadId = inicio.UploadId, PartNumber = numero,
                        InputStream = parte, PartSize = parte.Length,
                        DisablePayloadSigning = EsHttps, UseChunkEncoding = false,
                    }, ct);
                    partes.Add(new PartETag(numero, r.ETag));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = opciones.Bucket, Key = key, UploadId = inicio.UploadId, PartETags = partes,
            }, ct);
        }
        catch
        {
            try
            {
                await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = opciones.Bucket, Key = key, UploadId = inicio.UploadId }, CancellationToken.None);
            }
            catch (AmazonS3Exception e)
            {
                logger.LogWarning(e, "No se pudo abortar la carga en partes de {Key}; la regla de ciclo de vida del bucket la limpiará", key);
            }
            throw;
        }
    }

    private bool EsHttps => !opciones.ServiceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    // Only for callers that cannot await; every caller in the app uses AbrirAsync.
    public Stream? Abrir(string key) => AbrirAsync(key).GetAwaiter().GetResult();

    public async Task<Stream?> AbrirAsync(string key, long desde = 0, CancellationToken ct = default)
    {
        ClaveArchivo.Validar(key);
        var lectura = new LecturaS3(s3, opciones.Bucket, key);
        try
        {
            return await lectura.AbrirAsync(Math.Max(0, desde), ct) ? lectura : null;
        }
        catch
        {
            await lectura.DisposeAsync();
            throw;
        }
    }

    public string? RutaFisica(string key) => null;

    public async ValueTask<Uri?> EnlaceDirectoAsync(string key, string nombreArchivo, string tipo, CancellationToken ct = default)
    {
        if (opciones.Descargas != ModoDescargas.Redirigir) return null;
        var disposicion = new ContentDispositionHeaderValue("attachment") { FileName = nombreArchivo, FileNameStar = nombreArchivo };
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = opciones.Bucket,
            Key = ClaveArchivo.Validar(key),
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.Add(opciones.VigenciaEnlace),
            Protocol = EsHttps ? Protocol.HTTPS : Protocol.HTTP,
            ResponseHeaderOverrides = { ContentDisposition = disposicion.ToString(), ContentType = tipo, CacheControl = "private, no-cache" },
        });
        return new Uri(url);
    }

    // One small request that proves the endpoint, the credentials and the bucket, without listing objects.
    public async Task ComprobarAsync(CancellationToken ct = default) =>
        await s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = opciones.Bucket }, ct);

    public async IAsyncEnumerable<ArchivoListado> ListarAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        // ListObjectsV2 pages of 1,000 keys: memory holds one page, whatever the bucket's size.
        var solicitud = new ListObjectsV2Request { BucketName = opciones.Bucket, MaxKeys = 1000 };
        ListObjectsV2Response pagina;
        do
        {
            pagina = await s3.ListObjectsV2Async(solicitud, ct);
            foreach (var objeto in pagina.S3Objects ?? [])
                yield return new ArchivoListado(objeto.Key, objeto.Size ?? 0, objeto.LastModified?.ToUniversalTime() ?? DateTime.MinValue);
            solicitud.ContinuationToken = pagina.NextContinuationToken;
        } while (pagina.IsTruncated == true);
    }

    public async Task<DateTime?> ModificadoEnAsync(string key, CancellationToken ct = default)
    {
        try
        {
            var metadatos = await s3.GetObjectMetadataAsync(opciones.Bucket, ClaveArchivo.Validar(key), ct);
            return metadatos.LastModified?.ToUniversalTime();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task EliminarAsync(string key)
    {
        try
        {
            await s3.DeleteObjectAsync(opciones.Bucket, ClaveArchivo.Validar(key));
        }
        catch (AmazonS3Exception e)
        {
            // Callers treat a failed delete like the local store's: logged, the file only takes space.
            logger.LogDebug(e, "No se pudo eliminar {Key} del bucket", key);
            throw new IOException($"No se pudo eliminar {key} del almacén S3: {e.Message}", e);
        }
    }
}

/// <summary>
/// A read-only, seekable view of one object. The first GET starts where the caller said it would read;
/// a seek elsewhere closes that response and the next read opens a ranged GET from the new position,
/// so the framework's range processing turns into ranged requests to the store.
/// </summary>
internal sealed class LecturaS3(IAmazonS3 s3, string bucket, string key) : Stream
{
    private GetObjectResponse? respuesta;
    private long posicionRespuesta;
    private long posicion;
    private long longitud = -1;

    /// <summary>False when the object does not exist.</summary>
    public async Task<bool> AbrirAsync(long desde, CancellationToken ct)
    {
        try
        {
            await AbrirEnAsync(desde, ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && desde > 0)
        {
            await AbrirEnAsync(0, ct); // the hint was past the end: let the caller's range logic answer
            return true;
        }
    }

    private async Task AbrirEnAsync(long desde, CancellationToken ct)
    {
        respuesta?.Dispose();
        respuesta = null;
        var pedido = new GetObjectRequest { BucketName = bucket, Key = key };
        if (desde > 0) pedido.ByteRange = new ByteRange($"bytes={desde}-");
        var r = await s3.GetObjectAsync(pedido, ct);
        if (longitud < 0)
            longitud = desde > 0 && r.ContentRange is { } rango && long.TryParse(rango[(rango.LastIndexOf('/') + 1)..], out var total)
                ? total
                : desde + r.ContentLength;
        respuesta = r;
        posicionRespuesta = desde;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (posicion >= longitud || buffer.Length == 0) return 0;
        if (respuesta is null || posicionRespuesta != posicion) await AbrirEnAsync(posicion, ct);
        var leidos = await respuesta!.ResponseStream.ReadAsync(buffer, ct);
        if (leidos == 0) throw new IOException($"El almacén S3 cerró {key} en el byte {posicion} de {longitud}.");
        posicion += leidos;
        posicionRespuesta += leidos;
        return leidos;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    // The SDK has no synchronous API on .NET; synchronous readers (rare) wait for the asynchronous read.
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var nueva = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => posicion + offset, _ => longitud + offset };
        ArgumentOutOfRangeException.ThrowIfNegative(nueva, nameof(offset));
        return posicion = nueva;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => longitud;
    public override long Position { get => posicion; set => Seek(value, SeekOrigin.Begin); }
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            respuesta?.Dispose();
            respuesta = null;
        }
        base.Dispose(disposing);
    }
}
