#!/usr/bin/env python3
"""The attackers of IngresoFloodBenchmark, in a process of their own as a real flood would be: their
requests, responses and allocations are not the server's (in the test process they shared its GC).

inundacion.py BASE_URL ATACANTES OBJETIVOS_FILE
Each attacker is a thread with its own cookies and IP (X-Ip-Prueba: 10.66.x.y): it fetches the sign-in
form once, then posts wrong passwords as fast as it is answered (half for RFCs of OBJETIVOS_FILE, half
for random RFCs), and stops at its first 429 (the per-IP limit's minute outlasts the run). Prints
"listo" once the first answer came back, runs until its standard input closes or says "fin", then
prints the count of answers per status code as one JSON line.
"""
import html, http.cookiejar, json, random, re, string, sys, threading, urllib.error, urllib.parse, urllib.request

base, atacantes, archivo = sys.argv[1].rstrip("/"), int(sys.argv[2]), sys.argv[3]
objetivos = [l.strip() for l in open(archivo, encoding="utf-8") if l.strip()]
fin = threading.Event()
primera = threading.Event()
cerrojo = threading.Lock()
cuentas = {}
TOKEN = re.compile(r'name="__RequestVerificationToken" value="([^"]+)"')


def rfc_al_azar(azar):
    l = "".join(azar.choice(string.ascii_uppercase) for _ in range(4))
    return f"{l}{azar.randint(50, 98):02}{azar.randint(1, 11):02}{azar.randint(1, 27):02}{azar.choice(string.ascii_uppercase)}{azar.randint(0, 9)}{azar.choice(string.ascii_uppercase)}"


def contar(codigo):
    with cerrojo:
        cuentas[codigo] = cuentas.get(codigo, 0) + 1
    primera.set()


def atacar(n):
    azar = random.Random(n)
    abridor = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    abridor.addheaders = [("X-Ip-Prueba", f"10.66.{n // 200}.{n % 200 + 1}")]
    try:
        with abridor.open(f"{base}/portal/demo/ingresar", timeout=60) as r:
            token = html.unescape(TOKEN.search(r.read().decode()).group(1))
        while not fin.is_set():
            rfc = azar.choice(objetivos) if azar.random() < 0.5 else rfc_al_azar(azar)
            datos = urllib.parse.urlencode({"_handler": "ingreso", "__RequestVerificationToken": token,
                                            "Input.Rfc": rfc, "Input.Contrasena": f"Adivinanza{azar.randint(0, 1 << 30)}"}).encode()
            try:
                with abridor.open(f"{base}/portal/demo/ingresar", data=datos, timeout=60) as r:
                    r.read()
                    contar(r.status)
            except urllib.error.HTTPError as e:
                e.read()
                contar(e.code)
                if e.code == 429:
                    return
    except Exception as e:  # a refused connection at the end of the run, or a broken page: counted, not fatal
        contar(type(e).__name__)


hilos = [threading.Thread(target=atacar, args=(i,), daemon=True) for i in range(atacantes)]
for h in hilos:
    h.start()
primera.wait()
print("listo", flush=True)
for linea in sys.stdin:
    if linea.strip() == "fin":
        break
fin.set()
for h in hilos:
    h.join(timeout=15)
with cerrojo:
    print(json.dumps({str(k): v for k, v in sorted(cuentas.items(), key=lambda kv: str(kv[0]))}), flush=True)
