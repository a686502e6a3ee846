using System.Globalization;
using System.Text;
using MiniExcelLibs;
using nietras.SeparatedValues;
using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Features.Clientes;

public enum FormatoArchivo { Csv, Xlsx }

/// <summary>One data row of an import file, as read (trimmed; empty cells are null). <see cref="Fila"/> counts the header as row 1.</summary>
public sealed record FilaArchivo(int Fila, string? Rfc, string? Nombre, string? Email, string? RegimenFiscal, string? CodigoPostal);

/// <summary>The file itself cannot be read (not a CSV/XLSX, no RFC column…); the message is for the user.</summary>
public sealed class ArchivoIlegibleException(string mensaje, Exception? causa = null) : Exception(mensaje, causa);

/// <summary>
/// Streams the rows of a clientes file (.csv with any of , ; tab as separator, UTF-8 or Windows
/// Latin-1; or the first sheet of an .xlsx), recognising the Spanish headers with or without accents
/// in any order. Nothing but the current row is held in memory.
/// </summary>
public static class LectorClientes
{
    public const string Encabezados = "RFC, Nombre, Correo electrónico, Régimen fiscal, Código postal";
    public const string ContentTypeXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private enum Columna { Rfc, Nombre, Email, Regimen, CodigoPostal }

    private static readonly Dictionary<string, Columna> Sinonimos = new()
    {
        ["rfc"] = Columna.Rfc, ["rfcdelcliente"] = Columna.Rfc, ["rfcreceptor"] = Columna.Rfc,
        ["nombre"] = Columna.Nombre, ["razonsocial"] = Columna.Nombre, ["nombreorazonsocial"] = Columna.Nombre, ["nombrerazonsocial"] = Columna.Nombre, ["cliente"] = Columna.Nombre,
        ["email"] = Columna.Email, ["correo"] = Columna.Email, ["correoelectronico"] = Columna.Email, ["correoe"] = Columna.Email, ["mail"] = Columna.Email, ["emaildelcliente"] = Columna.Email,
        ["regimenfiscal"] = Columna.Regimen, ["regimen"] = Columna.Regimen, ["claveregimenfiscal"] = Columna.Regimen,
        ["codigopostal"] = Columna.CodigoPostal, ["cp"] = Columna.CodigoPostal, ["domiciliofiscal"] = Columna.CodigoPostal, ["codigopostaldomiciliofiscal"] = Columna.CodigoPostal,
    };

    /// <summary>By content, not by name: an .xlsx is a ZIP ("PK\x03\x04").</summary>
    public static FormatoArchivo Detectar(Stream archivo)
    {
        Span<byte> inicio = stackalloc byte[4];
        var n = archivo.ReadAtLeast(inicio, 4, throwOnEndOfStream: false);
        archivo.Position = 0;
        return n == 4 && inicio.SequenceEqual("PK\x03\x04"u8) ? FormatoArchivo.Xlsx : FormatoArchivo.Csv;
    }

    public static IEnumerable<FilaArchivo> Leer(Stream archivo, FormatoArchivo formato) =>
        formato == FormatoArchivo.Xlsx ? LeerXlsx(archivo) : LeerCsv(archivo);

    private static IEnumerable<FilaArchivo> LeerCsv(Stream archivo)
    {
        var codificacion = EsUtf8(archivo) ? new UTF8Encoding(false) : Encoding.Latin1;
        using var texto = new StreamReader(archivo, codificacion, detectEncodingFromByteOrderMarks: true, bufferSize: 65536, leaveOpen: true);
        SepReader lector;
        try
        {
            lector = Sep.Reader(o => o with { Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true, DisableQuotesParsing = false }).From(texto);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ArchivoIlegibleException("No se pudo leer el archivo como CSV.", e);
        }
        using (lector)
        {
            var mapa = Mapear(lector.Header.ColNames);
            var indices = Enum.GetValues<Columna>().Select(c => mapa.TryGetValue(c, out var i) ? i : -1).ToArray();
            var fila = 1;
            foreach (var r in lector)
            {
                fila++;
                if (r.ColCount == 1 && r[0].Span.IsWhiteSpace()) continue; // blank line
                var v = new string?[indices.Length];
                for (var c = 0; c < indices.Length; c++)
                    v[c] = indices[c] >= 0 && indices[c] < r.ColCount ? Limpio(r[indices[c]].ToString()) : null;
                yield return new FilaArchivo(fila, v[0], v[1], v[2], v[3], v[4]);
            }
        }
    }

