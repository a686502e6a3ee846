using PdfSharp.Fonts;

namespace AccesoDescargas.Features.Representacion;

/// <summary>
/// Serves the bundled Liberation Sans files to PDFsharp, so the output never depends on the fonts
/// installed on the server. Every family request resolves to Liberation Sans.
/// </summary>
public sealed class FuentesRepresentacion : IFontResolver
{
    public const string Familia = "Liberation Sans";
    const string Regular = "LiberationSans-Regular";
    const string Negrita = "LiberationSans-Bold";

    static readonly Lock Candado = new();
    static volatile bool registrada;

    readonly Dictionary<string, byte[]> caras;

    /// <param name="carpeta">Folder holding LiberationSans-Regular.ttf and LiberationSans-Bold.ttf (the app's wwwroot/fonts).</param>
    public FuentesRepresentacion(string carpeta)
    {
        // Read up front so a missing file fails at startup, not in the middle of a download.
        caras = new Dictionary<string, byte[]>
        {
            [Regular] = File.ReadAllBytes(Path.Combine(carpeta, Regular + ".ttf")),
            [Negrita] = File.ReadAllBytes(Path.Combine(carpeta, Negrita + ".ttf")),
        };
    }

    public static bool Registrada => registrada;

    /// <summary>
    /// Installs the resolver process-wide. PDFsharp allows setting it only once, so later calls
    /// (another test class, a second host in the same process) are ignored.
    /// </summary>
    public static void Registrar(string carpeta)
    {
        if (registrada) return;
        lock (Candado)
        {
            if (registrada) return;
            GlobalFontSettings.FontResolver = new FuentesRepresentacion(carpeta);
            registrada = true;
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(isBold ? Negrita : Regular, mustSimulateBold: false, mustSimulateItalic: isItalic);

    public byte[]? GetFont(string faceName) => caras.GetValueOrDefault(faceName);
}
