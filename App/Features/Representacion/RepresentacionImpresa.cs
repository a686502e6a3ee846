using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using QRCoder;
using static AccesoDescargas.Features.Representacion.Lienzo;

namespace AccesoDescargas.Features.Representacion;

/// <summary>The printed representation ("representación impresa") of a CFDI as a letter-size PDF.</summary>
public static class RepresentacionImpresa
{
    public const string Leyenda = "Este documento es una representación impresa de un CFDI";

    static readonly CultureInfo Invariante = CultureInfo.InvariantCulture;

    /// <param name="destino">Receives the PDF; left open.</param>
    /// <param name="logoEmisor">PNG or JPEG for the header; one PDFsharp cannot read is left out rather than failing the document.</param>
    /// <exception cref="InvalidOperationException"><see cref="FuentesRepresentacion.Registrar"/> has not been called.</exception>
    /// <param name="ct">Stops a render that runs too long (<see cref="OperationCanceledException"/>).</param>
    public static void Generar(CfdiDocumento doc, Stream destino, byte[]? logoEmisor = null, CancellationToken ct = default)
    {
        if (!FuentesRepresentacion.Registrada)
            throw new InvalidOperationException("Llame a FuentesRepresentacion.Registrar(carpeta) al iniciar la aplicación.");

        using var pdf = new PdfDocument();
        pdf.Info.Title = $"{NombreDelTipo(doc)} {SerieFolio(doc) ?? doc.Timbre?.Uuid}".Trim();
        pdf.Info.Author = doc.Emisor.Nombre ?? doc.Emisor.Rfc;
        pdf.Info.Creator = "AccesoDescargas";

        // XImage reads its stream lazily, so both streams must outlive pdf.Save.
        using var logoFlujo = logoEmisor is null ? null : Flujo(logoEmisor);
        using var logo = logoFlujo is null ? null : Logo(logoFlujo);
        using var qrFlujo = doc.Timbre is null ? null : Flujo(Qr(CfdiQr.Url(doc)));
        using var qr = qrFlujo is null ? null : XImage.FromStream(qrFlujo);
        if (qr is not null) qr.Interpolate = false;

        var documento = $"{NombreDelTipo(doc)} {SerieFolio(doc)}".Trim();
        var derecha = doc.Timbre is null ? documento : $"{documento} · Folio fiscal {doc.Timbre.Uuid}";
        using (var l = new Lienzo(pdf, doc.Emisor.Nombre ?? doc.Emisor.Rfc, derecha, ct))
        {
            l.NuevaPagina();
            Encabezado(l, doc, logo);
            Receptor(l, doc);
            Relacionados(l, doc);
            Conceptos(l, doc);
            if (doc.TipoDeComprobante == "P") Pagos(l, doc);
            else Resumen(l, doc);
            Timbre(l, doc, qr);
            l.Pies(Leyenda);
        }
        pdf.Save(destino, closeStream: false);
    }

    public static string NombreDelTipo(CfdiDocumento doc) => doc.TipoDeComprobante switch
    {
        "I" => "Factura",
        "E" => "Nota de crédito",
        "P" => "Recibo de pago",
        "T" => "Traslado",
        "N" => "Recibo de nómina",
        _ => "CFDI",
    };

