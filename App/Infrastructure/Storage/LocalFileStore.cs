using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AccesoDescargas.Infrastructure.Storage;

/// <summary>
/// Files under {DataDirectory}/files/{ab}/{sha256}.{ext}. Each write goes to a temporary file, is
/// flushed to disk and then atomically renamed, so a crash leaves at most a temporary file that no
/// key points to. The folder is synced after the rename too, so that a row committed afterwards never
/// points to a file a power cut could take back.
/// </summary>
public sealed class LocalFileStore : IFileStore
{
    private readonly string raiz;
    private readonly string temporales;

    public LocalFileStore(DataDirectory data)
    {
        raiz = data.Combine("files");
        temporales = Path.Combine(raiz, "tmp");
        Directory.CreateDirectory(temporales); // what a crash leaves here, the start-up sweep removes (LimpiezaAlArrancar)
    }

    /// <summary>Where files being written wait for their rename.</summary>
    public string CarpetaTemporal => temporales;

    public Task<ArchivoGuardado> GuardarAsync(Stream contenido, string extension, CancellationToken ct = default) =>
        GuardarAsync(contenido, extension, carpetasPendientes: null, ct);

    /// <summary>
    /// Each file is flushed and renamed as it comes, but its folder is synced once for the whole group
    /// when it is confirmed: with many files in a few folders that is one sync per folder instead of one per file.
    /// </summary>
    public IGrupoDeArchivos IniciarGrupo() => new Grupo(this);

    private sealed class Grupo(LocalFileStore store) : IGrupoDeArchivos
    {
        private readonly ConcurrentDictionary<string, byte> carpetas = new();

        public Task<ArchivoGuardado> GuardarAsync(Stream contenido, string extension, CancellationToken ct = default) =>
            store.GuardarAsync(contenido, extension, carpetas, ct);

        public async Task ConfirmarAsync(CancellationToken ct = default)
        {
            // Side by side: the file system commits its journal once for all the folders waiting on it.
            var paralelo = new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct };
            await Parallel.ForEachAsync(carpetas.Keys, paralelo, (carpeta, _) =>
            {
                SincronizarCarpeta(carpeta);
                return ValueTask.CompletedTask;
            });
            carpetas.Clear();
        }
    }

    private async Task<ArchivoGuardado> GuardarAsync(Stream contenido, string extension, ConcurrentDictionary<string, byte>? carpetasPendientes, CancellationToken ct)
    {
        extension = ClaveArchivo.Normalizar(extension);

        var temporal = Path.Combine(temporales, Guid.NewGuid().ToString("N"));
        try
        {
            string sha;
            long tamano;
            // Writes go out in 80 KB chunks from a pooled buffer, so the FileStream needs no buffer of its own.
            var buffer = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                await using var destino = new FileStream(temporal, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                int leidos;
                while ((leidos = await contenido.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, leidos);
                    await destino.WriteAsync(buffer.AsMemory(0, leidos), ct);
                }
                destino.Flush(flushToDisk: true);
                tamano = destino.Length;
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            var key = ClaveArchivo.De(sha, extension);
            var final = RutaDe(key);
            var carpeta = Path.GetDirectoryName(final)!;
            var carpetaNueva = !Directory.Exists(carpeta);
            Directory.CreateDirectory(carpeta);
            if (File.Exists(final))
            {
                File.Delete(temporal); // same content already stored
                // Written "now" again: the start-up sweep spares recent files, so a file left over by a
                // crash and reused here cannot be swept while the row that will point to it commits.
                File.SetLastWriteTimeUtc(final, DateTime.UtcNow);
                // In a group the existing file may be another group's, renamed but not yet confirmed: sync its folder too.
                carpetasPendientes?.TryAdd(carpeta, 0);
                carpetasPendientes?.TryAdd(raiz, 0);
            }
            else
            {
                File.Move(temporal, final, overwrite: true);
                if (carpetasPendientes is null)
                {
                    SincronizarCarpeta(carpeta);
                    if (carpetaNueva) SincronizarCarpeta(raiz);
                }
                else
                {
                    // The root too, always: the shard folder may be new to another group that has not confirmed yet.
                    carpetasPendientes.TryAdd(carpeta, 0);
                    carpetasPendientes.TryAdd(raiz, 0);
                }
            }
            return new ArchivoGuardado(key, tamano, sha);
        }
        catch
        {
            File.Delete(temporal);
            throw;
        }
    }

    public Stream? Abrir(string key)
    {
        var ruta = RutaFisica(key);
        return ruta is null ? null : new FileStream(ruta, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    public Task<Stream?> AbrirAsync(string key, long desde = 0, CancellationToken ct = default) => Task.FromResult(Abrir(key));

    public Task ComprobarAsync(CancellationToken ct = default) =>
        Directory.Exists(temporales) ? Task.CompletedTask : throw new DirectoryNotFoundException($"No existe la carpeta de archivos {raiz}.");

    public string? RutaFisica(string key)
    {
        var ruta = RutaDe(key);
        return File.Exists(ruta) ? ruta : null;
    }

    public Task EliminarAsync(string key)
    {
        File.Delete(RutaDe(key));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<ArchivoListado> ListarAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        // Keys are "ab/<sha256>.ext": one folder per first two hex digits, files streamed one folder at a time.
        foreach (var carpeta in new DirectoryInfo(raiz).EnumerateDirectories())
        {
            if (carpeta.Name.Length != 2 || !Uri.IsHexDigit(carpeta.Name[0]) || !Uri.IsHexDigit(carpeta.Name[1])) continue; // tmp
            foreach (var archivo in carpeta.EnumerateFiles())
            {
                ct.ThrowIfCancellationRequested();
                yield return new ArchivoListado(carpeta.Name + "/" + archivo.Name, archivo.Length, archivo.LastWriteTimeUtc);
            }
            await Task.Yield();
        }
    }

    public Task<DateTime?> ModificadoEnAsync(string key, CancellationToken ct = default)
    {
        var archivo = new FileInfo(RutaDe(key));
        return Task.FromResult<DateTime?>(archivo.Exists ? archivo.LastWriteTimeUtc : null);
    }

    // .NET cannot open a directory as a FileStream on Unix; fsync on its descriptor makes the rename durable.
    private static void SincronizarCarpeta(string carpeta)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // NTFS journals the rename itself
        var fd = open(carpeta, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"No se pudo abrir la carpeta {carpeta} para sincronizarla (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"No se pudo sincronizar la carpeta {carpeta} (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = close(fd);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc")]
    private static extern int close(int fd);

    private string RutaDe(string key)
    {
        return Path.Combine(raiz, ClaveArchivo.Validar(key));
    }
}
