using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(AccesoDescargas.Tests.Infrastructure.Navegador))]
[assembly: AccesoDescargas.Tests.Infrastructure.CerrarPaginasDeLaPrueba]

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>One headless Debian Chromium for the whole test run; each test gets its own context (cookies, downloads).</summary>
public sealed class Navegador : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;

    /// <summary>The contexts each test opened, by the test's id, closed when it ends (<see cref="CerrarPaginasDeLaPruebaAttribute"/>).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentBag<IBrowserContext>> abiertos = new();
    private readonly System.Collections.Concurrent.ConcurrentBag<Task> cierres = [];
    internal static Navegador? Actual { get; private set; }

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
        Actual = this;
    }

    /// <summary>
    /// Closes the pages a finished test left open. Left open, a page outlives its test's server and
    /// keeps trying to reconnect its circuit with an animated dialog on screen: a few dozen of those
    /// kept both cores busy in a whole run and made the later browser tests miss their deadlines.
    /// </summary>
    internal void CerrarDe(string prueba)
    {
        if (!abiertos.TryRemove(prueba, out var contextos)) return;
        foreach (var c in contextos) cierres.Add(c.CloseAsync());
    }

    /// <summary>The desktop the staff mostly use and the phone the receptors mostly use (issue 10).</summary>
    public static readonly ViewportSize Escritorio = new() { Width = 1366, Height = 768 };
    public static readonly ViewportSize Telefono = new() { Width = 390, Height = 844 };

    public Task<IPage> NuevaPaginaAsync(string baseUrl) => NuevaPaginaAsync(baseUrl, new() { Width = 1366, Height = 860 });

    /// <summary>A page in a phone-sized window (390×844, touch), as receptors open the emailed link.</summary>
    public Task<IPage> NuevaPaginaTelefonoAsync(string baseUrl) => NuevaPaginaAsync(baseUrl, Telefono, telefono: true);

    public async Task<IPage> NuevaPaginaAsync(string baseUrl, ViewportSize ventana, bool telefono = false, bool ignorarCertificado = false)
    {
        var context = await browser!.NewContextAsync(new()
        {
            BaseURL = baseUrl,
            Locale = "es-MX",
            TimezoneId = "America/Mexico_City",
            ViewportSize = ventana,
            AcceptDownloads = true,
            HasTouch = telefono,
            IsMobile = telefono,
            DeviceScaleFactor = 1,
            IgnoreHTTPSErrors = ignorarCertificado, // the tests' own self-signed certificate (nginx in front of several instances)
        });
        context.SetDefaultTimeout(20_000);
        if (Xunit.TestContext.Current.Test?.UniqueID is { } prueba) abiertos.GetOrAdd(prueba, _ => []).Add(context);
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

    /// <summary>
    /// Chooses a file in a MudFileUpload/InputFile. Blazor attaches the input's change listener from OnAfterRenderAsync, a
    /// round trip after the input appears; files set before that are lost and the page never hears of them, so this waits
    /// for the listener (InputFile's init marks the element) before setting them.
    /// </summary>
    public static async Task ElegirArchivoAsync(ILocator input, params FilePayload[] archivos)
    {
        await input.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await input.Page.WaitForFunctionAsync("e => e._blazorInputFileNextFileId !== undefined", await input.ElementHandleAsync());
        await input.SetInputFilesAsync(archivos);
    }

    /// <summary>A prerendered page ignores clicks until its circuit is connected; MainLayout marks itself when interactive.</summary>
    public static Task EsperarCircuitoAsync(IPage page) =>
        page.Locator("[data-interactivo]").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public static Task CapturarAsync(IPage page, string nombre) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(CarpetaCapturas, nombre + ".png"), FullPage = true });

    /// <summary>
    /// Runs axe-core (WCAG 2.x A/AA rules) on the page, or only inside <paramref name="dentro"/> (an open dialog), and
    /// fails listing every serious or critical violation with its rule, impact, help and the elements it found.
    /// </summary>
    public static async Task SinViolacionesAxeAsync(IPage page, string donde, ILocator? dentro = null)
    {
        var opciones = new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        };
        var resultado = dentro is null ? await page.RunAxe(opciones) : await dentro.RunAxe(opciones);
        var graves = resultado.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        if (graves.Count == 0) return;
        var texto = new StringBuilder($"axe encontró {graves.Count} violaciones graves en {donde} ({page.Url}):\n");
        foreach (var v in graves)
        {
            texto.Append($"- {v.Id} [{v.Impact}] {v.Help}\n");
            foreach (var nodo in v.Nodes.Take(8))
                texto.Append($"    {nodo.Target}: {Recortar(nodo.Html)}\n      {Recortar(string.Join("; ", (nodo.Any ?? []).Concat(nodo.All ?? []).Concat(nodo.None ?? []).Select(c => c.Message)))}\n");
        }
        Assert.Fail(texto.ToString());
    }

    /// <summary>The page itself never scrolls sideways (issue 10: every page works at 360-430 px).</summary>
    public static async Task SinScrollHorizontalAsync(IPage page, string donde)
    {
        var medidas = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        if (medidas[0] <= medidas[1]) return;
        var anchos = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && getComputedStyle(e).position !== 'fixed')
              .slice(0, 8)
              .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].slice(0, 3).join('.')} right=${Math.round(e.getBoundingClientRect().right)}`)
            """);
        Assert.Fail($"{donde} se desplaza a lo ancho: scrollWidth {medidas[0]} > innerWidth {medidas[1]}. Sobresalen:\n  {string.Join("\n  ", anchos)}");
    }

    /// <summary>
    /// The issue-10 check of one state of a page: axe clean, no sideways scroll, and a screenshot, at the window's
    /// current size. Call it on a phone page and on a desktop page (the names get "-telefono"/"-escritorio").
    /// </summary>
    public static async Task RevisarAsync(IPage page, string nombre, ILocator? dialogo = null)
    {
        var ancho = page.ViewportSize?.Width ?? 0;
        var sufijo = ancho <= 600 ? "telefono" : "escritorio";
        await CapturarAsync(page, $"{nombre}-{sufijo}");
        // What the user sees first, without scrolling: the full-page shot of a phone list is too tall to look at.
        await page.ScreenshotAsync(new() { Path = Path.Combine(CarpetaCapturas, $"{nombre}-{sufijo}-pantalla.png") });
        await SinScrollHorizontalAsync(page, $"{nombre} a {ancho} px");
        await SinViolacionesAxeAsync(page, $"{nombre} a {ancho} px", dialogo);
    }

    /// <summary>Checks the same state at the desktop size and at the phone size, leaving the window as it was.</summary>
    public static async Task RevisarEnAmbosTamanosAsync(IPage page, string nombre, ILocator? dialogo = null)
    {
        var original = page.ViewportSize is { } v ? new ViewportSize { Width = v.Width, Height = v.Height } : Escritorio;
        foreach (var tamano in new[] { Escritorio, Telefono })
        {
            await page.SetViewportSizeAsync(tamano.Width, tamano.Height);
            await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            await RevisarAsync(page, nombre, dialogo);
        }
        await page.SetViewportSizeAsync(original.Width, original.Height);
    }

    private static string Recortar(string? texto) =>
        texto is null ? "" : texto.Length <= 220 ? texto.ReplaceLineEndings(" ") : texto[..220].ReplaceLineEndings(" ") + "…";

    public async ValueTask DisposeAsync()
    {
        foreach (var prueba in abiertos.Keys) CerrarDe(prueba);
        try { await Task.WhenAll(cierres); } catch (Exception) { } // best effort: the browser closes them all next anyway
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

/// <summary>After each test, closes the browser pages it opened (see <see cref="Navegador.CerrarDe"/>).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class CerrarPaginasDeLaPruebaAttribute : Xunit.v3.BeforeAfterTestAttribute
{
    public override void After(System.Reflection.MethodInfo methodUnderTest, Xunit.v3.IXunitTest test) =>
        Navegador.Actual?.CerrarDe(test.UniqueID);
}