    static void Encabezado(Lienzo l, CfdiDocumento doc, XImage? logo)
    {
        const double anchoCaja = 222;
        var top = l.Y;
        var xCaja = Derecha - anchoCaja;
        var x = Izquierda;
        var ancho = xCaja - 14 - Izquierda;
        var fondoIzquierda = top;

        if (logo is not null)
        {
            var escala = Math.Min(100 / logo.PointWidth, 64 / logo.PointHeight);
            var (w, h) = (logo.PointWidth * escala, logo.PointHeight * escala);
            l.G.DrawImage(logo, x, top, w, h);
            x += w + 10;
            ancho -= w + 10;
            fondoIzquierda = top + h;
        }

        var y = top + l.Parrafo(doc.Emisor.Nombre ?? doc.Emisor.Rfc, l.Grande, l.TintaPrimaria, x, top, ancho) + 3;
        y += l.Campos(x, y, ancho, 78,
        [
            ("RFC", doc.Emisor.Rfc),
            ("Régimen fiscal", CatalogosSat.RegimenFiscal(doc.Emisor.RegimenFiscal)),
            ("Lugar de expedición", doc.LugarExpedicion),
        ]);
        fondoIzquierda = Math.Max(fondoIzquierda, y);

        l.Barra(NombreDelTipo(doc).ToUpperInvariant(), xCaja, top, anchoCaja);
        var yCaja = top + AltoBarra + 4;
        yCaja += l.Campos(xCaja + 5, yCaja, anchoCaja - 10, 66,
        [
            ("Serie y folio", SerieFolio(doc)),
            ("Fecha de emisión", Fecha(doc.Fecha)),
            ("Tipo", CatalogosSat.TipoDeComprobante(doc.TipoDeComprobante)),
            ("Versión CFDI", doc.Version),
            ("Exportación", CatalogosSat.Exportacion(doc.Exportacion)),
        ]) + 1;
        // The UUID gets a full-width line of its own: beside a label it would wrap.
        l.Linea("Folio fiscal", l.Etiqueta, l.TintaTenue, xCaja + 5, yCaja, anchoCaja - 10);
        yCaja += Interlineado(l.Etiqueta) + 0.5;
        yCaja += l.Parrafo(doc.Timbre?.Uuid ?? "Sin timbrar", l.TextoNegrita, l.TintaPrimaria, xCaja + 5, yCaja, anchoCaja - 10) + 3;
        var alto = yCaja - top;
        l.G.DrawRectangle(l.Borde, xCaja, top, anchoCaja, alto);

        l.Y = Math.Max(fondoIzquierda, top + alto) + 10;
    }

    static void Receptor(Lienzo l, CfdiDocumento doc)
    {
        const double anchoIzquierda = 290;
        (string, string?)[] izquierda = [("RFC", doc.Receptor.Rfc), ("Nombre", doc.Receptor.Nombre)];
        (string, string?)[] derecha =
        [
            ("Uso del CFDI", CatalogosSat.UsoCfdi(doc.Receptor.UsoCfdi)),
            ("Domicilio fiscal", doc.Receptor.DomicilioFiscal),
            ("Régimen fiscal", CatalogosSat.RegimenFiscal(doc.Receptor.RegimenFiscal)),
        ];
        var xDerecha = Izquierda + anchoIzquierda + 10;
        var anchoDerecha = Derecha - 5 - xDerecha;
        double Bloque(bool dibujar, double y) => Math.Max(
            l.Campos(Izquierda + 5, y, anchoIzquierda - 5, 40, izquierda, dibujar),
            l.Campos(xDerecha, y, anchoDerecha, 74, derecha, dibujar));

        var alto = AltoBarra + 4 + Bloque(false, 0) + 2;
        l.Asegurar(alto);
        l.Barra("RECEPTOR", Izquierda, l.Y, Ancho);
        Bloque(true, l.Y + AltoBarra + 4);
        l.G.DrawRectangle(l.Borde, Izquierda, l.Y, Ancho, alto);
        l.Y += alto + 10;
    }

    static void Relacionados(Lienzo l, CfdiDocumento doc)
    {
        if (doc.Relacionados.Count == 0) return;
        l.Tabla("CFDI RELACIONADOS", [new("Tipo de relación", 320), new("Folio fiscal", Ancho - 320)],
            doc.Relacionados.Select(r => new[] { CatalogosSat.TipoDeRelacion(r.TipoRelacion) ?? "", r.Uuid }));
        l.Y += 10;
    }

