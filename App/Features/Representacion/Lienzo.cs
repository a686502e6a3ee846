using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace AccesoDescargas.Features.Representacion;

/// <summary>
/// Letter-size page flow for <see cref="RepresentacionImpresa"/>: a cursor <see cref="Y"/>, page breaks
/// with a running header, word wrapping and tables that repeat their header on every page.
/// </summary>
internal sealed class Lienzo : IDisposable
{
    public const double Margen = 36;
    public const double AnchoPagina = 612;
    public const double AltoPagina = 792;
    public const double Izquierda = Margen;
    public const double Derecha = AnchoPagina - Margen;
    public const double Ancho = Derecha - Izquierda;
    public const double AltoBarra = 14;

    // The footer (leyenda + page number) lives below Fondo.
    const double Fondo = AltoPagina - 46;
    const double InicioContinuacion = Margen + 22;
    const double PadCelda = 3;
    const double PadFila = 2.5;

    static readonly XColor ColorPrimario = XColor.FromArgb(31, 58, 95);
    static readonly XColor ColorTenue = XColor.FromArgb(234, 238, 244);
    static readonly XColor ColorCebra = XColor.FromArgb(247, 248, 250);
    static readonly XColor ColorLinea = XColor.FromArgb(196, 202, 212);

    public readonly XBrush Tinta = new XSolidBrush(XColor.FromArgb(33, 37, 41));
    public readonly XBrush TintaTenue = new XSolidBrush(XColor.FromArgb(84, 92, 104));
    public readonly XBrush TintaPrimaria = new XSolidBrush(ColorPrimario);
    public readonly XBrush Blanco = XBrushes.White;
    public readonly XBrush FondoPrimario = new XSolidBrush(ColorPrimario);
    public readonly XBrush FondoTenue = new XSolidBrush(ColorTenue);
    readonly XBrush fondoCebra = new XSolidBrush(ColorCebra);
    public readonly XPen Borde = new(ColorLinea, 0.6);
    readonly XPen separador = new(ColorLinea, 0.4);
    readonly XPen lineaEncabezado = new(ColorPrimario, 0.8);

    public readonly XFont Texto = Fuente(7.5);
    public readonly XFont TextoNegrita = Fuente(7.5, negrita: true);
    public readonly XFont Etiqueta = Fuente(6.5, negrita: true);
    public readonly XFont Mini = Fuente(5.8);
    public readonly XFont Titulo = Fuente(8, negrita: true);
    public readonly XFont Grande = Fuente(11.5, negrita: true);

    readonly PdfDocument pdf;
    readonly XGraphics medidor;
    readonly string encabezadoIzquierda;
    readonly string encabezadoDerecha;
    XGraphics? g;
    double inicioPagina;

    private readonly CancellationToken ct;

    /// <param name="ct">Checked at every page and every wrapped text, so a render that runs long can be stopped.</param>
    public Lienzo(PdfDocument pdf, string encabezadoIzquierda, string encabezadoDerecha, CancellationToken ct = default)
    {
        this.ct = ct;
        this.pdf = pdf;
        this.encabezadoIzquierda = encabezadoIzquierda;
        this.encabezadoDerecha = encabezadoDerecha;
        medidor = XGraphics.CreateMeasureContext(new XSize(AnchoPagina, AltoPagina), XGraphicsUnit.Point, XPageDirection.Downwards);
    }

    public double Y { get; set; }
    public XGraphics G => g ?? throw new InvalidOperationException("No hay página abierta.");

    static XFont Fuente(double tamano, bool negrita = false) =>
        new(FuentesRepresentacion.Familia, tamano, negrita ? XFontStyleEx.Bold : XFontStyleEx.Regular);

    public static double Interlineado(XFont fuente) => fuente.GetHeight();

    public void NuevaPagina()
    {
        ct.ThrowIfCancellationRequested();
        g?.Dispose();
        var pagina = pdf.AddPage();
        pagina.Size = PageSize.Letter;
        g = XGraphics.FromPdfPage(pagina);
        Y = Margen;
        if (pdf.PageCount > 1)
        {
            // Continuation pages carry who issued it and which document, in case pages get separated.
            var derecha = Recortar(encabezadoDerecha, Texto, Ancho * 0.6);
            var anchoIzquierda = Ancho - Medir(derecha, Texto) - 12;
            Linea(Recortar(encabezadoIzquierda, TextoNegrita, anchoIzquierda), TextoNegrita, TintaPrimaria, Izquierda, Y, anchoIzquierda);
            Linea(derecha, Texto, TintaTenue, Izquierda, Y, Ancho, XStringAlignment.Far);
            G.DrawLine(lineaEncabezado, Izquierda, Y + 12, Derecha, Y + 12);
            Y = InicioContinuacion;
        }
        inicioPagina = Y;
    }