    private static IEnumerable<FilaArchivo> LeerXlsx(Stream archivo)
    {
        IEnumerator<dynamic> filas;
        try
        {
            filas = MiniExcel.Query(archivo, useHeaderRow: false, excelType: ExcelType.XLSX).GetEnumerator();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ArchivoIlegibleException("No se pudo leer el archivo como libro de Excel (.xlsx).", e);
        }
        using (filas)
        {
            if (!Avanzar(filas)) throw new ArchivoIlegibleException($"El archivo está vacío. La primera fila debe tener los encabezados: {Encabezados}.");
            var encabezado = (IDictionary<string, object?>)filas.Current;
            var letras = encabezado.Keys.ToList();
            var mapa = Mapear(letras.Select(k => Celda(encabezado[k]) ?? "").ToList());
            var fila = 1;
            while (Avanzar(filas))
            {
                fila++;
                var r = (IDictionary<string, object?>)filas.Current;
                string? V(Columna c) => mapa.TryGetValue(c, out var i) && r.TryGetValue(letras[i], out var v) ? Celda(v, c) : null;
                var datos = new FilaArchivo(fila, V(Columna.Rfc), V(Columna.Nombre), V(Columna.Email), V(Columna.Regimen), V(Columna.CodigoPostal));
                if (datos is { Rfc: null, Nombre: null, Email: null, RegimenFiscal: null, CodigoPostal: null }) continue; // blank row
                yield return datos;
            }
        }
    }

    private static bool Avanzar(IEnumerator<dynamic> filas)
    {
        try { return filas.MoveNext(); }
        catch (Exception e) when (e is not OperationCanceledException and not ArchivoIlegibleException)
        {
            throw new ArchivoIlegibleException("El libro de Excel está dañado o no es un .xlsx.", e);
        }
    }

    /// <summary>A cell as text. Excel turns 601 and 06600 into numbers: a postal code gets its leading zeros back.</summary>
    private static string? Celda(object? valor, Columna? columna = null) => valor switch
    {
        null => null,
        double d when columna == Columna.CodigoPostal && d == Math.Floor(d) => d.ToString("00000", CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        var v => Limpio(Convert.ToString(v, CultureInfo.InvariantCulture)),
    };

    private static string? Limpio(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static Dictionary<Columna, int> Mapear(IReadOnlyList<string> encabezados)
    {
        var mapa = new Dictionary<Columna, int>();
        for (var i = 0; i < encabezados.Count; i++)
            if (Sinonimos.TryGetValue(Clave(encabezados[i]), out var c)) mapa.TryAdd(c, i);
        if (!mapa.ContainsKey(Columna.Rfc))
            throw new ArchivoIlegibleException($"No se encontró la columna RFC. La primera fila debe tener los encabezados: {Encabezados} (en cualquier orden).");
        return mapa;
    }

    /// <summary>"Régimen fiscal", "REGIMEN_FISCAL" and "regimen fiscal" are the same header.</summary>
    public static string Clave(string encabezado)
    {
        var sb = new StringBuilder(encabezado.Length);
        foreach (var ch in encabezado.Normalize(NormalizationForm.FormD))
            if (char.IsLetterOrDigit(ch) && CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)
                sb.Append(char.ToLowerInvariant(ch));
        return sb.ToString();
    }

    /// <summary>Excel's "CSV" in Spanish Windows is Windows-1252, not UTF-8: check the bytes before choosing.</summary>
    private static bool EsUtf8(Stream archivo)
    {
        var decodificador = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var bytes = new byte[65536];
        var chars = new char[65536];
        try
        {
            int n;
            while ((n = archivo.Read(bytes)) > 0) decodificador.GetChars(bytes, 0, n, chars, 0, flush: false);
            decodificador.GetChars(bytes, 0, 0, chars, 0, flush: true);
            return true;
        }
        catch (DecoderFallbackException) { return false; }
        finally { archivo.Position = 0; }
    }
}
