using AccesoDescargas.Features.Representacion;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;

namespace AccesoDescargas.Tests.Features.Representacion;

public class RepresentacionImpresaTests
{
    // A 4×2 RGB PNG.
    static readonly byte[] Logo = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAIAAADwyuo0AAAAEElEQVR4nGM4oaEBRwzIHAB22gjB9Lr9UAAAAABJRU5ErkJggg==");

    public RepresentacionImpresaTests()
    {
        // The test project copies the shipped fonts to <output>/fonts, as the app serves them from wwwroot/fonts.
        FuentesRepresentacion.Registrar(Path.Combine(AppContext.BaseDirectory, "fonts"));
    }

    [Fact]
    public void Factura_muestra_uuid_rfcs_total_e_importe_con_letra()
    {
        var paginas = Generar(CfdiXml.Cfdi40());

        var texto = Assert.Single(paginas).Text;
        Assert.Contains(CfdiXml.Uuid, texto);
        Assert.Contains(CfdiXml.RfcEmisor, texto);
        Assert.Contains(CfdiXml.RfcReceptor, texto);
        Assert.Contains("$1,200.50", texto);
        Assert.Contains(SinEspacios("MIL DOSCIENTOS PESOS 50/100 M.N."), SinEspacios(texto));
        Assert.Contains("FACTURA", texto);
        Assert.Contains("Página 1 de 1", texto);
        Assert.Contains(RepresentacionImpresa.Leyenda, texto);
        Assert.Contains(SinEspacios(CadenaOriginalTfd.De(CfdiXml.Leer(CfdiXml.Cfdi40()))), SinEspacios(texto));
        Assert.Equal(1, paginas[0].Imagenes);
    }

    [Fact]
    public void Trescientos_conceptos_ocupan_varias_paginas_sin_perder_ni_encimar_texto()
    {
        var conceptos = string.Concat(Enumerable.Range(1, 300).Select(i => CfdiXml.Concepto40(i % 25 == 0
            ? $"Concepto número {i:000}. " + string.Concat(Enumerable.Repeat("Refacción con especificación técnica amplia y número de parte. ", 30))
            : $"Concepto número {i:000}")));

        var paginas = Generar(CfdiXml.Cfdi40(conceptos: conceptos));

        var n = paginas.Count;
        Assert.True(n > 1);
        for (var i = 0; i < n; i++)
        {
            Assert.Contains($"Página {i + 1} de {n}", paginas[i].Text);
            Assert.Contains("Descripción", paginas[i].Text);
            SinEncimarNiSalirseDelMargen(paginas[i]);
        }
        var todo = string.Concat(paginas.Select(p => p.Text));
        Assert.All(Enumerable.Range(1, 300), i => Assert.Contains($"Concepto número {i:000}", todo));
        Assert.Contains(CfdiXml.Uuid, paginas[^1].Text);
    }

    [Fact]
    public void Una_descripcion_enorme_sin_espacios_se_corta_al_maximo_del_sat_sin_salirse_del_margen()
    {
        // The reader keeps at most CfdiDocumentoReader.LongitudMaxima characters of any text (SAT's own
        // maximum for a concepto's Descripcion), so rendering cost cannot grow with the input (issue 9).
        var paginas = Generar(CfdiXml.Cfdi40(conceptos: CfdiXml.Concepto40(new string('W', 30_000))));

        var impresas = string.Concat(paginas.Select(p => p.Text)).Count(c => c == 'W');
        Assert.InRange(impresas, CfdiDocumentoReader.LongitudMaxima - 10, CfdiDocumentoReader.LongitudMaxima);
        Assert.All(paginas, SinEncimarNiSalirseDelMargen);
    }

    [Fact]
    public void Cfdi32()
    {
        var texto = Assert.Single(Generar(CfdiXml.Cfdi32())).Text;

        Assert.Contains(CfdiXml.Uuid32, texto);
        Assert.Contains(CfdiXml.RfcEmisor, texto);
        Assert.Contains("XAXX010101000", texto);
        Assert.Contains("$1,000.00", texto);
        Assert.Contains(SinEspacios("MIL PESOS 00/100 M.N."), SinEspacios(texto));
        Assert.Contains("BALATAS DELANTERAS", texto);
    }

