using System.Text.RegularExpressions;

namespace AccesoDescargas.Fiscal;

public enum RfcTipo { Moral, Fisica }

/// <param name="Rfc">The input, trimmed and upper-cased.</param>
/// <param name="Error">Spanish message for the user when <paramref name="EsValido"/> is false.</param>
/// <param name="Advertencia">Spanish warning when the check digit does not match; never blocks.</param>
/// <param name="Tipo">Known once the format is right, even if the date or the generic rule fails.</param>
public sealed record RfcValidacion(
    string Rfc,
    bool EsValido,
    string? Error,
    bool DigitoVerificadorCorrecto,
    string? Advertencia,
    RfcTipo? Tipo);

public static partial class Rfc
{
    public const string XAXX = "XAXX010101000", XEXX = "XEXX010101000";

    // \d would also accept non-ASCII digits and $ a trailing newline, hence [0-9] and \z.
    [GeneratedRegex(@"^[A-ZÑ&]{3,4}[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{2}[A0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex Formato();

    private const string Alfabeto = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ #";

    public static string Normalizar(string? rfc) => (rfc ?? "").Trim().ToUpperInvariant();

    public static bool EsGenerico(string rfc)
    {
        var r = Normalizar(rfc);
        return r == XAXX || r == XEXX;
    }

    public static RfcValidacion Validar(string? rfc, bool permitirGenerico = false)
    {
        var r = Normalizar(rfc);
        if (r.Length == 0)
            return Invalido(r, "Escriba el RFC.", null);
        if (!Formato().IsMatch(r))
            return Invalido(r, "El RFC debe tener 12 caracteres (persona moral) o 13 (persona física): " +
                               "3 o 4 letras, la fecha AAMMDD y 3 caracteres de homoclave.", null);

        var tipo = r.Length == 12 ? RfcTipo.Moral : RfcTipo.Fisica;
        var fecha = r.Substring(r.Length - 9, 6);
        if (!FechaValida(fecha))
            return Invalido(r, $"La fecha contenida en el RFC ({fecha}) no es válida.", tipo);
        if (!permitirGenerico && EsGenerico(r))
            return Invalido(r, $"El RFC genérico {r} no puede tener acceso: lo comparten muchos receptores sin relación entre sí, " +
                               "y el acceso expondría todos sus comprobantes.", tipo);

        // SAT has issued real RFCs whose check digit does not match, so a mismatch only warns.
        // The generic RFCs are fixed by SAT (XAXX's digit does not match): warning about them is noise.
        var esperado = DigitoVerificador(r);
        var correcto = esperado == r[^1];
        var advertencia = correcto || EsGenerico(r) ? null
            : $"El dígito verificador del RFC no coincide (se esperaba «{esperado}»). Verifique que esté bien escrito; si es correcto, puede continuar.";
        return new RfcValidacion(r, true, null, correcto, advertencia, tipo);
    }

    public static char? DigitoVerificador(string rfc)
    {
        var r = Normalizar(rfc).Replace('Ñ', '#');
        var n = r.Length;
        if (n is not (12 or 13)) return null;

        var suma = 0;
        for (var i = 0; i < n - 1; i++)
            suma += Math.Max(Alfabeto.IndexOf(r[i]), 0) * (n - i);
        // A moral RFC is scored as if padded with a leading space: 37 (space) × 13 = 481.
        if (n == 12) suma += 481;

        return (11 - suma % 11) switch
        {
            11 => '0',
            10 => 'A',
            var d => (char)('0' + d),
        };
    }

    private static RfcValidacion Invalido(string rfc, string error, RfcTipo? tipo) =>
        new(rfc, false, error, false, null, tipo);

    // The RFC stores only yy; reading it as 20yy makes 00-02-29 a valid leap day, as SAT accepts.
    private static bool FechaValida(string aammdd)
    {
        var anio = 2000 + int.Parse(aammdd.AsSpan(0, 2));
        var mes = int.Parse(aammdd.AsSpan(2, 2));
        var dia = int.Parse(aammdd.AsSpan(4, 2));
        return dia <= DateTime.DaysInMonth(anio, mes);
    }
}
