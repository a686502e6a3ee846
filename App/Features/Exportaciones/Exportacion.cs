using System.Globalization;
using System.Text;
using CsvHelper;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;

namespace AccesoDescargas.Features.Exportaciones;

/// <summary>One comprobante as a row of the exported list, the same on the portal and the staff side.</summary>
public sealed class FilaExportacion
{
    [ExcelColumn(Name = "Fecha", Format = "dd/MM/yyyy HH:mm", Width = 17)] public DateTime Fecha { get; init; }
    [ExcelColumn(Name = "Serie", Width = 10)] public string? Serie { get; init; }
    [ExcelColumn(Name = "Folio", Width = 12)] public string? Folio { get; init; }
    [ExcelColumn(Name = "UUID", Width = 38)] public string Uuid { get; init; } = "";
    [ExcelColumn(Name = "Tipo", Width = 10)] public string Tipo { get; init; } = "";
    [ExcelColumn(Name = "RFC emisor", Width = 15)] public string EmisorRfc { get; init; } = "";
    [ExcelColumn(Name = "RFC receptor", Width = 15)] public string ReceptorRfc { get; init; } = "";
    [ExcelColumn(Name = "Subtotal", Format = "#,##0.00", Width = 14)] public decimal SubTotal { get; init; }
    [ExcelColumn(Name = "Impuestos trasladados", Format = "#,##0.00", Width = 14)] public decimal? ImpuestosTrasladados { get; init; }
    [ExcelColumn(Name = "Impuestos retenidos", Format = "#,##0.00", Width = 14)] public decimal? ImpuestosRetenidos { get; init; }
    [ExcelColumn(Name = "Total", Format = "#,##0.00", Width = 14)] public decimal Total { get; init; }
    [ExcelColumn(Name = "Moneda", Width = 8)] public string Moneda { get; init; } = "";
    [ExcelColumn(Name = "Estado", Width = 11)] public string Estado { get; init; } = "";
}

/// <summary>
/// Writes the list as .xlsx (MiniExcel) or CSV (CsvHelper) row by row from the database query, so 50,000 rows take
/// no more memory than 50. The .xlsx goes through a temporary file (deleted on close) because an .xlsx is a ZIP whose
/// parts MiniExcel finishes after the rows; the CSV streams straight to the response.
/// </summary>
public static class Exportacion
{
    public const string TipoXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string TipoCsv = "text/csv; charset=utf-8";

    private static readonly string[] Encabezados =
        ["Fecha", "Serie", "Folio", "UUID", "Tipo", "RFC emisor", "RFC receptor", "Subtotal", "Impuestos trasladados", "Impuestos retenidos", "Total", "Moneda", "Estado"];

    public static async Task<IResult> XlsxAsync(IEnumerable<FilaExportacion> filas, string nombre, CancellationToken ct)
    {
        var ruta = Path.Combine(Path.GetTempPath(), $"exportacion-{Guid.NewGuid():N}.xlsx");
        var archivo = new FileStream(ruta, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            // MiniExcel walks the rows as it writes them; the EF query behind them reads without tracking.
            await Task.Run(() => archivo.SaveAs(filas, sheetName: "Comprobantes", excelType: ExcelType.XLSX,
                configuration: new OpenXmlConfiguration { FastMode = false, EnableAutoWidth = false }), ct);
            archivo.Position = 0;
        }
        catch
        {
            await archivo.DisposeAsync();
            throw;
        }
        return TypedResults.File(archivo, TipoXlsx, nombre + ".xlsx");
    }

    /// <summary>UTF-8 with BOM, comma-separated, dates dd/MM/yyyy HH:mm and numbers with a point: how Excel in Spanish (México) opens it.</summary>
    public static async Task CsvAsync(HttpContext http, IAsyncEnumerable<FilaExportacion> filas, string nombre)
    {
        http.Response.ContentType = TipoCsv;
        http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = nombre + ".csv" }.ToString();
        var ct = http.RequestAborted;
        await using var csv = CsvWriter.Create(http.Response.BodyWriter.AsStream(), new CsvWriterOptions { WriteByteOrderMark = true, Separator = ',' }, true);
        await csv.WriteRecordAsync(Encabezados, ct);
        var campos = new string[Encabezados.Length];
        await foreach (var f in filas.WithCancellation(ct))
        {
            campos[0] = f.Fecha.ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);
            campos[1] = f.Serie ?? "";
            campos[2] = f.Folio ?? "";
            campos[3] = f.Uuid;
            campos[4] = f.Tipo;
            campos[5] = f.EmisorRfc;
            campos[6] = f.ReceptorRfc;
            campos[7] = Numero(f.SubTotal);
            campos[8] = Numero(f.ImpuestosTrasladados);
            campos[9] = Numero(f.ImpuestosRetenidos);
            campos[10] = Numero(f.Total);
            campos[11] = f.Moneda;
            campos[12] = f.Estado;
            await csv.WriteRecordAsync(campos, ct);
        }
        await csv.FlushAsync(ct);
    }

    private static string Numero(decimal? valor) => valor?.ToString("0.00####", CultureInfo.InvariantCulture) ?? "";

    /// <summary>"comprobantes_COSC8001137NA_20261201-0930": who and when, in Mexico City time.</summary>
    public static string Nombre(string quien) =>
        $"comprobantes_{quien}_{AccesoDescargas.Components.UiExtensions.AHoraMexico(DateTime.UtcNow):yyyyMMdd-HHmm}";
}