    [Fact]
    public void Recibo_de_pago_muestra_pagos_y_documentos_relacionados()
    {
        var paginas = Generar(CfdiXml.Pago20());

        var texto = Assert.Single(paginas).Text;
        Assert.Contains("RECIBO DE PAGO", texto);
        Assert.Contains(CfdiXml.DoctoPagado1, texto);
        Assert.Contains(CfdiXml.DoctoPagado2, texto);
        Assert.Contains("$15,000.00", texto);
        Assert.Contains("$3,000.00", texto);
        Assert.Contains(SinEspacios("QUINCE MIL PESOS 00/100 M.N."), SinEspacios(texto));
        SinEncimarNiSalirseDelMargen(paginas[0]);
    }

    [Fact]
    public void Recibo_de_pago_en_dolares()
    {
        var texto = Assert.Single(Generar(CfdiXml.Pago10())).Text;

        Assert.Contains(SinEspacios("DOSCIENTOS CINCUENTA DÓLARES 00/100 USD"), SinEspacios(texto));
        Assert.Contains("19.1234", texto);
    }

    [Fact]
    public void Sin_timbre_lo_advierte_y_no_dibuja_qr()
    {
        var pagina = Assert.Single(Generar(CfdiXml.Cfdi40(timbre: "")));

        Assert.Contains("COMPROBANTE SIN TIMBRAR", pagina.Text);
        Assert.Equal(0, pagina.Imagenes);
    }

    [Fact]
    public void Con_logo_del_emisor()
    {
        var pagina = Assert.Single(Generar(CfdiXml.Cfdi40(), Logo));

        Assert.Equal(2, pagina.Imagenes);
        SinEncimarNiSalirseDelMargen(pagina);
    }

    [Fact]
    public void Un_logo_ilegible_se_omite()
    {
        var pagina = Assert.Single(Generar(CfdiXml.Cfdi40(), [1, 2, 3, 4]));

        Assert.Equal(1, pagina.Imagenes);
    }

    [Fact]
    public void Genera_varios_documentos_a_la_vez()
    {
        var docs = Enumerable.Range(0, 12).Select(_ => CfdiXml.Leer(CfdiXml.Cfdi40())).ToList();

        var tamanos = new long[docs.Count];
        Parallel.For(0, docs.Count, i =>
        {
            using var pdf = new MemoryStream();
            RepresentacionImpresa.Generar(docs[i], pdf);
            tamanos[i] = pdf.Length;
        });

        Assert.All(tamanos, t => Assert.True(t > 1000));
    }

    /// <summary>What the assertions need from a page, read while PdfPig's document is still open.</summary>
    sealed record Pagina(string Text, int Imagenes, double Ancho, double Alto, List<(string Texto, PdfRectangle Caja)> Palabras);

    static List<Pagina> Generar(string xml, byte[]? logo = null)
    {
        using var pdf = new MemoryStream();
        RepresentacionImpresa.Generar(CfdiXml.Leer(xml), pdf, logo);
        using var documento = PdfDocument.Open(pdf.ToArray());
        return documento.GetPages().Select(p => new Pagina(p.Text, p.GetImages().Count(), p.Width, p.Height,
            p.GetWords().Where(w => !string.IsNullOrWhiteSpace(w.Text)).Select(w => (w.Text, w.BoundingBox)).ToList())).ToList();
    }

    static string SinEspacios(string texto) => string.Concat(texto.Where(c => !char.IsWhiteSpace(c)));

    /// <summary>Every word inside the page margins and no two words overlapping (boxes shrunk a little for glyph overshoot).</summary>
    static void SinEncimarNiSalirseDelMargen(Pagina pagina)
    {
        var cajas = pagina.Palabras;
        foreach (var (texto, caja) in cajas)
            Assert.True(caja.Left >= 35 && caja.Right <= pagina.Ancho - 35 && caja.Bottom >= 15 && caja.Top <= pagina.Alto - 30,
                $"'{texto}' fuera del margen: {caja}");
        for (var i = 0; i < cajas.Count; i++)
        for (var j = i + 1; j < cajas.Count; j++)
        {
            var (a, b) = (cajas[i].Caja, cajas[j].Caja);
            var seEncima = Math.Min(a.Right, b.Right) - Math.Max(a.Left, b.Left) > 0.5
                && Math.Min(a.Top, b.Top) - Math.Max(a.Bottom, b.Bottom) > 1;
            Assert.False(seEncima, $"'{cajas[i].Texto}' se encima con '{cajas[j].Texto}'");
        }
    }
}
