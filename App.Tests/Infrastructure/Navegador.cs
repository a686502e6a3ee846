using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(AccesoDescargas.Tests.Infrastructure.Navegador))]

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>One headless Debian Chromium for the whole test run; each test gets its own context (cookies, downloads).</summary>
public sealed class Navegador : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;

    public static string CarpetaCapturas { get; } = BuscarCarpetaCapturas();

    public async ValueTask InitializeAsync()
    {
        // Two cores shared with the app under test and the build: give assertions room before calling a failure.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async Task<IPage> NuevaPaginaAsync(string baseUrl, bool ignorarCertificado = false)
    {
        var context = await browser!.NewContextAsync(new()
        {
            BaseURL = baseUrl,
            Locale = "es-MX",
            TimezoneId = "America/Mexico_City",
            ViewportSize = new() { Width = 1366, Height = 860 },
            AcceptDownloads = true,
            IgnoreHTTPSErrors = ignorarCertificado, // the tests' own self-signed certificate (nginx in front of several instances)
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the issuer's sign-in page and waits for the interactive app.</summary>
    public static async Task IniciarSesionEmisorAsync(IPage page, string email = AppFactory.AdminEmail, string password = AppFactory.AdminPassword)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Correo electrónico").FillAsync(email);
        await page.GetByLabel("Contraseña").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Entrar" }).ClickAsync();
        await EsperarCircuitoAsync(page);
    }

    /// <summary>A prerendered page ignores clicks until its circuit is connected; MainLayout marks itself when interactive.</summary>
    public static Task EsperarCircuitoAsync(IPage page) =>
        page.Locator("[data-interactivo]").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public static Task CapturarAsync(IPage page, string nombre) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(CarpetaCapturas, nombre + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
    }

    private static string BuscarCarpetaCapturas()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AccesoDescargas.sln"))) dir = dir.Parent;
        var carpeta = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "App.Tests", "screenshots");
        Directory.CreateDirectory(carpeta);
        return carpeta;
    }
}
