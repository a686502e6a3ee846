using AccesoDescargas.Fiscal;
using System.Text;
using AccesoDescargas.Features.Representacion;

namespace AccesoDescargas.Tests.Features.Representacion;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class CfdiDocumentoReaderTests
{
    [Fact]
    public void Lee_cfdi40_completo()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi40(conceptos: CfdiXml.Concepto40("Mantenimiento", "1034.91", descuento: "10.00")));

        Assert.Equal("4.0", doc.Version);
        Assert.Equal(("F", "1024", "2024-05-10T11:58:31", "64000"), (doc.Serie, doc.Folio, doc.Fecha, doc.LugarExpedicion));
        Assert.Equal(("I", "03", "PUE", "MXN", "01"), (doc.TipoDeComprobante, doc.FormaPago, doc.MetodoPago, doc.Moneda, doc.Exportacion));
        Assert.Equal((1034.91m, 0m, 1200.50m), (doc.SubTotal, doc.Descuento, doc.Total));
        Assert.Equal("00001000000512345670", doc.NoCertificado);
        Assert.EndsWith("Xy9QkA==", doc.Sello);
        Assert.Equal(new CfdiEmisor { Rfc = CfdiXml.RfcEmisor, Nombre = "TALLERES ALFA", RegimenFiscal = "601" }, doc.Emisor);
        Assert.Equal(new CfdiReceptor
        {
            Rfc = CfdiXml.RfcReceptor, Nombre = "JUAN PÉREZ GÓMEZ", UsoCfdi = "G03", DomicilioFiscal = "06700", RegimenFiscal = "612",
        }, doc.Receptor);
        Assert.Equal([new CfdiRelacionado("04", "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D")], doc.Relacionados);

        var concepto = Assert.Single(doc.Conceptos);
        Assert.Equal(new CfdiConcepto
        {
            ClaveProdServ = "81112100", Cantidad = 1, ClaveUnidad = "E48", Unidad = "Servicio", Descripcion = "Mantenimiento",
            ValorUnitario = 1034.91m, Importe = 1034.91m, Descuento = 10m,
        }, concepto);

        // Only the comprobante-level taxes; each concepto's own Traslado is not a total.
        var impuestos = doc.Impuestos!;
        Assert.Equal((165.59m, 0m), (impuestos.TotalTrasladados, impuestos.TotalRetenidos));
        Assert.Equal([new CfdiImpuesto("002", "Tasa", 0.16m, 1034.91m, 165.59m)], impuestos.Traslados);
        Assert.Equal([new CfdiImpuesto("001", null, null, null, 0m)], impuestos.Retenciones);

        Assert.Equal(new CfdiTimbre
        {
            Version = "1.1", Uuid = CfdiXml.Uuid, FechaTimbrado = "2024-05-10T12:00:05", RfcProvCertif = "SAT970701NN3",
            SelloCfd = CfdiXml.Sello(), NoCertificadoSat = "00001000000712345678", SelloSat = CfdiXml.Sello("SaTsELLo"),
        }, doc.Timbre);
        Assert.Empty(doc.Pagos);
    }

    [Fact]
    public void Lee_cfdi32_con_nombres_en_minuscula_y_tfd10()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi32());

        Assert.Equal(("3.2", "A", "315", "I"), (doc.Version, doc.Serie, doc.Folio, doc.TipoDeComprobante));
        Assert.Equal(("Pago en una sola exhibición", "01", "MONTERREY, NUEVO LEÓN"), (doc.FormaPago, doc.MetodoPago, doc.LugarExpedicion));
        Assert.Equal((862.07m, 1000m, 1m), (doc.SubTotal, doc.Total, doc.TipoCambio));
        Assert.Equal(new CfdiEmisor { Rfc = CfdiXml.RfcEmisor, Nombre = "TALLERES ALFA SA DE CV", RegimenFiscal = "Régimen General de Ley Personas Morales" },
            doc.Emisor);
        Assert.Equal(("XAXX010101000", "PÚBLICO EN GENERAL"), (doc.Receptor.Rfc, doc.Receptor.Nombre));
        var concepto = Assert.Single(doc.Conceptos);
        Assert.Equal((2m, "PIEZA", "BALATAS DELANTERAS", 431.035m, 862.07m),
            (concepto.Cantidad, concepto.Unidad, concepto.Descripcion, concepto.ValorUnitario, concepto.Importe));
        Assert.Equal([new CfdiImpuesto("IVA", "Tasa", 0.16m, null, 137.93m)], doc.Impuestos!.Traslados);

        var tfd = doc.Timbre!;
        Assert.Equal(("1.0", CfdiXml.Uuid32, "2016-08-20T10:31:12", null), (tfd.Version, tfd.Uuid, tfd.FechaTimbrado, tfd.RfcProvCertif));
        Assert.Equal((CfdiXml.Sello("Tr32fInL"), "00001000000301234599", CfdiXml.Sello("sAt32xYz")), (tfd.SelloCfd, tfd.NoCertificadoSat, tfd.SelloSat));
    }

    [Fact]
    public void Lee_pagos20_sin_confundir_sus_impuestos_con_los_del_comprobante()
    {
        var doc = CfdiXml.Leer(CfdiXml.Pago20());

        Assert.Equal("P", doc.TipoDeComprobante);
        Assert.Equal(15000m, doc.MontoTotalPagos);
        var pago = Assert.Single(doc.Pagos);
        Assert.Equal(("2024-05-09T16:20:00", "03", "MXN", 1m, 15000m, "REF-88231"),
            (pago.FechaPago, pago.FormaDePago, pago.Moneda, pago.TipoCambio, pago.Monto, pago.NumOperacion));
        Assert.Equal(
        [
            new CfdiDoctoRelacionado
            {
                IdDocumento = CfdiXml.DoctoPagado1, Serie = "F", Folio = "1001", Moneda = "MXN", NumParcialidad = "1",
                ImpSaldoAnt = 10000m, ImpPagado = 10000m, ImpSaldoInsoluto = 0m,
            },
            new CfdiDoctoRelacionado
            {
                IdDocumento = CfdiXml.DoctoPagado2, Serie = "F", Folio = "1002", Moneda = "MXN", NumParcialidad = "2",
                ImpSaldoAnt = 8000m, ImpPagado = 5000m, ImpSaldoInsoluto = 3000m,
            },
        ], pago.Documentos);
        Assert.Single(doc.Impuestos!.Traslados);
    }

    [Fact]
    public void Lee_pagos10()
    {
        var doc = CfdiXml.Leer(CfdiXml.Pago10());

        var pago = Assert.Single(doc.Pagos);
        Assert.Equal(("02", "USD", 19.1234m, 250m), (pago.FormaDePago, pago.Moneda, pago.TipoCambio, pago.Monto));
        var docto = Assert.Single(pago.Documentos);
        Assert.Equal((CfdiXml.DoctoPagado1, "3", 750m, 250m, 500m),
            (docto.IdDocumento, docto.NumParcialidad, docto.ImpSaldoAnt, docto.ImpPagado, docto.ImpSaldoInsoluto));
        Assert.Null(doc.MontoTotalPagos);
    }

    [Fact]
    public void Ignora_addendas_y_complementos_desconocidos_aunque_repitan_nombres()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi40(
            complemento: """<otro:Traslado xmlns:otro="http://example.com/otro" Impuesto="999" Importe="5"/>""",
            addenda: """
                <cfdi:Addenda>
                  <bfa:Concepto xmlns:bfa="http://www.buzonfiscal.com/ns/addenda/bf/2" Cantidad="x" Descripcion="no"/>
                  <bfa:TimbreFiscalDigital xmlns:bfa="http://www.buzonfiscal.com/ns/addenda/bf/2" UUID="no"/>
                </cfdi:Addenda>
                """));

        Assert.Single(doc.Conceptos);
        Assert.Single(doc.Impuestos!.Traslados);
        Assert.Equal(CfdiXml.Uuid, doc.Timbre!.Uuid);
    }

    [Fact]
    public void Conserva_el_uuid_como_esta_escrito_y_recorta_el_rfc()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi40(rfcEmisor: " A&A050908GT0", timbre: CfdiXml.Tfd11(uuid: "5d1f3a42-8c7b-4e19-a0d6-2b9e4f7c1a35")));

        Assert.Equal("A&A050908GT0", doc.Emisor.Rfc);
        Assert.Equal("5d1f3a42-8c7b-4e19-a0d6-2b9e4f7c1a35", doc.Timbre!.Uuid);
    }

    [Fact]
    public void Sin_timbre_no_hay_tfd()
    {
        var doc = CfdiXml.Leer(CfdiXml.Cfdi40(timbre: " "));

        Assert.Null(doc.Timbre);
    }

    [Theory]
    [InlineData("<a/>")]
    [InlineData("""<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/9" Version="9.0"/>""")]
    [InlineData("""<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" SubTotal="1" Total="1">""")]
    [InlineData("""<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" SubTotal="1" Total="uno"/>""")]
    [InlineData("""<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" SubTotal="1"/>""")]
    public void Rechaza_lo_que_no_es_un_cfdi_legible(string xml)
    {
        Assert.Throws<InvalidDataException>(() => CfdiXml.Leer(xml));
    }

    [Fact]
    public void Rechaza_dtd()
    {
        const string xml = """
            <?xml version="1.0"?>
            <!DOCTYPE cfdi:Comprobante [<!ENTITY x "xxxxxxxxxx">]>
            <cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" SubTotal="1" Total="1" Serie="&x;"/>
            """;

        Assert.Throws<InvalidDataException>(() => CfdiXml.Leer(xml));
    }

    [Fact]
    public void Corta_la_lectura_al_pasar_de_5_MB()
    {
        // Never ends: the limit must stop the read while streaming, not after buffering everything.
        using var flujo = new FlujoInfinito(
            """<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" SubTotal="1" Total="1"><cfdi:Addenda>""",
            """<x:relleno xmlns:x="http://example.com/x">0123456789012345678901234567890123456789</x:relleno>""");

        var ex = Assert.Throws<InvalidDataException>(() => CfdiReader.LeerDocumento(flujo));

        Assert.Contains("5 MB", ex.Message);
        Assert.InRange(flujo.Entregados, CfdiReader.TamanoMaximoPorDefecto, CfdiReader.TamanoMaximoPorDefecto + 1024 * 1024);
    }

    sealed class FlujoInfinito(string inicio, string repetido) : Stream
    {
        readonly byte[] inicio = Encoding.UTF8.GetBytes(inicio);
        readonly byte[] repetido = Encoding.UTF8.GetBytes(repetido);

        public long Entregados { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = 0;
            while (n < count)
            {
                var fuente = Entregados < inicio.Length ? inicio : repetido;
                var posicion = Entregados < inicio.Length ? Entregados : (Entregados - inicio.Length) % repetido.Length;
                buffer[offset + n++] = fuente[posicion];
                Entregados++;
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
