namespace AccesoDescargas.Infrastructure.Storage;

public sealed record ArchivoGuardado(string Key, long Size, string Sha256);

/// <summary>A file in the store as its listing gives it: the key and when it was last written.</summary>
public sealed record ArchivoListado(string Key, long Size, DateTime ModificadoEn);

/// <summary>
/// Where comprobante files live. Content-addressed by SHA-256: a file is only ever visible under its
/// key once it is complete and durable. Two implementations, chosen by <c>Storage:Provider</c>: the
/// data folder (<see cref="LocalFileStore"/>) and an S3-compatible object store (<see cref="S3FileStore"/>).
/// </summary>
public interface IFileStore
{
    /// <summary>Streams <paramref name="contenido"/> to the store; the returned key is valid only after this completes.</summary>
    Task<ArchivoGuardado> GuardarAsync(Stream contenido, string extension, CancellationToken ct = default);

    /// <summary>
    /// Starts a group of files stored together (an import's batch): each is complete under its key when
    /// the group's <see cref="IGrupoDeArchivos.GuardarAsync"/> returns, and all of them are durable once
    /// <see cref="IGrupoDeArchivos.ConfirmarAsync"/> returns. A store whose writes are durable one by one
    /// (an object store) has nothing left to confirm.
    /// </summary>
    IGrupoDeArchivos IniciarGrupo() => new GrupoInmediato(this);

    /// <summary>Opens a stored file for reading, or null when the key is unknown. Prefer <see cref="AbrirAsync"/>: on an object store this one blocks.</summary>
    Stream? Abrir(string key);

    /// <summary>
    /// Opens a stored file for reading, or null when the key is unknown. The stream is seekable and knows
    /// its length, so range requests work on it; on an object store a seek re-reads from there with a
    /// ranged GET. <paramref name="desde"/> is where the caller will start reading (a hint: a ranged
    /// download then costs one request to the store).
    /// </summary>
    Task<Stream?> AbrirAsync(string key, long desde = 0, CancellationToken ct = default) => Task.FromResult(Abrir(key));

    /// <summary>The file's path on disk when the store is local (lets endpoints use sendfile), otherwise null.</summary>
    string? RutaFisica(string key);

    /// <summary>
    /// A short-lived address the client can download the file from without the app (a presigned URL),
    /// with <paramref name="nombreArchivo"/> as its attachment name; null when downloads go through the app.
    /// </summary>
    ValueTask<Uri?> EnlaceDirectoAsync(string key, string nombreArchivo, string tipo, CancellationToken ct = default) => ValueTask.FromResult<Uri?>(null);

    /// <summary>Throws when the store cannot be reached (the readiness check); cheap enough for every few seconds.</summary>
    Task ComprobarAsync(CancellationToken ct = default) => Task.CompletedTask;

    Task EliminarAsync(string key);

    /// <summary>Every stored file, one page of the listing at a time (for the start-up sweep; never the whole store in memory).</summary>
    IAsyncEnumerable<ArchivoListado> ListarAsync(CancellationToken ct = default);

    /// <summary>When the file was last written (a store that reuses an existing file refreshes it), or null when the key is unknown.</summary>
    Task<DateTime?> ModificadoEnAsync(string key, CancellationToken ct = default);
}

/// <summary>Files written together; the caller commits rows that point to them only after <see cref="ConfirmarAsync"/>. Safe to use from several threads.</summary>
public interface IGrupoDeArchivos
{
    Task<ArchivoGuardado> GuardarAsync(Stream contenido, string extension, CancellationToken ct = default);

    /// <summary>Makes every file stored through this group durable (on a local disk, their folders' entries).</summary>
    Task ConfirmarAsync(CancellationToken ct = default);
}

internal sealed class GrupoInmediato(IFileStore store) : IGrupoDeArchivos
{
    public Task<ArchivoGuardado> GuardarAsync(Stream contenido, string extension, CancellationToken ct = default) => store.GuardarAsync(contenido, extension, ct);

    public Task ConfirmarAsync(CancellationToken ct = default) => Task.CompletedTask;
}
