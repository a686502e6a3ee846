using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Features.Representacion;

/// <summary>
/// Descriptions of the SAT catalog keys a printed CFDI shows, so a reader sees "601 - General de Ley
/// Personas Morales" rather than a bare code. Unknown keys (and 3.2's free text) are shown as written.
/// </summary>
public static class CatalogosSat
{
    static readonly Dictionary<string, string> TiposDeComprobante = new()
    {
        ["I"] = "Ingreso", ["E"] = "Egreso", ["T"] = "Traslado", ["N"] = "Nómina", ["P"] = "Pago",
    };

    static readonly Dictionary<string, string> FormasDePago = new()
    {
        ["01"] = "Efectivo", ["02"] = "Cheque nominativo", ["03"] = "Transferencia electrónica de fondos",
        ["04"] = "Tarjeta de crédito", ["05"] = "Monedero electrónico", ["06"] = "Dinero electrónico",
        ["08"] = "Vales de despensa", ["12"] = "Dación en pago", ["13"] = "Pago por subrogación",
        ["14"] = "Pago por consignación", ["15"] = "Condonación", ["17"] = "Compensación", ["23"] = "Novación",
        ["24"] = "Confusión", ["25"] = "Remisión de deuda", ["26"] = "Prescripción o caducidad",
        ["27"] = "A satisfacción del acreedor", ["28"] = "Tarjeta de débito", ["29"] = "Tarjeta de servicios",
        ["30"] = "Aplicación de anticipos", ["31"] = "Intermediario pagos", ["99"] = "Por definir",
    };

    static readonly Dictionary<string, string> MetodosDePago = new()
    {
        ["PUE"] = "Pago en una sola exhibición", ["PPD"] = "Pago en parcialidades o diferido",
    };

    static readonly Dictionary<string, string> RegimenesFiscales = new()
    {
        ["601"] = "General de Ley Personas Morales", ["603"] = "Personas Morales con Fines no Lucrativos",
        ["605"] = "Sueldos y Salarios e Ingresos Asimilados a Salarios", ["606"] = "Arrendamiento",
        ["607"] = "Régimen de Enajenación o Adquisición de Bienes", ["608"] = "Demás ingresos",
        ["610"] = "Residentes en el Extranjero sin Establecimiento Permanente en México",
        ["611"] = "Ingresos por Dividendos (socios y accionistas)",
        ["612"] = "Personas Físicas con Actividades Empresariales y Profesionales", ["614"] = "Ingresos por intereses",
        ["615"] = "Régimen de los ingresos por obtención de premios", ["616"] = "Sin obligaciones fiscales",
        ["620"] = "Sociedades Cooperativas de Producción que optan por diferir sus ingresos",
        ["621"] = "Incorporación Fiscal", ["622"] = "Actividades Agrícolas, Ganaderas, Silvícolas y Pesqueras",
        ["623"] = "Opcional para Grupos de Sociedades", ["624"] = "Coordinados",
        ["625"] = "Régimen de las Actividades Empresariales con ingresos a través de Plataformas Tecnológicas",
        ["626"] = "Régimen Simplificado de Confianza", ["628"] = "Hidrocarburos",
        ["629"] = "De los Regímenes Fiscales Preferentes y de las Empresas Multinacionales",
        ["630"] = "Enajenación de acciones en bolsa de valores",
    };

    static readonly Dictionary<string, string> UsosCfdi = new()
    {
        ["G01"] = "Adquisición de mercancías", ["G02"] = "Devoluciones, descuentos o bonificaciones",
        ["G03"] = "Gastos en general", ["I01"] = "Construcciones", ["I02"] = "Mobiliario y equipo de oficina por inversiones",
        ["I03"] = "Equipo de transporte", ["I04"] = "Equipo de cómputo y accesorios",
        ["I05"] = "Dados, troqueles, moldes, matrices y herramental", ["I06"] = "Comunicaciones telefónicas",
        ["I07"] = "Comunicaciones satelitales", ["I08"] = "Otra maquinaria y equipo",
        ["D01"] = "Honorarios médicos, dentales y gastos hospitalarios", ["D02"] = "Gastos médicos por incapacidad o discapacidad",
        ["D03"] = "Gastos funerales", ["D04"] = "Donativos",
        ["D05"] = "Intereses reales efectivamente pagados por créditos hipotecarios (casa habitación)",
        ["D06"] = "Aportaciones voluntarias al SAR", ["D07"] = "Primas por seguros de gastos médicos",
        ["D08"] = "Gastos de transportación escolar obligatoria",
        ["D09"] = "Depósitos en cuentas para el ahorro, primas que tengan como base planes de pensiones",
        ["D10"] = "Pagos por servicios educativos (colegiaturas)", ["S01"] = "Sin efectos fiscales",
        ["CP01"] = "Pagos", ["CN01"] = "Nómina", ["P01"] = "Por definir",
    };

    static readonly Dictionary<string, string> Exportaciones = new()
    {
        ["01"] = "No aplica", ["02"] = "Definitiva con clave A1", ["03"] = "Temporal",
        ["04"] = "Definitiva con clave distinta a A1 o cuando no existe enajenación en términos del CFF",
    };

    static readonly Dictionary<string, string> TiposDeRelacion = new()
    {
        ["01"] = "Nota de crédito de los documentos relacionados", ["02"] = "Nota de débito de los documentos relacionados",
        ["03"] = "Devolución de mercancía sobre facturas o traslados previos", ["04"] = "Sustitución de los CFDI previos",
        ["05"] = "Traslados de mercancías facturados previamente", ["06"] = "Factura generada por los traslados previos",
        ["07"] = "CFDI por aplicación de anticipo",
    };

    static readonly Dictionary<string, string> Impuestos = new() { ["001"] = "ISR", ["002"] = "IVA", ["003"] = "IEPS" };

    public static string? TipoDeComprobante(string? clave) => Describir(TiposDeComprobante, clave);
    public static string? FormaDePago(string? clave) => Describir(FormasDePago, clave);
    public static string? MetodoDePago(string? clave) => Describir(MetodosDePago, clave);
    public static string? RegimenFiscal(string? clave) => Describir(RegimenesFiscales, clave);
    public static string? UsoCfdi(string? clave) => Describir(UsosCfdi, clave);
    public static string? Exportacion(string? clave) => Describir(Exportaciones, clave);
    public static string? TipoDeRelacion(string? clave) => Describir(TiposDeRelacion, clave);

    /// <summary>Short tax name: 002 → IVA; 3.2 already writes the name.</summary>
    public static string Impuesto(string clave) => Impuestos.GetValueOrDefault(clave, clave);

    static string? Describir(Dictionary<string, string> catalogo, string? clave) =>
        clave is null ? null : catalogo.TryGetValue(clave, out var descripcion) ? $"{clave} - {descripcion}" : clave;
}
