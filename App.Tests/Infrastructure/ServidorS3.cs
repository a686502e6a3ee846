using AccesoDescargas.Infrastructure.Storage;
using Amazon.S3;

namespace AccesoDescargas.Tests;

/// <summary>
/// The S3-compatible server test.sh starts for the suite (s3rver, pinned in tools/s3rver, on a free
/// loopback port; its address in PRUEBAS_S3_URL). Each app gets a bucket of its own.
/// </summary>
public static class ServidorS3
{
    // s3rver's built-in account.
    public const string AccessKey = "S3RVER", SecretKey = "S3RVER";

    public static string Url => Environment.GetEnvironmentVariable("PRUEBAS_S3_URL") is { Length: > 0 } url
        ? url
        : throw new InvalidOperationException("No hay servidor S3 para las pruebas: ejecútelas con ./test.sh, que inicia s3rver y define PRUEBAS_S3_URL.");

    public static S3Options Opciones(string bucket, ModoDescargas descargas = ModoDescargas.Transmitir) => new()
    {
        ServiceUrl = Url, Region = "us-east-1", Bucket = bucket, AccessKey = AccessKey, SecretKey = SecretKey,
        ForcePathStyle = true, Descargas = descargas,
    };

    public static Dictionary<string, string?> Ajustes(string bucket, ModoDescargas descargas) => new()
    {
        ["Storage:Provider"] = "S3",
        ["Storage:S3:ServiceUrl"] = Url,
        ["Storage:S3:Region"] = "us-east-1",
        ["Storage:S3:Bucket"] = bucket,
        ["Storage:S3:AccessKey"] = AccessKey,
        ["Storage:S3:SecretKey"] = SecretKey,
        ["Storage:S3:ForcePathStyle"] = "true",
        ["Storage:S3:Descargas"] = descargas.ToString(),
    };

    public static AmazonS3Client Cliente(string bucket = "x") => StorageExtensions.CrearCliente(Opciones(bucket));

    /// <summary>A new empty bucket (the server's folder is removed by test.sh at the end).</summary>
    public static string CrearBucket()
    {
        var bucket = "pruebas-" + Guid.NewGuid().ToString("N");
        using var s3 = Cliente(bucket);
        s3.PutBucketAsync(bucket).GetAwaiter().GetResult();
        return bucket;
    }
}

/// <summary>Runs a test class's AppFactory apps on the S3 store (a subclass of a Local test class re-runs its tests on S3).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EnS3Attribute : Attribute
{
    public static ProveedorAlmacen De(object? pruebas) =>
        pruebas?.GetType().IsDefined(typeof(EnS3Attribute), inherit: false) == true ? ProveedorAlmacen.S3 : ProveedorAlmacen.Local;
}
