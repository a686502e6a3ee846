using AccesoDescargas.Features.Representacion;

namespace AccesoDescargas.Tests.Features.Representacion;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class CadenaOriginalTfdTests
{
    [Fact]
    public void Tfd11_sin_leyenda()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi40());

        Assert.Equal(
            $"||1.1|{CfdiXml.Uuid}|2024-05-10T12:00:05|SAT970701NN3|{CfdiXml.Sello()}|00001000000712345678||",
            CadenaOriginalTfd.De(doc));
    }

    [Fact]
    public void Tfd11_con_leyenda_colapsa_espacios()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi40(timbre: CfdiXml.Tfd11(leyenda: "  Leyenda   del\tPAC  ")));

        Assert.Equal(
            $"||1.1|{CfdiXml.Uuid}|2024-05-10T12:00:05|SAT970701NN3|Leyenda del PAC|{CfdiXml.Sello()}|00001000000712345678||",
            CadenaOriginalTfd.De(doc));
    }

    [Fact]
    public void Tfd11_conserva_el_separador_de_un_rfc_del_pac_vacio()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi40(timbre: CfdiXml.Tfd11(rfcProvCertif: "")));

        Assert.StartsWith($"||1.1|{CfdiXml.Uuid}|2024-05-10T12:00:05||{CfdiXml.Sello()}|", CadenaOriginalTfd.De(doc));
    }

    [Fact]
    public void Tfd10()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi32());

        Assert.Equal(
            $"||1.0|{CfdiXml.Uuid32}|2016-08-20T10:31:12|{CfdiXml.Sello("Tr32fInL")}|00001000000301234599||",
            CadenaOriginalTfd.De(doc));
    }
}
