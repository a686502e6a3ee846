using System.Text;
using AccesoDescargas.Features.Comprobantes;
using Xunit;

namespace AccesoDescargas.Tests.Features.Comprobantes;

public class CfdiReaderTests
{
    private const string Timbre =
        """<tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1" UUID="6B1E8A3C-2F4D-4E5A-9B7C-8D9E0F1A2B3C" FechaTimbrado="2024-05-10T09:31:00" RfcProvCertif="SPR190613I52" SelloCFD="eA==" NoCertificadoSAT="30001000000500003456" SelloSAT="eQ=="/>""";

    private const string Comprobante =
        """Version="4.0" Fecha="2024-05-10T09:30:00" SubTotal="100.00" Moneda="MXN" Total="116.00" TipoDeComprobante="I" LugarExpedicion="06600" """;

    private const string Emisor = """<cfdi:Emisor Rfc="EKU9003173C9" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>""";

    private const string Receptor = """<cfdi:Receptor Rfc="XIQB891116QE4" UsoCFDI="G03"/>""";

    private const string Complemento = "<cfdi:Complemento>" + Timbre + "</cfdi:Complemento>";

    private static string Cfdi40(
        string comprobante = Comprobante, string emisor = Emisor, string receptor = Receptor,
        string complemento = Complemento, string addenda = "") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" {comprobante}>
          {emisor}
          {receptor}
          <cfdi:Conceptos>
            <cfdi:Concepto ClaveProdServ="01010101" Cantidad="1" ClaveUnidad="ACT" Descripcion="Prueba" ValorUnitario="100.00" Importe="100.00" ObjetoImp="01"/>
          </cfdi:Conceptos>
          {complemento}
          {addenda}
        </cfdi:Comprobante>
        """;

    private static MemoryStream Flujo(string xml) => new(Encoding.UTF8.GetBytes(xml));

    private static CfdiLeido Leer(string xml, string? emisorRfcEsperado = null) =>
        CfdiReader.Leer(Flujo(xml), emisorRfcEsperado);

    private static string Rechazo(string xml, string? emisorRfcEsperado = null) =>
        Assert.Throws<CfdiRechazadoException>(() => Leer(xml, emisorRfcEsperado)).Message;

    private static CfdiLeido LeerArchivo(string nombre, string? emisorRfcEsperado = null)
    {
        using var archivo = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Features", "Comprobantes", "CfdiFiles", nombre));
        return CfdiReader.Leer(archivo, emisorRfcEsperado);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("11111111-1111-1111-1111-111111111111")]
    [InlineData("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa")]
    public void Un_timbre_de_relleno_sin_sellos_se_rechaza_como_no_timbrado(string uuid)
    {
        var timbre = $"""<cfdi:Complemento><tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1" UUID="{uuid}" FechaTimbrado="2024-05-10T09:31:00" RfcProvCertif="SPR190613I52" SelloCFD="" NoCertificadoSAT="30001000000500003456" SelloSAT=""/></cfdi:Complemento>""";

