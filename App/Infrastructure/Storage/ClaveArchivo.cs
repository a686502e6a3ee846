namespace AccesoDescargas.Infrastructure.Storage;

/// <summary>The content-addressed key every store uses: "ab/&lt;sha256&gt;.ext", the same on disk and in a bucket.</summary>
internal static class ClaveArchivo
{
    public static string Normalizar(string extension)
    {
        extension = extension.TrimStart('.').ToLowerInvariant();
        if (extension.Length is 0 or > 8 || !extension.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException("Extensión no válida.", nameof(extension));
        return extension;
    }

    public static string De(string sha256, string extension) => $"{sha256[..2]}/{sha256}.{extension}";

    /// <summary>Keys are ours, but never let one escape the store's folder or bucket prefix.</summary>
    public static string Validar(string key)
    {
        if (key.Length < 68 || key[2] != '/' || key.Contains("..") || key.Contains('\\'))
            throw new ArgumentException("Clave de archivo no válida.", nameof(key));
        return key;
    }

    public static string TipoDe(string key) => Path.GetExtension(key).ToLowerInvariant() switch
    {
        ".xml" => "application/xml",
        ".pdf" => "application/pdf",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    };
}
