using Xunit;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Accesos;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class ContrasenaPoliticaTests
{
    private const string Corta = "La contraseña debe tener al menos 8 caracteres.";
    private const string EsRfc = "La contraseña no puede ser el RFC.";
    private const string NoCoincide = "La confirmación no coincide con la contraseña.";

    [Theory]
    [InlineData(null, null, null, Corta)]
    [InlineData("", "", "CAMA911215CJ0", Corta)]
    [InlineData("Abc1234", "Abc1234", null, Corta)]
    [InlineData("CAMA911215CJ0", "CAMA911215CJ0", "CAMA911215CJ0", EsRfc)]
    [InlineData("cama911215cj0", "cama911215cj0", " CAMA911215CJ0 ", EsRfc)]
    [InlineData(" aññ801231jk0 ", " aññ801231jk0 ", "AÑÑ801231JK0", EsRfc)]
    [InlineData("Abcd1234", "Abcd1235", null, NoCoincide)]
    [InlineData("Abcd1234", null, "CAMA911215CJ0", NoCoincide)]
    [InlineData("Abcd1234", "abcd1234", "CAMA911215CJ0", NoCoincide)]
    [InlineData("Abcd1234", "Abcd1234", "CAMA911215CJ0", null)]
    [InlineData("12345678", "12345678", null, null)]
    [InlineData("CAMA911215CJ0x", "CAMA911215CJ0x", "CAMA911215CJ0", null)]
    public void Validar(string? contrasena, string? confirmacion, string? rfc, string? mensaje) =>
        Assert.Equal(mensaje, ContrasenaPolitica.Validar(contrasena, confirmacion, rfc));

    [Fact]
    public void Generadas_validas_legibles_y_distintas()
    {
        var generadas = Enumerable.Range(0, 200).Select(_ => ContrasenaPolitica.Generar()).ToList();

        Assert.Equal(200, generadas.Distinct(StringComparer.Ordinal).Count());
        foreach (var g in generadas)
        {
            Assert.True(g.Length >= 12, g);
            Assert.Null(ContrasenaPolitica.Validar(g, g, "CAMA911215CJ0"));
            Assert.Contains(g, char.IsAsciiLetterUpper);
            Assert.Contains(g, char.IsAsciiLetterLower);
            Assert.Contains(g, char.IsAsciiDigit);
            Assert.True(g.All(char.IsAsciiLetterOrDigit), g);
            Assert.DoesNotContain(g, c => "0Oo1lIi".Contains(c));
        }
    }

    [Fact]
    public void Longitud_pedida()
    {
        Assert.Equal(20, ContrasenaPolitica.Generar(20).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => ContrasenaPolitica.Generar(8));
    }
}
