namespace AccesoDescargas.Infrastructure;

/// <summary>
/// The one folder that holds everything the app writes: the SQLite database, comprobante files,
/// the Data Protection key ring and, without an SMTP host, outgoing mail as .eml files.
/// </summary>
public sealed class DataDirectory
{
    public string Path { get; }

    private DataDirectory(string path) => Path = path;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Creates the folder and proves it is writable, or throws with a message naming it.</summary>
    public static DataDirectory Prepare(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration["DataDirectory"];
        var path = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(configured)
            ? System.IO.Path.Combine(contentRoot, "data")
            : System.IO.Path.Combine(contentRoot, configured));
        try
        {
            Directory.CreateDirectory(path);
            var probe = System.IO.Path.Combine(path, $".escritura-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new DataDirectoryException(
                $"No se puede escribir en la carpeta de datos «{path}» ({e.Message}). " +
                "Dé permiso de escritura a esa carpeta o elija otra con el ajuste DataDirectory.", e);
        }
        return new DataDirectory(path);
    }
}

/// <summary>A setting the app cannot start with; the message (Spanish) says which and what to do.</summary>
public class ConfiguracionException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class DataDirectoryException(string message, Exception inner) : ConfiguracionException(message, inner);