    /// <summary>Starts a new page unless <paramref name="alto"/> fits below the cursor (or the page is still empty).</summary>
    public void Asegurar(double alto)
    {
        if (Y + alto > Fondo && Y > inicioPagina) NuevaPagina();
    }

    public double Medir(string texto, XFont fuente) => medidor.MeasureString(texto, fuente).Width;

    /// <summary>Word wrap; a word wider than the line (a sello, a long code) is cut between characters.</summary>
    public List<string> Envolver(string texto, XFont fuente, double ancho)
    {
        ct.ThrowIfCancellationRequested();
        var lineas = new List<string>();
        foreach (var parrafo in texto.Replace("\r\n", "\n").Replace('\t', ' ').Split('\n'))
        {
            var actual = "";
            foreach (var palabra in parrafo.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidata = actual.Length == 0 ? palabra : actual + " " + palabra;
                if (Medir(candidata, fuente) <= ancho)
                {
                    actual = candidata;
                    continue;
                }
                if (actual.Length > 0) lineas.Add(actual);
                actual = palabra;
                while (Medir(actual, fuente) > ancho)
                {
                    var n = CaracteresQueCaben(actual, fuente, ancho);
                    lineas.Add(actual[..n]);
                    actual = actual[n..];
                }
            }
            lineas.Add(actual);
        }
        return lineas;
    }

    /// <summary>Cuts a single line to <paramref name="ancho"/>, ending in an ellipsis.</summary>
    public string Recortar(string texto, XFont fuente, double ancho)
    {
        if (Medir(texto, fuente) <= ancho) return texto;
        var n = CaracteresQueCaben(texto, fuente, ancho - Medir("…", fuente));
        return texto[..n].TrimEnd() + "…";
    }

    int CaracteresQueCaben(string texto, XFont fuente, double ancho)
    {
        // A prefix only grows wider, so binary search: a 344-character sello takes ~9 measurements per line, not ~120.
        int cabe = 0, noCabe = texto.Length + 1;
        while (noCabe - cabe > 1)
        {
            var mitad = (cabe + noCabe) / 2;
            if (Medir(texto[..mitad], fuente) <= ancho) cabe = mitad;
            else noCabe = mitad;
        }
        return Math.Max(1, cabe);
    }

    public void Linea(string texto, XFont fuente, XBrush tinta, double x, double y, double ancho,
        XStringAlignment alineacion = XStringAlignment.Near)
    {
        var formato = new XStringFormat { Alignment = alineacion, LineAlignment = XLineAlignment.Near };
        G.DrawString(texto, fuente, tinta, new XRect(x, y, ancho, Interlineado(fuente)), formato);
    }

    /// <summary>Draws the wrapped text (when <paramref name="dibujar"/>) and returns its height.</summary>
    public double Parrafo(string texto, XFont fuente, XBrush tinta, double x, double y, double ancho, bool dibujar = true,
        XStringAlignment alineacion = XStringAlignment.Near)
    {
        var lineas = Envolver(texto, fuente, ancho);
        var lh = Interlineado(fuente);
        if (dibujar)
            for (var i = 0; i < lineas.Count; i++) Linea(lineas[i], fuente, tinta, x, y + i * lh, ancho, alineacion);
        return lineas.Count * lh;
    }

    public void Barra(string titulo, double x, double y, double ancho)
    {
        G.DrawRectangle(FondoPrimario, x, y, ancho, AltoBarra);
        Linea(titulo, Titulo, Blanco, x + 5, y + (AltoBarra - Interlineado(Titulo)) / 2 + 0.5, ancho - 10);
    }

    /// <summary>Label/value rows, values wrapped beside their label; empty values are skipped. Returns the height.</summary>
    public double Campos(double x, double y, double ancho, double anchoEtiqueta, IEnumerable<(string Etiqueta, string? Valor)> campos,
        bool dibujar = true)
    {
        const double entreFilas = 1.5;
        var inicio = y;
        foreach (var (etiqueta, valor) in campos)
        {
            if (string.IsNullOrWhiteSpace(valor)) continue;
            var altoEtiqueta = Parrafo(etiqueta, Etiqueta, TintaTenue, x, y + 0.8, anchoEtiqueta - 4, dibujar);
            var altoValor = Parrafo(valor, Texto, Tinta, x + anchoEtiqueta, y, ancho - anchoEtiqueta, dibujar);
            y += Math.Max(altoEtiqueta, altoValor) + entreFilas;
        }
        return y - inicio;
    }

    public sealed record Columna(string Titulo, double Ancho, XStringAlignment Alineacion = XStringAlignment.Near);

