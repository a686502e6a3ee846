using System.Buffers;

namespace AccesoDescargas.Features.Comprobantes;

/// <summary>A file the importer refuses, with the reason for the user.</summary>
public class ArchivoRechazadoException(string mensaje) : Exception(mensaje);

/// <summary>Refused for its size alone (an API answers 413 for it).</summary>
public sealed class ArchivoDemasiadoGrandeException(string mensaje) : ArchivoRechazadoException(mensaje);

/// <summary>
/// Copies an upload (a browser stream, a multipart section, a ZIP entry: none can seek) to a seekable
/// copy, so it can be read to validate it and read again to store it. Small files stay in memory,
/// larger ones go to a temporary file that deletes itself on close; nothing past the limit is read.
/// </summary>
public static class ArchivoTemporal
{
    private const int UmbralMemoria = 256 * 1024;

    public static async Task<Stream> CopiarAsync(Stream origen, long limite, string carpeta, string mensajeExceso, CancellationToken ct)
    {
        Stream destino = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            int leidos;
            while ((leidos = await origen.ReadAsync(buffer, ct)) > 0)
            {
                total += leidos;
                if (total > limite) throw new ArchivoDemasiadoGrandeException(mensajeExceso);
                if (destino is MemoryStream memoria && total > UmbralMemoria)
                {
                    Directory.CreateDirectory(carpeta);
                    destino = new FileStream(Path.Combine(carpeta, Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite,
                        FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
                    memoria.Position = 0;
                    await memoria.CopyToAsync(destino, ct);
                }
                await destino.WriteAsync(buffer.AsMemory(0, leidos), ct);
            }
            destino.Position = 0;
            return destino;
        }
        catch
        {
            await destino.DisposeAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
