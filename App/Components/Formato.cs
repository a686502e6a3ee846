using System.Globalization;

namespace AccesoDescargas.Components;

/// <summary>
/// The one way the app writes money and dates (issue 10): <c>$9,663.38</c>, with the currency code instead of the
/// sign only when it is not MXN (<c>USD 1,250.00</c>); <c>dd/MM/yyyy</c> and <c>dd/MM/yyyy HH:mm</c> in Mexico City time.
/// </summary>
public static class Formato
{
    private static readonly CultureInfo Numeros = CultureInfo.GetCultureInfo("es-MX");

    public static string Importe(decimal importe, string? moneda = "MXN")
    {
        var cifra = Math.Abs(importe).ToString("#,##0.00", Numeros);
        var signo = importe < 0 ? "-" : "";
        return string.IsNullOrEmpty(moneda) || moneda == "MXN" ? $"{signo}${cifra}" : $"{signo}{moneda} {cifra}";
    }

    /// <summary>A stored UTC instant as a date in Mexico City.</summary>
    public static string Fecha(DateTime utc) => utc.AHoraMexico().ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>A stored UTC instant as date and time in Mexico City.</summary>
    public static string FechaHora(DateTime utc) => utc.AHoraMexico().ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A CFDI's own date: already Mexican local time as the issuer wrote it, so it is not converted.</summary>
    public static string FechaHoraLocal(DateTime local) => local.ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A CFDI date attribute as written (<c>2024-05-10T11:58:31</c>); kept as is when it is not a valid date.</summary>
    public static string FechaHoraCfdi(string fecha) =>
        fecha.Length >= 19 && DateTime.TryParseExact(fecha.AsSpan(0, 19), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f)
            ? FechaHoraLocal(f)
            : fecha.Replace('T', ' ');

    /// <summary>"1 duplicado", "2 duplicados".</summary>
    public static string Cantidad(int n, string singular, string plural) => $"{n.ToString("N0", Numeros)} {(n == 1 ? singular : plural)}";
}