    static void Conceptos(Lienzo l, CfdiDocumento doc)
    {
        // 3.2 has no SAT keys and most invoices carry no discounts: drop empty columns to widen Descripción.
        var conClave = doc.Conceptos.Any(c => c.ClaveProdServ is not null);
        var conDescuento = doc.Conceptos.Any(c => c.Descuento is > 0);
        var columnas = new List<(Columna Columna, Func<CfdiConcepto, string> Valor)>
        {
            (new("Cantidad", 46, XStringAlignment.Far), c => Cantidad(c.Cantidad)),
        };
        if (conClave) columnas.Add((new("Clave prod./serv.", 52), c => c.ClaveProdServ ?? ""));
        columnas.Add((new("Unidad", 64), c => string.Join(" - ", new[] { c.ClaveUnidad, c.Unidad }.Where(u => u is not null))));
        var importes = new List<(Columna Columna, Func<CfdiConcepto, string> Valor)>
        {
            (new("Valor unitario", 68, XStringAlignment.Far), c => Dinero(c.ValorUnitario)),
        };
        if (conDescuento) importes.Add((new("Descuento", 60, XStringAlignment.Far), c => c.Descuento is { } d ? Dinero(d) : ""));
        importes.Add((new("Importe", 70, XStringAlignment.Far), c => Dinero(c.Importe)));
        var anchoDescripcion = Ancho - columnas.Concat(importes).Sum(c => c.Columna.Ancho);
        columnas.Add((new("Descripción", anchoDescripcion), c => c.Descripcion));
        columnas.AddRange(importes);

        l.Tabla("CONCEPTOS", columnas.Select(c => c.Columna).ToList(),
            doc.Conceptos.Select(concepto => columnas.Select(c => c.Valor(concepto)).ToArray()));
        l.Y += 10;
    }

    static void Resumen(Lienzo l, CfdiDocumento doc)
    {
        const double anchoTotales = 214;
        var anchoIzquierda = Ancho - anchoTotales - 14;
        var moneda = doc.Moneda ?? "MXN";
        (string, string?)[] pago =
        [
            ("Importe con letra", moneda == "XXX" ? null : ImporteConLetra.Convertir(doc.Total, moneda)),
            ("Moneda", Moneda(moneda, doc.TipoCambio)),
            ("Forma de pago", CatalogosSat.FormaDePago(doc.FormaPago)),
            // 3.2's metodoDePago held what 3.3 calls FormaPago (01 efectivo, 04 tarjeta...).
            ("Método de pago", doc.Version == "3.2" ? CatalogosSat.FormaDePago(doc.MetodoPago) : CatalogosSat.MetodoDePago(doc.MetodoPago)),
            ("Condiciones de pago", doc.CondicionesDePago),
        ];

        var renglones = new List<(string Etiqueta, string Valor)> { ("Subtotal", Dinero(doc.SubTotal)) };
        if (doc.Descuento is > 0) renglones.Add(("Descuento", Dinero(-doc.Descuento.Value)));
        foreach (var t in doc.Impuestos?.Traslados ?? [])
            renglones.Add(($"{CatalogosSat.Impuesto(t.Impuesto)} trasladado {Tasa(t)}".TrimEnd(), t.Importe is { } i ? Dinero(i) : "Exento"));
        foreach (var r in doc.Impuestos?.Retenciones ?? [])
            renglones.Add(($"{CatalogosSat.Impuesto(r.Impuesto)} retenido {Tasa(r)}".TrimEnd(), r.Importe is { } i ? Dinero(-i) : ""));

        var lh = Interlineado(l.Texto) + 3;
        var altoTotal = Interlineado(l.Titulo) + 6;
        var altoTotales = renglones.Count * lh + 4 + altoTotal;
        var altoPago = l.Campos(Izquierda, 0, anchoIzquierda, 86, pago, dibujar: false);
        l.Asegurar(Math.Max(altoTotales, altoPago));

        var top = l.Y;
        l.Campos(Izquierda, top, anchoIzquierda, 86, pago);

        var x = Derecha - anchoTotales;
        var y = top + 2;
        foreach (var (etiqueta, valor) in renglones)
        {
            var anchoEtiqueta = anchoTotales - 16 - l.Medir(valor, l.Texto);
            l.Linea(l.Recortar(etiqueta, l.Texto, anchoEtiqueta), l.Texto, l.TintaTenue, x + 5, y, anchoEtiqueta);
            l.Linea(valor, l.Texto, l.Tinta, x, y, anchoTotales - 5, XStringAlignment.Far);
            y += lh;
        }
        l.G.DrawRectangle(l.FondoPrimario, x, y + 2, anchoTotales, altoTotal);
        l.Linea("Total", l.Titulo, l.Blanco, x + 5, y + 5, 60);
        l.Linea(Dinero(doc.Total), l.Titulo, l.Blanco, x, y + 5, anchoTotales - 5, XStringAlignment.Far);
        l.G.DrawRectangle(l.Borde, x, top, anchoTotales, altoTotales);

        l.Y = top + Math.Max(altoTotales, altoPago) + 12;
    }

