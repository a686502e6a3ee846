using Xunit;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Accesos;

// Each current-format hash or verification costs ~0.1 s, so one hash is shared by the class.
public sealed class HashCompartido
{
    public const string Contrasena = "Correcta-Caballo-9";
    public ContrasenaHasher Hasher { get; } = new();
    public string Hash { get; }
    public HashCompartido() => Hash = Hasher.Hash(Contrasena);
}

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class ContrasenaHasherTests(HashCompartido compartido) : IClassFixture<HashCompartido>
{
    private readonly ContrasenaHasher _hasher = compartido.Hasher;
    private readonly string _hash = compartido.Hash;

    [Fact]
    public void Formato_autodescriptivo()
    {
        var partes = _hash.Split('$');
        Assert.Equal(["v2", "sha512", "210000"], partes[..3]);
        Assert.Equal(16, Convert.FromBase64String(partes[3]).Length);
        Assert.Equal(32, Convert.FromBase64String(partes[4]).Length);
    }

    [Fact]
    public void Ida_y_vuelta() =>
        Assert.Equal(VerificacionContrasena.Correcta, _hasher.Verificar(_hash, HashCompartido.Contrasena));

    [Fact]
    public void Contrasena_incorrecta() =>
        Assert.Equal(VerificacionContrasena.Fallida, _hasher.Verificar(_hash, HashCompartido.Contrasena + "x"));

    [Theory]
    [InlineData(4)]   // hash
    [InlineData(3)]   // salt
    public void Hash_alterado(int parte)
    {
        var partes = _hash.Split('$');
        var c = partes[parte].ToCharArray();
        c[2] = c[2] == 'A' ? 'B' : 'A';   // early char: never padding, always decodes
        partes[parte] = new string(c);
        Assert.Equal(VerificacionContrasena.Fallida, _hasher.Verificar(string.Join('$', partes), HashCompartido.Contrasena));
    }

    [Theory]
    [InlineData("210001")]
    [InlineData("1000")]
    [InlineData("999999999")]   // beyond the cap: refused without computing
    [InlineData("-5")]
    [InlineData(" 210000")]
    public void Iteraciones_alteradas(string iteraciones)
    {
        var partes = _hash.Split('$');
        partes[2] = iteraciones;
        Assert.Equal(VerificacionContrasena.Fallida, _hasher.Verificar(string.Join('$', partes), HashCompartido.Contrasena));
    }

    [Theory]
    [InlineData("")]
    [InlineData("basura")]
    [InlineData("$$$$")]
    [InlineData("v2$sha512$210000$no-es-base64!$AAAA")]
    [InlineData("v2$sha512$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA")]   // subkey too short
    [InlineData("v9$sha512$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("v2$md5$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Basura_falla_sin_excepcion(string hash) =>
        Assert.Equal(VerificacionContrasena.Fallida, _hasher.Verificar(hash, HashCompartido.Contrasena));

    [Fact]
    public void Prf_cambiado_falla()
    {
        var partes = _hash.Split('$');
        partes[1] = "sha256";
        Assert.Equal(VerificacionContrasena.Fallida, _hasher.Verificar(string.Join('$', partes), HashCompartido.Contrasena));
    }

    [Fact]
    public void Formato_anterior_pide_rehash_y_el_nuevo_no()
    {
        var anterior = ContrasenaHasher.HashFormatoAnterior("Vieja-Clave-77");
        Assert.StartsWith("v1$sha256$100000$", anterior);
        Assert.Equal(VerificacionContrasena.Fallida, _hasher.Verificar(anterior, "Vieja-Clave-78"));
        Assert.Equal(VerificacionContrasena.CorrectaRequiereRehash, _hasher.Verificar(anterior, "Vieja-Clave-77"));

        var nuevo = _hasher.Hash("Vieja-Clave-77");
        Assert.Equal(VerificacionContrasena.Correcta, _hasher.Verificar(nuevo, "Vieja-Clave-77"));
    }

    [Fact]
    public void Mas_iteraciones_configuradas_pide_rehash() =>
        Assert.Equal(VerificacionContrasena.CorrectaRequiereRehash,
            new ContrasenaHasher(250_000).Verificar(_hash, HashCompartido.Contrasena));

    [Fact]
    public void Misma_contrasena_distinta_sal() =>
        Assert.NotEqual(_hash, _hasher.Hash(HashCompartido.Contrasena));

    [Fact]
    public void Iteraciones_por_debajo_del_minimo_no_se_permiten() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContrasenaHasher(100_000));
}
