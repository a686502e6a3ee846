namespace AccesoDescargas.Fiscal;

public sealed record RegimenFiscal(string Clave, string Descripcion, bool Fisica, bool Moral)
{
    public string Texto => $"{Clave} · {Descripcion}";
}

/// <summary>SAT's catalogue c_RegimenFiscal (CFDI 4.0), with the kind of person each regime applies to.</summary>
public static class RegimenesFiscales
{
    public static readonly IReadOnlyList<RegimenFiscal> Todos =
    [
        new("601", "General de Ley Personas Morales", Fisica: false, Moral: true),
        new("603", "Personas Morales con Fines no Lucrativos", Fisica: false, Moral: true),
        new("605", "Sueldos y Salarios e Ingresos Asimilados a Salarios", Fisica: true, Moral: false),
        new("606", "Arrendamiento", Fisica: true, Moral: false),
        new("607", "Régimen de Enajenación o Adquisición de Bienes", Fisica: true, Moral: false),
        new("608", "Demás ingresos", Fisica: true, Moral: false),
        new("610", "Residentes en el Extranjero sin Establecimiento Permanente en México", Fisica: true, Moral: true),
        new("611", "Ingresos por Dividendos (socios y accionistas)", Fisica: true, Moral: false),
        new("612", "Personas Físicas con Actividades Empresariales y Profesionales", Fisica: true, Moral: false),
        new("614", "Ingresos por intereses", Fisica: true, Moral: false),
        new("615", "Régimen de los ingresos por obtención de premios", Fisica: true, Moral: false),
        new("616", "Sin obligaciones fiscales", Fisica: true, Moral: false),
        new("620", "Sociedades Cooperativas de Producción que optan por diferir sus ingresos", Fisica: false, Moral: true),
        new("621", "Incorporación Fiscal", Fisica: true, Moral: false),
        new("622", "Actividades Agrícolas, Ganaderas, Silvícolas y Pesqueras", Fisica: false, Moral: true),
        new("623", "Opcional para Grupos de Sociedades", Fisica: false, Moral: true),
        new("624", "Coordinados", Fisica: false, Moral: true),
        new("625", "Régimen de las Actividades Empresariales con ingresos a través de Plataformas Tecnológicas", Fisica: true, Moral: false),
        new("626", "Régimen Simplificado de Confianza", Fisica: true, Moral: true),
        new("628", "Hidrocarburos", Fisica: false, Moral: true),
        new("629", "De los Regímenes Fiscales Preferentes y de las Empresas Multinacionales", Fisica: true, Moral: false),
        new("630", "Enajenación de acciones en bolsa de valores", Fisica: true, Moral: false),
    ];

    public static RegimenFiscal? Buscar(string? clave) => Todos.FirstOrDefault(r => r.Clave == clave);

    /// <summary>The regimes that apply to an RFC of this kind; all of them while the kind is unknown.</summary>
    public static IEnumerable<RegimenFiscal> Para(RfcTipo? tipo) => tipo switch
    {
        RfcTipo.Fisica => Todos.Where(r => r.Fisica),
        RfcTipo.Moral => Todos.Where(r => r.Moral),
        _ => Todos,
    };

    /// <summary>Spanish message when the regime is unknown or does not apply to the RFC's kind of person; null when it is fine.</summary>
    public static string? Validar(string? clave, RfcTipo? tipo)
    {
        if (string.IsNullOrEmpty(clave)) return null;
        var regimen = Buscar(clave);
        if (regimen is null) return $"El régimen fiscal «{clave}» no está en el catálogo del SAT.";
        return tipo switch
        {
            RfcTipo.Fisica when !regimen.Fisica => $"El régimen {regimen.Clave} ({regimen.Descripcion}) es sólo para personas morales.",
            RfcTipo.Moral when !regimen.Moral => $"El régimen {regimen.Clave} ({regimen.Descripcion}) es sólo para personas físicas.",
            _ => null,
        };
    }
}
