namespace AccesoDescargas.Features.Representacion;

/// <summary>Amount in Spanish words as printed on invoices: "MIL DOSCIENTOS PESOS 50/100 M.N.".</summary>
public static class ImporteConLetra
{
    public const decimal Maximo = 999_999_999_999_999_999.99m;

    static readonly string[] Unidades =
    [
        "CERO", "UN", "DOS", "TRES", "CUATRO", "CINCO", "SEIS", "SIETE", "OCHO", "NUEVE",
        "DIEZ", "ONCE", "DOCE", "TRECE", "CATORCE", "QUINCE", "DIECISÉIS", "DIECISIETE", "DIECIOCHO", "DIECINUEVE",
        "VEINTE", "VEINTIÚN", "VEINTIDÓS", "VEINTITRÉS", "VEINTICUATRO", "VEINTICINCO", "VEINTISÉIS", "VEINTISIETE", "VEINTIOCHO", "VEINTINUEVE",
    ];

    static readonly string[] Decenas = ["", "", "", "TREINTA", "CUARENTA", "CINCUENTA", "SESENTA", "SETENTA", "OCHENTA", "NOVENTA"];

    static readonly string[] Centenas =
        ["", "CIENTO", "DOSCIENTOS", "TRESCIENTOS", "CUATROCIENTOS", "QUINIENTOS", "SEISCIENTOS", "SETECIENTOS", "OCHOCIENTOS", "NOVECIENTOS"];

    /// <param name="moneda">ISO code; null or blank (3.2 may omit it) means MXN. Unknown codes are printed after the cents.</param>
    public static string Convertir(decimal total, string? moneda)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(total, Maximo);

        var redondeado = Math.Round(total, 2, MidpointRounding.AwayFromZero);
        var entero = (ulong)decimal.Truncate(redondeado);
        var centavos = (int)((redondeado - entero) * 100);
        var letras = Letras(entero);
        var fraccion = $"{centavos:00}/100";

        var codigo = string.IsNullOrWhiteSpace(moneda) ? "MXN" : moneda.Trim().ToUpperInvariant();
        (string Singular, string Plural, string Sufijo)? nombres = codigo switch
        {
            "MXN" => ("PESO", "PESOS", "M.N."),
            "USD" => ("DÓLAR", "DÓLARES", "USD"),
            "EUR" => ("EURO", "EUROS", "EUR"),
            _ => null,
        };
        if (nombres is not { } n) return $"{letras} {fraccion} {codigo}";

        // Spanish takes "de" between an exact number of millions and the noun: "un millón de pesos".
        var de = entero >= 1_000_000 && entero % 1_000_000 == 0 ? "DE " : "";
        return $"{letras} {de}{(entero == 1 ? n.Singular : n.Plural)} {fraccion} {n.Sufijo}";
    }

    // Long scale: 10^6 millón, 10^12 billón. Always the apocopated "UN"/"VEINTIÚN", since a noun follows.
    static string Letras(ulong n)
    {
        if (n == 0) return "CERO";
        var billones = n / 1_000_000_000_000;
        var millones = n / 1_000_000 % 1_000_000;
        var resto = n % 1_000_000;
        var partes = new List<string>(3);
        if (billones > 0) partes.Add(billones == 1 ? "UN BILLÓN" : Hasta999999(billones) + " BILLONES");
        if (millones > 0) partes.Add(millones == 1 ? "UN MILLÓN" : Hasta999999(millones) + " MILLONES");
        if (resto > 0) partes.Add(Hasta999999(resto));
        return string.Join(' ', partes);
    }

    static string Hasta999999(ulong n)
    {
        var miles = n / 1000;
        var resto = n % 1000;
        var texto = miles switch
        {
            0 => "",
            1 => "MIL",
            _ => Hasta999(miles) + " MIL",
        };
        return resto == 0 ? texto : (texto.Length == 0 ? "" : texto + " ") + Hasta999(resto);
    }

    static string Hasta999(ulong n)
    {
        var c = n / 100;
        var r = n % 100;
        if (c == 1 && r == 0) return "CIEN";
        if (c == 0) return Hasta99(r);
        return r == 0 ? Centenas[c] : Centenas[c] + " " + Hasta99(r);
    }

    static string Hasta99(ulong n) =>
        n < 30 ? Unidades[n] : Decenas[n / 10] + (n % 10 == 0 ? "" : " Y " + Unidades[n % 10]);
}