        Assert.Equal(CfdiReader.MensajeTimbreDePrueba, Rechazo(Cfdi40(complemento: timbre)));
    }

    [Fact]
    public void Un_timbre_de_relleno_de_cfdi32_tambien_se_rechaza()
    {
        var xml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Features", "Comprobantes", "CfdiFiles", "cfdi32-ingreso.xml"));
        var relleno = System.Text.RegularExpressions.Regex.Replace(xml, "UUID=\"[^\"]+\"", "UUID=\"00000000-0000-0000-0000-000000000000\"");
        relleno = System.Text.RegularExpressions.Regex.Replace(relleno, "sello(CFD|SAT)=\"[^\"]*\"", "sello$1=\"\"");

        Assert.Equal(CfdiReader.MensajeTimbreDePrueba, Rechazo(relleno));
    }

    [Fact]
    public void Lee_cfdi40_ingreso_con_serie_y_folio()
    {
        var cfdi = LeerArchivo("cfdi40-ingreso.xml");

        Assert.Equal("4.0", cfdi.Version);
        Assert.Equal("FA", cfdi.Serie);
        Assert.Equal("1024", cfdi.Folio);
        Assert.Equal(new DateTime(2024, 5, 10, 9, 30, 15), cfdi.Fecha);
        Assert.Equal(DateTimeKind.Unspecified, cfdi.Fecha.Kind);
        Assert.Equal(1500.00m, cfdi.SubTotal);
        Assert.Equal(1740.00m, cfdi.Total);
        Assert.Equal("MXN", cfdi.Moneda);
        Assert.Equal("I", cfdi.Tipo);
        Assert.Equal("EKU9003173C9", cfdi.EmisorRfc);
        Assert.Equal("ESCUELA KEMPER URGATE", cfdi.EmisorNombre);
        Assert.Equal("XIQB891116QE4", cfdi.ReceptorRfc);
        Assert.Equal("BERENICE XIMO QUEZADA", cfdi.ReceptorNombre);
        Assert.Equal("G03", cfdi.UsoCfdi);
        Assert.Equal("5E2D6AFF-2DD7-43D1-83D3-14C1ACA396D9", cfdi.Uuid);
        Assert.Equal(new DateTime(2024, 5, 10, 9, 31, 2), cfdi.FechaTimbrado);
        Assert.Empty(cfdi.UuidsRelacionados);
    }

    [Fact]
    public void Lee_cfdi40_egreso_sin_serie_ni_folio_y_no_toma_cfdi_relacionados_como_pagados()
    {
        var cfdi = LeerArchivo("cfdi40-egreso.xml");

        Assert.Equal("E", cfdi.Tipo);
        Assert.Null(cfdi.Serie);
        Assert.Null(cfdi.Folio);
        Assert.Equal(200.00m, cfdi.SubTotal);
        Assert.Equal(232.00m, cfdi.Total);
        Assert.Equal("USD", cfdi.Moneda);
        Assert.Equal("ICV060329BY0", cfdi.ReceptorRfc);
        Assert.Equal("G02", cfdi.UsoCfdi);
        Assert.Equal("A1B2C3D4-0E0F-4A5B-9C8D-7E6F5A4B3C2D", cfdi.Uuid);
        Assert.Empty(cfdi.UuidsRelacionados);
    }

    [Fact]
    public void Lee_cfdi40_pago_con_documentos_relacionados_en_mayusculas_y_sin_repetir()
    {
        var cfdi = LeerArchivo("cfdi40-pago.xml");

        Assert.Equal("P", cfdi.Tipo);
        Assert.Equal(0m, cfdi.Total);
        Assert.Equal("XXX", cfdi.Moneda);
        Assert.Equal("CP01", cfdi.UsoCfdi);
        Assert.Equal("C3D4E5F6-A7B8-4C9D-8E0F-1A2B3C4D5E6F", cfdi.Uuid);
        Assert.Equal(
            ["5E2D6AFF-2DD7-43D1-83D3-14C1ACA396D9", "0F1E2D3C-4B5A-4697-8877-665544332211", "9ABCDEF0-1234-4567-89AB-CDEF01234567"],
            cfdi.UuidsRelacionados);
    }

    [Fact]
    public void Lee_cfdi40_nomina_con_emisor_y_receptor_del_comprobante_no_los_de_nomina12()
    {
        var cfdi = LeerArchivo("cfdi40-nomina.xml");

        Assert.Equal("N", cfdi.Tipo);
        Assert.Equal(7050.00m, cfdi.Total);
        Assert.Equal("EKU9003173C9", cfdi.EmisorRfc);
        Assert.Equal("CAMA911215CJ0", cfdi.ReceptorRfc);
        Assert.Equal("ANA CAMPOS MARTINEZ", cfdi.ReceptorNombre);
        Assert.Equal("CN01", cfdi.UsoCfdi);
        Assert.Equal("D4E5F6A7-B8C9-4DAE-8F10-2B3C4D5E6F70", cfdi.Uuid);
    }

    [Fact]
    public void Lee_cfdi40_traslado()
    {
        var cfdi = LeerArchivo("cfdi40-traslado.xml");

        Assert.Equal("T", cfdi.Tipo);
        Assert.Equal(0m, cfdi.SubTotal);
        Assert.Equal(0m, cfdi.Total);
        Assert.Equal("XXX", cfdi.Moneda);
        Assert.Equal("S01", cfdi.UsoCfdi);
        Assert.Equal("E5F6A7B8-C9D0-4EBF-9021-3C4D5E6F7081", cfdi.Uuid);
        Assert.Equal(new DateTime(2024, 8, 20, 6, 46, 0), cfdi.FechaTimbrado);
    }

    [Fact]
    public void Lee_cfdi33_con_ampersand_enie_espacio_uuid_en_minusculas_e_ignora_addenda_y_otros_complementos()
    {
        var cfdi = LeerArchivo("cfdi33-ingreso-addenda.xml", emisorRfcEsperado: "H&E951128469");

        Assert.Equal("3.3", cfdi.Version);
        Assert.Equal("B", cfdi.Serie);
        Assert.Equal("311", cfdi.Folio);
        Assert.Equal(new DateTime(2021, 11, 30, 19, 59, 59), cfdi.Fecha);
        Assert.Equal(10000.00m, cfdi.SubTotal);
        Assert.Equal(11500.50m, cfdi.Total);
        Assert.Equal("I", cfdi.Tipo);
        Assert.Equal("H&E951128469", cfdi.EmisorRfc);
        Assert.Equal("HERRAJES & ESTRUCTURAS SA DE CV", cfdi.EmisorNombre);
        Assert.Equal("AÑÑ801231JK0", cfdi.ReceptorRfc);
        Assert.Equal("AÑIL Y ÑANDÚ SA DE CV", cfdi.ReceptorNombre);
        Assert.Equal("P01", cfdi.UsoCfdi);
        Assert.Equal("B7C8D9E0-F1A2-4B3C-8D4E-5F6A7B8C9D0E", cfdi.Uuid);
        Assert.Equal(new DateTime(2021, 11, 30, 20, 0, 31), cfdi.FechaTimbrado);
    }

    [Fact]
    public void Lee_cfdi33_pago_con_pagos10()
    {
        var cfdi = LeerArchivo("cfdi33-pago10.xml");

        Assert.Equal("3.3", cfdi.Version);
        Assert.Equal("P", cfdi.Tipo);
        Assert.Equal("H&E951128469", cfdi.EmisorRfc);
        Assert.Equal("F0E1D2C3-B4A5-4968-8776-655443322110", cfdi.Uuid);
        Assert.Equal(["B7C8D9E0-F1A2-4B3C-8D4E-5F6A7B8C9D0E"], cfdi.UuidsRelacionados);
    }

    [Fact]
    public void Lee_cfdi32_con_atributos_en_minusculas_timbre10_y_moneda_por_omision()
    {
        var cfdi = LeerArchivo("cfdi32-ingreso.xml");

        Assert.Equal("3.2", cfdi.Version);
        Assert.Equal("C", cfdi.Serie);
        Assert.Equal("4410", cfdi.Folio);
        Assert.Equal(new DateTime(2016, 2, 29, 16, 40, 12), cfdi.Fecha);
        Assert.Equal(500.00m, cfdi.SubTotal);
        Assert.Equal(580.00m, cfdi.Total);
        Assert.Equal("MXN", cfdi.Moneda);
        Assert.Equal("I", cfdi.Tipo);
        Assert.Equal("SORC591116FJ6", cfdi.EmisorRfc);
        Assert.Equal("CARLOS SOTO RAMIREZ", cfdi.EmisorNombre);
        Assert.Equal("COSC8001137NA", cfdi.ReceptorRfc);
        Assert.Equal("CLIENTE DE PRUEBA", cfdi.ReceptorNombre);
        Assert.Null(cfdi.UsoCfdi);
        Assert.Equal("0A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9", cfdi.Uuid);
        Assert.Equal(new DateTime(2016, 2, 29, 16, 41, 0), cfdi.FechaTimbrado);
    }

    [Theory]
    [InlineData("egreso", "E")]
    [InlineData("Traslado", "T")]
    public void Traduce_el_tipo_de_cfdi32(string tipoDeComprobante, string tipo)
    {
        var xml = $"""
            <cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" version="3.2" fecha="2015-01-02T03:04:05" subTotal="1" total="1" tipoDeComprobante="{tipoDeComprobante}">
              <cfdi:Emisor rfc="SORC591116FJ6"/>
              <cfdi:Receptor rfc="COSC8001137NA"/>
              {Complemento}
            </cfdi:Comprobante>
            """;

        Assert.Equal(tipo, Leer(xml).Tipo);
    }

    [Fact]
    public async Task LeerAsync_lee_un_flujo_que_no_admite_busqueda()
    {
        await using var archivo = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Features", "Comprobantes", "CfdiFiles", "cfdi40-pago.xml"));

        var cfdi = await CfdiReader.LeerAsync(new FlujoSinBusqueda(archivo), "EKU9003173C9", ct: TestContext.Current.CancellationToken);

        Assert.Equal("C3D4E5F6-A7B8-4C9D-8E0F-1A2B3C4D5E6F", cfdi.Uuid);
        Assert.Equal("XIQB891116QE4", cfdi.ReceptorRfc);
        Assert.Equal(3, cfdi.UuidsRelacionados.Count);
    }

    [Fact]
    public async Task LeerAsync_respeta_la_cancelacion()
    {
        using var cancelado = new CancellationTokenSource();
        await cancelado.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => CfdiReader.LeerAsync(new FlujoSinBusqueda(Flujo(Cfdi40())), ct: cancelado.Token));
    }

    [Fact]
    public void Normaliza_rfcs_en_minusculas_y_con_espacios()
    {
        var cfdi = Leer(Cfdi40(
            emisor: """<cfdi:Emisor Rfc="  eku9003173c9 " Nombre="  ESCUELA  "/>""",
            receptor: """<cfdi:Receptor Rfc="aññ801231jk0" Nombre="" UsoCFDI="G03"/>"""));

        Assert.Equal("EKU9003173C9", cfdi.EmisorRfc);
        Assert.Equal("ESCUELA", cfdi.EmisorNombre);
        Assert.Equal("AÑÑ801231JK0", cfdi.ReceptorRfc);
        Assert.Null(cfdi.ReceptorNombre);
    }

    [Theory]
    [InlineData("2024-05-10T09:30:00.250")]
    [InlineData("2024-05-10T09:30:00-06:00")]
    [InlineData("2024-05-10T09:30:00Z")]
    [InlineData(" 2024-05-10T09:30:00 ")]
    public void Tolera_fraccion_de_segundo_y_zona_tomando_la_hora_local_escrita(string fecha)
    {
        var cfdi = Leer(Cfdi40(comprobante: Comprobante.Replace("2024-05-10T09:30:00", fecha)));

        Assert.Equal(new DateTime(2024, 5, 10, 9, 30, 0), cfdi.Fecha);
        Assert.Equal(DateTimeKind.Unspecified, cfdi.Fecha.Kind);
    }

    [Theory]
    [InlineData("EKU9003173C9")]
    [InlineData(" eku9003173c9 ")]
    public void Acepta_el_emisor_esperado_sin_importar_espacios_ni_mayusculas(string esperado)
    {
        Assert.Equal("EKU9003173C9", Leer(Cfdi40(), esperado).EmisorRfc);
    }

    [Fact]
    public void Rechaza_un_emisor_distinto_al_de_la_cuenta()
    {
        Assert.Equal(
            "El RFC del emisor del CFDI (EKU9003173C9) no corresponde al emisor de esta cuenta (CSM190311AH6).",
            Rechazo(Cfdi40(), " csm190311ah6"));
    }

    [Fact]
    public void Rechaza_un_cfdi_sin_timbre()
    {
        Assert.Equal(
            "El CFDI no está timbrado (no tiene TimbreFiscalDigital).",
            Rechazo(Cfdi40(complemento: "")));
    }

    [Fact]
    public void Rechaza_como_no_timbrado_un_timbre_sin_uuid()
    {
        var sinUuid = Complemento.Replace("""UUID="6B1E8A3C-2F4D-4E5A-9B7C-8D9E0F1A2B3C" """, "");

        Assert.Equal(CfdiReader.MensajeNoTimbrado, Rechazo(Cfdi40(complemento: sinUuid)));
    }

    [Fact]
    public void Rechaza_como_no_timbrado_un_timbre_fuera_del_complemento()
    {
        var addenda = $"""<cfdi:Addenda><x:Datos xmlns:x="urn:proveedor">{Timbre}</x:Datos></cfdi:Addenda>""";

        Assert.Equal(CfdiReader.MensajeNoTimbrado, Rechazo(Cfdi40(complemento: "<cfdi:Complemento/>", addenda: addenda)));
    }

    [Theory]
    [InlineData("<cfdi:Comprobante xmlns:cfdi=\"http://www.sat.gob.mx/cfd/4\" Version=\"4.0\">")]
    [InlineData("<a><b></a></b>")]
    [InlineData("Esto no es XML")]
    [InlineData("<a/><b/>")]
    public void Rechaza_xml_mal_formado(string xml)
    {
        Assert.Equal("El archivo no es un XML válido.", Rechazo(xml));
    }

    [Fact]
    public void Rechaza_un_cfdi_que_se_corta_despues_del_timbre()
    {
        var cortado = Cfdi40()[..Cfdi40().LastIndexOf("</cfdi:Comprobante>", StringComparison.Ordinal)];

        Assert.Equal(CfdiReader.MensajeXmlNoValido, Rechazo(cortado));
    }

    [Fact]
    public void Rechaza_bytes_que_no_son_del_encoding_declarado()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("<a>"), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("</a>")];

        var ex = Assert.Throws<CfdiRechazadoException>(() => CfdiReader.Leer(new MemoryStream(bytes)));

        Assert.Equal(CfdiReader.MensajeXmlNoValido, ex.Message);
    }

    [Fact]
    public void Rechaza_billion_laughs()
    {
        const string xml = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
              <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
              <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
              <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
              <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>
            <cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" Serie="&lol9;"/>
            """;

        Assert.Equal("El XML contiene una declaración DTD, que no se admite por seguridad.", Rechazo(xml));
    }

    [Fact]
    public void Rechaza_una_entidad_externa()
    {
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- la DTD puede venir después de comentarios -->
            <!DOCTYPE cfdi:Comprobante [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            """ + Cfdi40(emisor: """<cfdi:Emisor Rfc="EKU9003173C9" Nombre="&xxe;"/>""").Replace("""<?xml version="1.0" encoding="UTF-8"?>""", "");

        Assert.Equal(CfdiReader.MensajeXmlConDtd, Rechazo(xml));
    }

    [Fact]
    public async Task Rechaza_una_dtd_tambien_en_asincrono()
    {
        var xml = """<!DOCTYPE a SYSTEM "http://127.0.0.1:9/a.dtd"><a/>""";

        var ex = await Assert.ThrowsAsync<CfdiRechazadoException>(
            () => CfdiReader.LeerAsync(Flujo(xml), ct: TestContext.Current.CancellationToken));

        Assert.Equal(CfdiReader.MensajeXmlConDtd, ex.Message);
    }

    [Fact]
    public void Rechaza_un_archivo_vacio()
    {
        Assert.Equal("El archivo está vacío.", Assert.Throws<CfdiRechazadoException>(() => CfdiReader.Leer(new MemoryStream())).Message);
        Assert.Equal(CfdiReader.MensajeVacio, Assert.Throws<CfdiRechazadoException>(() => CfdiReader.Leer(new FlujoSinBusqueda(new MemoryStream()))).Message);
    }

    [Fact]
    public void Rechaza_antes_de_leer_un_flujo_con_longitud_mayor_al_limite()
    {
        var flujo = Flujo(Cfdi40());

        var ex = Assert.Throws<CfdiRechazadoException>(() => CfdiReader.Leer(flujo, tamanoMaximo: flujo.Length - 1));

        Assert.Equal(CfdiReader.MensajeExcedeTamano(flujo.Length - 1), ex.Message);
        Assert.Equal(0, flujo.Position);
    }

    [Fact]
    public async Task Rechaza_al_leer_un_flujo_sin_longitud_que_pasa_el_limite_sin_leer_de_mas()
    {
        const long limite = 512 * 1024;
        var relleno = string.Concat(Enumerable.Repeat("""<x:Linea Texto="relleno de addenda para exceder el limite"/>""", 12_000));
        var xml = Cfdi40(addenda: $"""<cfdi:Addenda><x:Datos xmlns:x="urn:proveedor">{relleno}</x:Datos></cfdi:Addenda>""");
        var fuente = new FlujoSinBusqueda(Flujo(xml));

        var ex = await Assert.ThrowsAsync<CfdiRechazadoException>(
            () => CfdiReader.LeerAsync(fuente, tamanoMaximo: limite, ct: TestContext.Current.CancellationToken));

        Assert.Equal("El archivo excede el tamaño máximo permitido de 0.5 MB.", ex.Message);
        Assert.Equal(limite + 1, fuente.Leidos);
        Assert.Equal(
            CfdiReader.MensajeExcedeTamano(limite),
            Assert.Throws<CfdiRechazadoException>(() => CfdiReader.Leer(new FlujoSinBusqueda(Flujo(xml)), tamanoMaximo: limite)).Message);
    }

    [Fact]
    public void Acepta_un_archivo_del_tamano_exacto_del_limite()
    {
        var bytes = Encoding.UTF8.GetBytes(Cfdi40());

        Assert.Equal("6B1E8A3C-2F4D-4E5A-9B7C-8D9E0F1A2B3C", CfdiReader.Leer(new FlujoSinBusqueda(new MemoryStream(bytes)), tamanoMaximo: bytes.Length).Uuid);
    }

    [Fact]
    public void El_limite_por_omision_es_de_5_mb()
    {
        Assert.Equal("El archivo excede el tamaño máximo permitido de 5 MB.", CfdiReader.MensajeExcedeTamano(CfdiReader.TamanoMaximoPorDefecto));
    }

    [Theory]
    [InlineData("""<Comprobante Version="4.0"/>""")]
    [InlineData("""<cfdi:Factura xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0"/>""")]
    [InlineData("""<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="3.3"/>""")]
    [InlineData("""<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" Version="4.0"/>""")]
    [InlineData("""<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" Version="2.0"/>""")]
    [InlineData("""<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" version="2.2"/>""")]
    [InlineData("""<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3"/>""")]
    [InlineData("""<retenciones:Retenciones xmlns:retenciones="http://www.sat.gob.mx/esquemas/retencionpago/2" Version="2.0"/>""")]
    public void Rechaza_lo_que_no_es_un_cfdi_conocido(string xml)
    {
        Assert.Equal("El archivo no es un CFDI (se esperaba cfdi:Comprobante versión 3.2, 3.3 o 4.0).", Rechazo(xml));
    }

    [Theory]
    [InlineData("Total", "cfdi:Comprobante")]
    [InlineData("SubTotal", "cfdi:Comprobante")]
    [InlineData("Fecha", "cfdi:Comprobante")]
    [InlineData("TipoDeComprobante", "cfdi:Comprobante")]
    public void Rechaza_un_comprobante_sin_atributo_obligatorio(string atributo, string elemento)
    {
        var comprobante = string.Join(' ', Comprobante.Split(' ').Where(a => !a.StartsWith(atributo + "=", StringComparison.Ordinal)));

        Assert.Equal($"Falta el atributo obligatorio {atributo} en {elemento}.", Rechazo(Cfdi40(comprobante: comprobante)));
    }

    [Fact]
    public void Rechaza_atributos_obligatorios_faltantes_o_vacios_en_emisor_receptor_y_timbre()
    {
        Assert.Equal("Falta el atributo obligatorio Rfc en cfdi:Emisor.", Rechazo(Cfdi40(emisor: """<cfdi:Emisor Rfc=" " Nombre="X"/>""")));
        Assert.Equal("Falta el atributo obligatorio Rfc en cfdi:Receptor.", Rechazo(Cfdi40(receptor: """<cfdi:Receptor UsoCFDI="G03"/>""")));
        Assert.Equal(
            "Falta el atributo obligatorio FechaTimbrado en tfd:TimbreFiscalDigital.",
            Rechazo(Cfdi40(complemento: Complemento.Replace("""FechaTimbrado="2024-05-10T09:31:00" """, ""))));
    }

    [Fact]
    public void Rechaza_un_cfdi32_sin_total_nombrando_el_atributo_de_esa_version()
    {
        var xml = $"""
            <cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" version="3.2" fecha="2015-01-02T03:04:05" subTotal="1" tipoDeComprobante="ingreso">
              <cfdi:Emisor rfc="SORC591116FJ6"/>
              <cfdi:Receptor rfc="COSC8001137NA"/>
              {Complemento}
            </cfdi:Comprobante>
            """;

        Assert.Equal("Falta el atributo obligatorio total en cfdi:Comprobante.", Rechazo(xml));
    }

    [Fact]
    public void Rechaza_un_cfdi_sin_receptor()
    {
        Assert.Equal("Falta el elemento obligatorio cfdi:Receptor en el CFDI.", Rechazo(Cfdi40(receptor: "")));
        Assert.Equal("Falta el elemento obligatorio cfdi:Emisor en el CFDI.", Rechazo(Cfdi40(emisor: """<x:Emisor xmlns:x="urn:otro" Rfc="EKU9003173C9"/>""")));
    }

    [Theory]
    [InlineData("""Total="116.00" """, """Total="1,116.00" """, "Total", "cfdi:Comprobante")]
    [InlineData("""Total="116.00" """, """Total="-116.00" """, "Total", "cfdi:Comprobante")]
    [InlineData("""Fecha="2024-05-10T09:30:00" """, """Fecha="10/05/2024" """, "Fecha", "cfdi:Comprobante")]
    [InlineData("""Fecha="2024-05-10T09:30:00" """, """Fecha="2024-02-30T09:30:00" """, "Fecha", "cfdi:Comprobante")]
    [InlineData("""Fecha="2024-05-10T09:30:00" """, """Fecha="2024-05-10T09:30:00 hora local" """, "Fecha", "cfdi:Comprobante")]
    [InlineData("""TipoDeComprobante="I" """, """TipoDeComprobante="ingreso" """, "TipoDeComprobante", "cfdi:Comprobante")]
    public void Rechaza_valores_no_validos_en_el_comprobante(string original, string reemplazo, string atributo, string elemento)
    {
        Assert.Equal(
            $"El atributo {atributo} en {elemento} no tiene un valor válido.",
            Rechazo(Cfdi40(comprobante: Comprobante.Replace(original, reemplazo))));
    }

    [Fact]
    public void Rechaza_un_uuid_que_no_es_un_uuid()
    {
        var complemento = Complemento.Replace("6B1E8A3C-2F4D-4E5A-9B7C-8D9E0F1A2B3C", "../../etc/passwd");

        Assert.Equal("El atributo UUID en tfd:TimbreFiscalDigital no tiene un valor válido.", Rechazo(Cfdi40(complemento: complemento)));
    }

    /// <summary>Like an upload body: no length, no seeking; counts what the reader pulls.</summary>
    private sealed class FlujoSinBusqueda(Stream interno) : Stream
    {
        public long Leidos { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var leidos = interno.Read(buffer, offset, count);
            Leidos += leidos;
            return leidos;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
