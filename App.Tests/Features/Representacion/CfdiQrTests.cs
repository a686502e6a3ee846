using AccesoDescargas.Fiscal;
using AccesoDescargas.Features.Representacion;

namespace AccesoDescargas.Tests.Features.Representacion;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class CfdiQrTests
{
    // Golden values from CFDI.md; the XML reproduces only their inputs (UUID, RFCs, total, end of the sello).
    [Fact]
    public void Cfdi40_coincide_con_el_valor_de_referencia()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi40(
            total: "459.36", rfcEmisor: "CSM190311AH6", rfcReceptor: "MCI7306249Y1", sello: CfdiXml.Sello("5tSZhA=="),
            timbre: CfdiXml.Tfd11(uuid: "04BF2854-FE7D-4377-9196-71248F060ABB")));

        Assert.Equal(
            "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id=04BF2854-FE7D-4377-9196-71248F060ABB&re=CSM190311AH6&rr=MCI7306249Y1&tt=459.36&fe=5tSZhA==",
            CfdiQr.Url(doc));
    }

    [Fact]
    public void Cfdi33_coincide_con_el_valor_de_referencia()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi33("CEE4BE01-ADFA-4DEB-8421-ADD60F0BEDAC", "POT9207213D6", "DIM8701081LA", "2010.01", CfdiXml.Sello("/OAgdg==")));

        Assert.Equal(
            "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id=CEE4BE01-ADFA-4DEB-8421-ADD60F0BEDAC&re=POT9207213D6&rr=DIM8701081LA&tt=2010.01&fe=/OAgdg==",
            CfdiQr.Url(doc));
    }

    [Fact]
    public void Escribe_el_ampersand_del_rfc_como_entidad()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi40(rfcEmisor: "A&A050908GT0", total: "1"));

        Assert.Contains("&re=A&amp;A050908GT0&rr=", CfdiQr.Url(doc));
        Assert.Contains("&tt=1.0&", CfdiQr.Url(doc));
    }

    [Theory]
    [InlineData("1", "1.0")]
    [InlineData("0", "0.0")]
    [InlineData("459.360000", "459.36")]
    [InlineData("0.1234567", "0.123457")]
    [InlineData("2382870", "2382870.0")]
    [InlineData("1000.5", "1000.5")]
    public void Formatea_el_total(string total, string esperado)
    {
        Assert.Equal(esperado, CfdiQr.Total(decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Cfdi32_usa_el_formato_anterior()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi32());

        Assert.Equal($"?re={CfdiXml.RfcEmisor}&rr=XAXX010101000&tt=0000001000.000000&id={CfdiXml.Uuid32}", CfdiQr.Url(doc));
    }

    [Fact]
    public void Sin_timbre_no_hay_qr()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi40(timbre: ""));

        Assert.Throws<InvalidOperationException>(() => CfdiQr.Url(doc));
    }
}
