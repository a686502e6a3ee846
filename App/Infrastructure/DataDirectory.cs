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
            CrearCarpetaPrivada(path);
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

    /// <summary>Only the app's user may enter a folder it creates (mode 700): it holds the database and the key ring.</summary>
    public static void CrearCarpetaPrivada(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>
    /// Creates an empty file readable and writable by the app's user only (mode 600), unless it exists.
    /// SQLite gives its -wal and -shm files the database file's mode.
    /// </summary>
    public static void CrearArchivoPrivado(string path)
    {
        if (File.Exists(path)) return;
        var opciones = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) opciones.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try { using var _ = new FileStream(path, opciones); }
        catch (IOException) when (File.Exists(path)) { }
    }
}

/// <summary>A setting the app cannot start with; the message (Spanish) says which and what to do.</summary>
public class ConfiguracionException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class DataDirectoryException(string message, Exception inner) : ConfiguracionException(message, inner);