    static void Pagos(Lienzo l, CfdiDocumento doc)
    {
        Columna[] columnas =
        [
            new("Folio fiscal del documento", 168), new("Serie y folio", 66), new("Moneda", 42, XStringAlignment.Center),
            new("Parcialidad", 46, XStringAlignment.Center), new("Saldo anterior", 72, XStringAlignment.Far),
            new("Importe pagado", 74, XStringAlignment.Far), new("Saldo insoluto", 72, XStringAlignment.Far),
        ];
        for (var i = 0; i < doc.Pagos.Count; i++)
        {
            var p = doc.Pagos[i];
            var moneda = p.Moneda ?? "MXN";
            (string, string?)[] izquierda =
            [
                ("Fecha de pago", p.FechaPago is null ? null : Fecha(p.FechaPago)),
                ("Forma de pago", CatalogosSat.FormaDePago(p.FormaDePago)),
                ("Núm. de operación", p.NumOperacion),
            ];
            (string, string?)[] derecha =
            [
                ("Monto", Dinero(p.Monto)),
                ("Moneda", Moneda(moneda, p.TipoCambio)),
                ("Importe con letra", ImporteConLetra.Convertir(p.Monto, moneda)),
            ];
            const double anchoIzquierda = 230;
            double Bloque(bool dibujar, double y) => Math.Max(
                l.Campos(Izquierda + 5, y, anchoIzquierda - 5, 72, izquierda, dibujar),
                l.Campos(Izquierda + anchoIzquierda + 10, y, Ancho - anchoIzquierda - 15, 72, derecha, dibujar));

            var alto = AltoBarra + 4 + Bloque(false, 0) + 2;
            // Keep the pago's data with the start of its documents table.
            l.Asegurar(alto + 40);
            l.Barra(doc.Pagos.Count == 1 ? "PAGO" : $"PAGO {i + 1} DE {doc.Pagos.Count}", Izquierda, l.Y, Ancho);
            Bloque(true, l.Y + AltoBarra + 4);
            l.G.DrawRectangle(l.Borde, Izquierda, l.Y, Ancho, alto);
            l.Y += alto;

            l.Tabla(null, columnas, p.Documentos.Select(d => new[]
            {
                d.IdDocumento,
                string.Join("-", new[] { d.Serie, d.Folio }.Where(s => s is not null)),
                d.Moneda ?? "",
                d.NumParcialidad ?? "",
                d.ImpSaldoAnt is { } ant ? Dinero(ant) : "",
                d.ImpPagado is { } pagado ? Dinero(pagado) : "",
                d.ImpSaldoInsoluto is { } insoluto ? Dinero(insoluto) : "",
            }));
            l.Y += 10;
        }

        if (doc.MontoTotalPagos is { } montoTotal)
        {
            l.Asegurar(14);
            l.Linea($"Monto total de pagos: {Dinero(montoTotal)}", l.TextoNegrita, l.Tinta, Izquierda, l.Y, Ancho, XStringAlignment.Far);
            l.Y += 16;
        }
    }

