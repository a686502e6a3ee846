namespace AccesoDescargas.Infrastructure.Storage;

public sealed record ArchivoGuardado(string Key, long Size, string Sha256);

/// <summary>
/// Where comprobante files live. Content-addressed by SHA-256: a file is only ever visible under its
/// key once it is complete and durable. One implementation today (the data folder); an object store
/// can replace it.
/// </summary>
public interface IFileStore
{
    /// <summary>Streams <paramref name="contenido"/> to the store; the returned key is valid only after this completes.</summary>
    Task<ArchivoGuardado> GuardarAsync(Stream contenido, string extension, CancellationToken ct = default);

    /// <summary>Opens a stored file for reading, or null when the key is unknown.</summary>
    Stream? Abrir(string key);

    /// <summary>The file's path on disk when the store is local (lets endpoints use sendfile), otherwise null.</summary>
    string? RutaFisica(string key);

    Task EliminarAsync(string key);
}
