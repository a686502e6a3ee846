using System.Security.Cryptography;

namespace AccesoDescargas.Infrastructure.Storage;

/// <summary>
/// Files under {DataDirectory}/files/{ab}/{sha256}.{ext}. Each write goes to a temporary file, is
/// flushed to disk and then atomically renamed, so a crash leaves at most a temporary file that no
/// key points to.
/// </summary>
public sealed class LocalFileStore : IFileStore
{
    private readonly string raiz;
    private readonly string temporales;

    public LocalFileStore(DataDirectory data)
    {
        raiz = data.Combine("files");
        temporales = Path.Combine(raiz, "tmp");
        Directory.CreateDirectory(temporales);
    }

    public async Task<ArchivoGuardado> GuardarAsync(Stream contenido, string extension, CancellationToken ct = default)
    {
        extension = extension.TrimStart('.').ToLowerInvariant();
        if (extension.Length is 0 or > 8 || !extension.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException("Extensión no válida.", nameof(extension));

        var temporal = Path.Combine(temporales, Guid.NewGuid().ToString("N"));
        try
        {
            string sha;
            long tamano;
            await using (var destino = new FileStream(temporal, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int leidos;
                while ((leidos = await contenido.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, leidos);
                    await destino.WriteAsync(buffer.AsMemory(0, leidos), ct);
                }
                await destino.FlushAsync(ct);
                destino.Flush(flushToDisk: true);
                tamano = destino.Length;
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var key = $"{sha[..2]}/{sha}.{extension}";
            var final = RutaDe(key);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (File.Exists(final))
                File.Delete(temporal); // same content already stored
            else
                File.Move(temporal, final, overwrite: true);
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

    private string RutaDe(string key)
    {
        // Keys are ours ("ab/<64 hex>.ext"), but never let one escape the store's folder.
        if (key.Length < 68 || key[2] != '/' || key.Contains("..") || key.Contains('\\'))
            throw new ArgumentException("Clave de archivo no válida.", nameof(key));
        return Path.Combine(raiz, key);
    }
}