    static void Timbre(Lienzo l, CfdiDocumento doc, XImage? qr)
    {
        var t = doc.Timbre;
        if (t is null)
        {
            const string aviso = "Este comprobante no contiene el Timbre Fiscal Digital del SAT, por lo que aún no es un comprobante fiscal.";
            var altoAviso = AltoBarra + 4 + l.Parrafo(aviso, l.Texto, l.Tinta, 0, 0, Ancho - 10, dibujar: false) + 4;
            l.Asegurar(altoAviso);
            l.Barra("COMPROBANTE SIN TIMBRAR", Izquierda, l.Y, Ancho);
            l.Parrafo(aviso, l.Texto, l.Tinta, Izquierda + 5, l.Y + AltoBarra + 4, Ancho - 10);
            l.G.DrawRectangle(l.Borde, Izquierda, l.Y, Ancho, altoAviso);
            l.Y += altoAviso;
            return;
        }

        const double lado = 100;
        var x = Izquierda + 5 + lado + 12;
        var ancho = Derecha - 5 - x;
        (string, string?)[] datos =
        [
            ("Folio fiscal", t.Uuid),
            ("Fecha de timbrado", Fecha(t.FechaTimbrado)),
            ("RFC del PAC", t.RfcProvCertif),
            ("No. de certificado del emisor", doc.NoCertificado),
            ("No. de certificado del SAT", t.NoCertificadoSat),
        ];
        (string, string)[] sellos =
        [
            ("Sello digital del CFDI", t.SelloCfd),
            ("Sello digital del SAT", t.SelloSat),
            ("Cadena original del complemento de certificación digital del SAT", CadenaOriginalTfd.De(doc)),
        ];
        double Derecho(bool dibujar, double y)
        {
            var inicio = y;
            y += l.Campos(x, y, ancho, 118, datos, dibujar) + 3;
            foreach (var (etiqueta, valor) in sellos)
            {
                if (dibujar) l.Linea(etiqueta, l.Etiqueta, l.TintaTenue, x, y, ancho);
                y += Interlineado(l.Etiqueta) + 0.5;
                y += l.Parrafo(valor, l.Mini, l.Tinta, x, y, ancho, dibujar) + 3;
            }
            return y - inicio;
        }

        var alto = AltoBarra + 6 + Math.Max(lado, Derecho(false, 0)) + 4;
        l.Asegurar(alto);
        l.Barra("TIMBRE FISCAL DIGITAL", Izquierda, l.Y, Ancho);
        var y = l.Y + AltoBarra + 6;
        l.G.DrawImage(qr!, Izquierda + 5, y, lado, lado);
        Derecho(true, y);
        l.G.DrawRectangle(l.Borde, Izquierda, l.Y, Ancho, alto);
        l.Y += alto;
    }

    // PDFsharp only imports some PNG variants (no 16-bit, no 1-bit grayscale); an uploaded logo is decoration,
    // so a fiscal document must still print without it.
    static XImage? Logo(MemoryStream flujo)
    {
        try
        {
            return XImage.FromStream(flujo);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    // PDFsharp reads the image through GetBuffer(), which a MemoryStream only allows when publicly visible.
    static MemoryStream Flujo(byte[] bytes) => new(bytes, 0, bytes.Length, writable: false, publiclyVisible: true);

    static byte[] Qr(string contenido)
    {
        using var generador = new QRCodeGenerator();
        using var datos = generador.CreateQrCode(contenido, QRCodeGenerator.ECCLevel.M);
        // Explicit colours make QRCoder write a 1-bit palette PNG, which PDFsharp imports (its default 1-bit
        // grayscale is rejected); 8 px per module keeps rows byte-aligned for that importer.
        return new PngByteQRCode(datos).GetGraphic(8, [0, 0, 0, 255], [255, 255, 255, 255]);
    }

    static string? SerieFolio(CfdiDocumento doc) =>
        doc.Serie is null && doc.Folio is null ? null : string.Join("-", new[] { doc.Serie, doc.Folio }.Where(s => s is not null));

    static string Fecha(string fecha) => fecha.Replace('T', ' ');

    static string Moneda(string moneda, decimal? tipoCambio) =>
        tipoCambio is { } tc && tc != 1 ? $"{moneda} (tipo de cambio {tc.ToString("0.######", Invariante)})" : moneda;

    /// <summary>es-MX money: $1,234.56, keeping up to six decimals when the XML has them.</summary>
    static string Dinero(decimal valor) => (valor < 0 ? "-$" : "$") + Math.Abs(valor).ToString("#,##0.00####", Invariante);

    static string Cantidad(decimal valor) => valor.ToString("#,##0.######", Invariante);

    static string Tasa(CfdiImpuesto impuesto) => (impuesto.TipoFactor, impuesto.TasaOCuota) switch
    {
        ("Exento", _) => "",
        ("Cuota", { } cuota) => $"(cuota {cuota.ToString("0.######", Invariante)})",
        (_, { } tasa) => (tasa * 100).ToString("0.####", Invariante) + "%",
        _ => "",
    };
}
