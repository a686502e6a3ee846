using AccesoDescargas.Components;
using AccesoDescargas.Components.Account;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.ApiKeys;
using AccesoDescargas.Features.Clientes;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Features.Portal;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Fiscal;
using AccesoDescargas.Features.Tablero;
using AccesoDescargas.Infrastructure.Demo;
using AccesoDescargas.Infrastructure.Email;
using AccesoDescargas.Infrastructure.Migracion;
using AccesoDescargas.Infrastructure.Salud;
using AccesoDescargas.Infrastructure.Storage;

var builder = WebApplication.CreateBuilder(args);

try
{
    builder.AddData();
    builder.AddEmisores();
    builder.AddProxy();
}
catch (ConfiguracionException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
builder.AddStorage();
builder.AddSalud();
builder.AddUi();
builder.AddIssuerAuthentication();
builder.AddAccesos();
builder.AddApiKeys();
builder.AddComprobantes();
builder.AddClientes();
builder.AddEmail();
builder.AddPortal();
builder.AddRepresentacion();
builder.AddFiscal();
builder.AddTablero();
builder.AddDemo();

var app = builder.Build();

await app.MigrateDatabaseAsync();
if (MigrarDatosComando.EsComando(args)) return await MigrarDatosComando.EjecutarAsync(app, args);
await app.SeedDemoAsync();

app.UseProxy();
app.UseUi();
app.MapSalud();
app.MapAccount();
app.MapPortal();
app.MapComprobantesEndpoints();
app.MapAccesosApi();
app.MapClientesEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
return 0;

public partial class Program;
