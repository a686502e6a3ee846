using Xunit;
using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Tests.Features.Clientes;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class RfcTests
{
    [Theory]
    [InlineData("CAMA911215CJ0", RfcTipo.Fisica)]
    [InlineData("COSC8001137NA", RfcTipo.Fisica)]
    [InlineData("SORC591116FJ6", RfcTipo.Fisica)]
    [InlineData("DIM8701081LA", RfcTipo.Moral)]
    [InlineData("A&A050908GT0", RfcTipo.Moral)]
    [InlineData("SAT970701NN3", RfcTipo.Moral)]
    [InlineData("AÑÑ801231JK0", RfcTipo.Moral)]
    [InlineData("EKU9003173C9", RfcTipo.Moral)]
    [InlineData("POT9207213D6", RfcTipo.Moral)]
    [InlineData("CSM190311AH6", RfcTipo.Moral)]
    [InlineData("H&E951128469", RfcTipo.Moral)]
    [InlineData("XIQB891116QE4", RfcTipo.Fisica)]
    [InlineData("ICV060329BY0", RfcTipo.Moral)]
    public void Digito_verificador_correcto(string rfc, RfcTipo tipo)
    {
        var v = Rfc.Validar(rfc);

        Assert.True(v.EsValido, v.Error);
        Assert.Null(v.Error);
        Assert.True(v.DigitoVerificadorCorrecto);
        Assert.Null(v.Advertencia);
        Assert.Equal(tipo, v.Tipo);
        Assert.Equal(rfc, v.Rfc);
        Assert.Equal(rfc[^1], Rfc.DigitoVerificador(rfc));
    }

    [Theory]
    [InlineData("COSC8001137N9", 'A')]
    [InlineData("MCI7306249Y1", null)]
    [InlineData("AAA010101AAA", null)]
    [InlineData("BASJ600902KL9", null)]
    [InlineData("E&Ñ831019M53", null)]
    public void Digito_verificador_incorrecto_solo_advierte(string rfc, char? esperado)
    {
        var v = Rfc.Validar(rfc);

        Assert.True(v.EsValido, v.Error);
        Assert.Null(v.Error);
        Assert.False(v.DigitoVerificadorCorrecto);
        var digito = Rfc.DigitoVerificador(rfc)!.Value;
        Assert.NotEqual(rfc[^1], digito);
        if (esperado is not null) Assert.Equal(esperado, digito);
        Assert.Equal(
            $"El dígito verificador del RFC no coincide (se esperaba «{digito}»). Verifique que esté bien escrito; si es correcto, puede continuar.",
            v.Advertencia);
    }

    [Theory]
    [InlineData("  cama911215cj0 ", "CAMA911215CJ0")]
    [InlineData("\ta&a050908gt0\n", "A&A050908GT0")]
    [InlineData("aññ801231jk0", "AÑÑ801231JK0")]
    public void Normaliza_minusculas_y_espacios(string entrada, string normalizado)
    {
        Assert.Equal(normalizado, Rfc.Normalizar(entrada));
        var v = Rfc.Validar(entrada);
        Assert.True(v.EsValido, v.Error);
        Assert.True(v.DigitoVerificadorCorrecto);
        Assert.Equal(normalizado, v.Rfc);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Vacio(string? rfc)
    {
        var v = Rfc.Validar(rfc);
        Assert.False(v.EsValido);
        Assert.Equal("Escriba el RFC.", v.Error);
        Assert.Null(v.Tipo);
        Assert.Equal("", v.Rfc);
    }

    [Theory]
    [InlineData("CAMA911215CJ")]       // 12 chars but 4 letters: homoclave too short
    [InlineData("CAMA911215CJ00")]     // 14
    [InlineData("AB0101011A1")]        // 2 letters
    [InlineData("ABCDE0101011A1")]     // 5 letters
    [InlineData("CA1A911215CJ0")]      // digit in the name part
    [InlineData("CAMA9112I5CJ0")]      // letter inside the date
    [InlineData("CAMA911315CJ0")]      // month 13
    [InlineData("CAMA911200CJ0")]      // month 00
    [InlineData("CAMA911232CJ0")]      // day 32
    [InlineData("CAMA911215CJB")]      // last char must be A or a digit
    [InlineData("CAMA911215ÑJ0")]      // Ñ only in the name part
    [InlineData("CAM-911215CJ0")]
    [InlineData("CAMA911215CJ0\n1")]
    [InlineData("CAMA９11215CJ0")]      // full-width digit
    public void Formato_invalido(string rfc)
    {
        var v = Rfc.Validar(rfc);
        Assert.False(v.EsValido);
        Assert.StartsWith("El RFC debe tener 12 caracteres (persona moral) o 13 (persona física)", v.Error);
        Assert.Null(v.Tipo);
        Assert.Null(v.Advertencia);
    }

    [Theory]
    [InlineData("CAMA910230CJ0", "910230")]  // 30 Feb
    [InlineData("DIM870431LA1", "870431")]   // 31 Apr
    [InlineData("CAMA010229CJ0", "010229")]  // 2001 is not leap
    [InlineData("AAA000230AA1", "000230")]
    public void Fecha_invalida(string rfc, string fecha)
    {
        var v = Rfc.Validar(rfc);
        Assert.False(v.EsValido);
        Assert.Equal($"La fecha contenida en el RFC ({fecha}) no es válida.", v.Error);
    }

    [Theory]
    [InlineData("AAA000229AA1")]   // 00 read as 2000: leap
    [InlineData("CAMA960229CJ0")]
    public void Dia_bisiesto_valido(string rfc)
    {
        var v = Rfc.Validar(rfc);
        Assert.True(v.EsValido, v.Error);
    }

    [Theory]
    [InlineData(Rfc.XAXX)]
    [InlineData(Rfc.XEXX)]
    [InlineData(" xaxx010101000 ")]
    public void Generico_rechazado_salvo_que_se_permita(string rfc)
    {
        var normalizado = Rfc.Normalizar(rfc);
        Assert.True(Rfc.EsGenerico(rfc));

        var rechazado = Rfc.Validar(rfc);
        Assert.False(rechazado.EsValido);
        Assert.Equal(
            $"El RFC genérico {normalizado} no puede tener acceso: lo comparten muchos receptores sin relación entre sí, y el acceso expondría todos sus comprobantes.",
            rechazado.Error);

        var permitido = Rfc.Validar(rfc, permitirGenerico: true);
        Assert.True(permitido.EsValido, permitido.Error);
        Assert.Equal(RfcTipo.Fisica, permitido.Tipo);
        Assert.Equal(normalizado, permitido.Rfc);
        Assert.Null(permitido.Advertencia);
    }

    [Fact]
    public void No_generico()
    {
        Assert.False(Rfc.EsGenerico("CAMA911215CJ0"));
        Assert.False(Rfc.EsGenerico("XAXX010101001"));
    }

    [Fact]
    public void Digito_verificador_de_longitud_invalida_es_null()
    {
        Assert.Null(Rfc.DigitoVerificador(""));
        Assert.Null(Rfc.DigitoVerificador("CAMA911215C"));
    }
}
