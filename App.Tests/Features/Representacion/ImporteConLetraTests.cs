using System.Globalization;
using AccesoDescargas.Features.Representacion;

namespace AccesoDescargas.Tests.Features.Representacion;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class ImporteConLetraTests
{
    [Theory]
    [InlineData("0", "MXN", "CERO PESOS 00/100 M.N.")]
    [InlineData("1", "MXN", "UN PESO 00/100 M.N.")]
    [InlineData("15", "MXN", "QUINCE PESOS 00/100 M.N.")]
    [InlineData("16", "MXN", "DIECISÉIS PESOS 00/100 M.N.")]
    [InlineData("22", "MXN", "VEINTIDÓS PESOS 00/100 M.N.")]
    [InlineData("31", "MXN", "TREINTA Y UN PESOS 00/100 M.N.")]
    [InlineData("100", "MXN", "CIEN PESOS 00/100 M.N.")]
    [InlineData("101", "MXN", "CIENTO UN PESOS 00/100 M.N.")]
    [InlineData("579", "MXN", "QUINIENTOS SETENTA Y NUEVE PESOS 00/100 M.N.")]
    [InlineData("715", "MXN", "SETECIENTOS QUINCE PESOS 00/100 M.N.")]
    [InlineData("999", "MXN", "NOVECIENTOS NOVENTA Y NUEVE PESOS 00/100 M.N.")]
    [InlineData("1000", "MXN", "MIL PESOS 00/100 M.N.")]
    [InlineData("1200.50", "MXN", "MIL DOSCIENTOS PESOS 50/100 M.N.")]
    [InlineData("21001", "MXN", "VEINTIÚN MIL UN PESOS 00/100 M.N.")]
    [InlineData("100000", "MXN", "CIEN MIL PESOS 00/100 M.N.")]
    [InlineData("1000000.99", "MXN", "UN MILLÓN DE PESOS 99/100 M.N.")]
    [InlineData("1001000", "MXN", "UN MILLÓN MIL PESOS 00/100 M.N.")]
    [InlineData("2500000", "MXN", "DOS MILLONES QUINIENTOS MIL PESOS 00/100 M.N.")]
    [InlineData("21000000", "MXN", "VEINTIÚN MILLONES DE PESOS 00/100 M.N.")]
    [InlineData("1000000000", "MXN", "MIL MILLONES DE PESOS 00/100 M.N.")]
    [InlineData("999999999999.99", "MXN",
        "NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE MILLONES NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE PESOS 99/100 M.N.")]
    [InlineData("1000000000000", "MXN", "UN BILLÓN DE PESOS 00/100 M.N.")]
    [InlineData("0.995", "MXN", "UN PESO 00/100 M.N.")]
    [InlineData("12.345", "MXN", "DOCE PESOS 35/100 M.N.")]
    [InlineData("1", "USD", "UN DÓLAR 00/100 USD")]
    [InlineData("2350.07", "USD", "DOS MIL TRESCIENTOS CINCUENTA DÓLARES 07/100 USD")]
    [InlineData("40", "EUR", "CUARENTA EUROS 00/100 EUR")]
    [InlineData("40", "JPY", "CUARENTA 00/100 JPY")]
    [InlineData("40", null, "CUARENTA PESOS 00/100 M.N.")]
    public void Convierte(string total, string? moneda, string esperado)
    {
        Assert.Equal(esperado, ImporteConLetra.Convertir(decimal.Parse(total, CultureInfo.InvariantCulture), moneda));
    }

    [Fact]
    public void Rechaza_negativos()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImporteConLetra.Convertir(-1, "MXN"));
    }
}
