using System.Globalization;

using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Features.Comprobantes;

/// <summary>Upload limits, section "Comprobantes" of the configuration. The page explains them to the user.</summary>
public sealed class ComprobantesOptions
{
    public long XmlTamanoMaximo { get; set; } = CfdiReader.TamanoMaximoPorDefecto;
    public long PdfTamanoMaximo { get; set; } = 20 * 1024 * 1024;
    public long ZipTamanoMaximo { get; set; } = 200 * 1024 * 1024;
    /// <summary>Entries a ZIP may hold, and bytes they may expand to in total: the zip-bomb bounds.</summary>
    public int ZipEntradasMaximas { get; set; } = 5_000;
    public long ZipTamanoExpandidoMaximo { get; set; } = 1024L * 1024 * 1024;
    /// <summary>
    /// XMLs of an upload or ZIP stored and committed together: their files synced, one folder sync each,
    /// then one transaction. 1 imports file by file, as before group commit (the benchmark's anchor).
    /// </summary>
    public int ImportacionLote { get; set; } = 250;
    /// <summary>Files of one batch written (each synced to disk) at the same time; they are validated one per core.</summary>
    public int ImportacionParalelismo { get; set; } = 16;
    /// <summary>Files the page accepts in one selection or drop.</summary>
    public int ArchivosPorCargaMaximos { get; set; } = 500;

    /// <summary>"5 MB", "200 KB": a size as the page and the messages show it.</summary>
    public static string Megas(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024m * 1024m)).ToString("0.##", CultureInfo.GetCultureInfo("es-MX")) + " MB"
        : (bytes / 1024m).ToString("0.##", CultureInfo.GetCultureInfo("es-MX")) + " KB";

    public string MensajeXmlExcede => $"El XML excede el tamaño máximo permitido de {Megas(XmlTamanoMaximo)}.";
    public string MensajePdfExcede => $"El PDF excede el tamaño máximo permitido de {Megas(PdfTamanoMaximo)}.";
}
