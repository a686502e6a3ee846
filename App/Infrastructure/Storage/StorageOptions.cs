namespace AccesoDescargas.Infrastructure.Storage;

public enum ProveedorAlmacen { Local, S3 }

/// <summary>How the portal serves XML and PDF files kept in an object store.</summary>
public enum ModoDescargas
{
    /// <summary>The app streams the object to the client (ranges forwarded to the store).</summary>
    Transmitir,
    /// <summary>The app answers 302 to a presigned URL, so the bytes flow from the store, not through the app.</summary>
    Redirigir,
}

/// <summary><c>Storage:*</c> in appsettings.sample.json.</summary>
public sealed class StorageOptions
{
    public ProveedorAlmacen Provider { get; set; } = ProveedorAlmacen.Local;
    public S3Options S3 { get; set; } = new();
}

public sealed class S3Options
{
    /// <summary>Empty for AWS itself (the endpoint follows <see cref="Region"/>); e.g. http://minio:9000 otherwise.</summary>
    public string ServiceUrl { get; set; } = "";
    public string Region { get; set; } = "us-east-1";
    public string Bucket { get; set; } = "";
    /// <summary>Empty: the SDK's default credentials (environment, instance profile, …).</summary>
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";
    /// <summary>Addresses objects as {ServiceUrl}/{bucket}/{key}; most S3-compatible servers need it.</summary>
    public bool ForcePathStyle { get; set; }
    public ModoDescargas Descargas { get; set; } = ModoDescargas.Transmitir;
    /// <summary>How long a presigned download URL stays valid under <see cref="ModoDescargas.Redirigir"/>.</summary>
    public TimeSpan VigenciaEnlace { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Files from this size on are uploaded in parts (multipart upload) instead of one PUT.</summary>
    public long TamanoMultiparte { get; set; } = 16 * 1024 * 1024;
}