    /// <summary>
    /// A table flowing over as many pages as needed. A row that would be cut moves to the next page;
    /// only a row taller than a whole page is split, line by line.
    /// </summary>
    public void Tabla(string? titulo, IReadOnlyList<Columna> columnas, IEnumerable<string[]> filas)
    {
        var lh = Interlineado(Texto);
        var lhEncabezado = Interlineado(Etiqueta);
        var encabezado = columnas.Select(c => Envolver(c.Titulo, Etiqueta, c.Ancho - 2 * PadCelda)).ToArray();
        var altoEncabezado = encabezado.Max(l => l.Count) * lhEncabezado + 2 * PadFila;
        var lineasPorPaginaNueva = (int)Math.Floor((Fondo - InicioContinuacion - altoEncabezado - 2 * PadFila) / lh);
        var conEncabezado = false;
        var numeroFila = 0;

        foreach (var fila in filas)
        {
            var celdas = columnas.Select((c, i) => Envolver(fila[i], Texto, c.Ancho - 2 * PadCelda)).ToArray();
            var total = celdas.Max(c => c.Count);
            var desde = 0;
            while (desde < total)
            {
                if (!conEncabezado)
                {
                    var altoTitulo = titulo is null ? 0 : AltoBarra;
                    Asegurar(altoTitulo + altoEncabezado + lh + 2 * PadFila);
                    if (titulo is not null)
                    {
                        Barra(titulo, Izquierda, Y, Ancho);
                        Y += AltoBarra;
                        titulo = null;
                    }
                    Encabezado(columnas, encabezado, altoEncabezado);
                    conEncabezado = true;
                }
                var caben = (int)Math.Floor((Fondo - Y - 2 * PadFila) / lh);
                var faltan = total - desde;
                if (caben < 1 || (caben < faltan && desde == 0 && faltan <= lineasPorPaginaNueva))
                {
                    NuevaPagina();
                    conEncabezado = false;
                    continue;
                }
                var hasta = desde + Math.Min(caben, faltan);
                var alto = (hasta - desde) * lh + 2 * PadFila;
                // Starts just below the previous row's separator so the shading does not paint over it.
                if (numeroFila % 2 == 1) G.DrawRectangle(fondoCebra, Izquierda, Y + 0.3, Ancho, alto - 0.3);
                var x = Izquierda;
                for (var c = 0; c < columnas.Count; c++)
                {
                    for (var i = desde; i < Math.Min(hasta, celdas[c].Count); i++)
                        Linea(celdas[c][i], Texto, Tinta, x + PadCelda, Y + PadFila + (i - desde) * lh, columnas[c].Ancho - 2 * PadCelda,
                            columnas[c].Alineacion);
                    x += columnas[c].Ancho;
                }
                Y += alto;
                G.DrawLine(separador, Izquierda, Y, Derecha, Y);
                desde = hasta;
                if (desde < total)
                {
                    NuevaPagina();
                    conEncabezado = false;
                }
            }
            numeroFila++;
        }
    }

    void Encabezado(IReadOnlyList<Columna> columnas, List<string>[] titulos, double alto)
    {
        G.DrawRectangle(FondoTenue, Izquierda, Y, Ancho, alto);
        var x = Izquierda;
        for (var c = 0; c < columnas.Count; c++)
        {
            for (var i = 0; i < titulos[c].Count; i++)
                Linea(titulos[c][i], Etiqueta, TintaPrimaria, x + PadCelda, Y + PadFila + i * Interlineado(Etiqueta), columnas[c].Ancho - 2 * PadCelda,
                    columnas[c].Alineacion);
            x += columnas[c].Ancho;
        }
        Y += alto;
        G.DrawLine(lineaEncabezado, Izquierda, Y, Derecha, Y);
    }

    /// <summary>Footer on every page; runs last because "Página X de Y" needs the final page count.</summary>
    public void Pies(string leyenda)
    {
        g?.Dispose();
        g = null;
        var totalPaginas = pdf.PageCount;
        for (var i = 0; i < totalPaginas; i++)
        {
            using var pie = XGraphics.FromPdfPage(pdf.Pages[i], XGraphicsPdfPageOptions.Append);
            var y = Fondo + 14;
            pie.DrawLine(Borde, Izquierda, y, Derecha, y);
            var formato = new XStringFormat { Alignment = XStringAlignment.Near, LineAlignment = XLineAlignment.Near };
            pie.DrawString(leyenda, Texto, TintaTenue, new XRect(Izquierda, y + 4, Ancho * 0.75, 10), formato);
            formato.Alignment = XStringAlignment.Far;
            pie.DrawString($"Página {i + 1} de {totalPaginas}", Texto, TintaTenue, new XRect(Izquierda, y + 4, Ancho, 10), formato);
        }
    }

    public void Dispose()
    {
        g?.Dispose();
        medidor.Dispose();
    }
}
