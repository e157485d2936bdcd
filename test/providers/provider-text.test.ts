import { describe, expect, it } from "vitest";
import { boundProviderField, cleanProviderText, looksLikeSystemError } from "../../src/providers/provider-text.ts";

const SECRET = "sigKey-Secret-456";

describe("cleanProviderText: what a payer may see of a provider's words", () => {
  it.each([
    ["undefined", undefined],
    ["null", null],
    ["empty", ""],
    ["blank", "   "],
    ["only control characters", "\u0000\u0007\r\n\t"],
    ["only tags", "<br/><p></p>"],
    ["only invisible characters", "\u200B\u200E\uFEFF"],
  ])("blank text (%s) gives nothing", (_name, text) => {
    expect(cleanProviderText(text, [SECRET])).toBeUndefined();
  });

  it("keeps a short message as it is", () => {
    expect(cleanProviderText("PEMBAYARAN GAGAL", [])).toBe("PEMBAYARAN GAGAL");
    expect(cleanProviderText("SYSTEM ERROR", [])).toBe("SYSTEM ERROR");
    expect(cleanProviderText("MISC ERROR / BILLER SYSTEM ERROR", [])).toBe("MISC ERROR / BILLER SYSTEM ERROR");
  });

  it("a 5 KB message becomes a 120-character excerpt ending in …", () => {
    const out = cleanProviderText(`Transaksi gagal ${"karena gangguan ".repeat(320)}`, []);
    expect(out).toBeDefined();
    // Cut at 119 characters, a trailing space trimmed, then "…".
    expect(Array.from(out ?? "").length).toBeLessThanOrEqual(120);
    expect(Array.from(out ?? "").length).toBeGreaterThan(110);
    expect(out?.endsWith("…")).toBe(true);
    expect(out?.startsWith("Transaksi gagal karena gangguan")).toBe(true);
  });

  it("a text of exactly the limit is not cut; a limit can be given", () => {
    expect(cleanProviderText("a".repeat(120), [])).toBe("a".repeat(120));
    expect(cleanProviderText("abcdefghij", [], 5)).toBe("abcd…");
  });

  it("a megabyte of text is cut quickly and safely", () => {
    const out = cleanProviderText("x".repeat(1_000_000), []);
    expect(Array.from(out ?? "")).toHaveLength(120);
  });

  it("strips tags, closed or cut off, and keeps the words between them", () => {
    expect(cleanProviderText("<html><body><h1>Nomor</h1> <b>tidak</b> valid<br/>", [])).toBe("Nomor tidak valid");
    expect(cleanProviderText('Gagal <script src="x.js">alert(1)</script>', [])).toBe("Gagal alert(1)");
    expect(cleanProviderText("Gagal <img src=x onerror=alert(1)", [])).toBe("Gagal");
    expect(cleanProviderText("<!-- note --> OK", [])).toBe("OK");
  });

  it("does not take comparison signs for tags", () => {
    expect(cleanProviderText("saldo < 1000 dan > 0", [])).toBe("saldo < 1000 dan > 0");
  });

  it("turns control characters and line breaks into single spaces, and drops invisible ones", () => {
    expect(cleanProviderText("Nomor\r\ntidak\u0000valid\u0007\t!", [])).toBe("Nomor tidak valid !");
    expect(cleanProviderText("No\u200Bmor   \u2028 salah\u0085", [])).toBe("Nomor salah");
  });

  it("removes secrets, even when split by an invisible character, and also from the start of a huge text", () => {
    expect(cleanProviderText(`bad key ${SECRET}`, [SECRET])).toBe("bad key [redacted]");
    expect(cleanProviderText(`bad key sigKey-\u200BSecret-456`, [SECRET])).toBe("bad key [redacted]");
    expect(cleanProviderText(`${SECRET} ${"x".repeat(5_000)}`, [SECRET])).toMatch(/^\[redacted\] x+…$/);
    expect(cleanProviderText("nothing to hide", [""])).toBe("nothing to hide");
  });

  it.each([
    "ORA-01017: invalid username/password; logon denied",
    "Error: ORA-12541: TNS:no listener",
    "SQLSTATE[HY000] [2002] Connection refused",
    "java.lang.NullPointerException at com.biller.Pay.run(Pay.java:42)",
    "PDOException: could not find driver",
    "Fatal error: Uncaught Error: Call to undefined function foo() in /var/www/index.php:12",
    "Warning: mysqli_connect(): (HY000/1045): Access denied",
    'Traceback (most recent call last): File "app.py", line 3',
    "TypeError: Cannot read properties of undefined (reading 'x')",
    "    at Object.<anonymous> (/srv/app/index.js:10:5)",
    "syntax error at line 3",
    "You have an error in your SQL syntax; check the manual",
    "SELECT * FROM transaksi WHERE id = 1",
    "INSERT INTO payments VALUES (1)",
    'duplicate key value violates unique constraint "tx_pkey"',
    "Deadlock found when trying to get lock",
    "Stack trace: #0 {main}",
  ])("drops a system or database error: %s", (text) => {
    expect(looksLikeSystemError(text)).toBe(true);
    expect(cleanProviderText(text, [])).toBeUndefined();
  });

  it("drops a system error that only shows after tags or line breaks", () => {
    expect(cleanProviderText("<pre>\nORA-00942: table or view does not exist\n</pre>", [])).toBeUndefined();
  });

  it.each([
    "INVOICE HAS BEEN PAID",
    "DATABASE CONNECTION ERROR",
    "GENERAL ERROR",
    "Nomor VA tidak terdaftar",
    "Transaksi sedang diproses",
    "BPJS KESEHATAN MENYATAKAN STRUK INI SEBAGAI BUKTI PEMBAYARAN YANG SAH",
    "Pilih dan bayar sekarang",
  ])("keeps a biller's own words: %s", (text) => {
    expect(looksLikeSystemError(text)).toBe(false);
    expect(cleanProviderText(text, [])).toBe(text);
  });

  it("keeps unicode whole: accents, Indonesian text and emoji are never split", () => {
    expect(cleanProviderText("Pembayaran sukses ✅ — terima kasih", [])).toBe("Pembayaran sukses ✅ — terima kasih");
    const out = cleanProviderText(`${"😀".repeat(200)}`, [], 10);
    expect(out).toBe(`${"😀".repeat(9)}…`);
    expect(cleanProviderText("caf\u00e9 ok", [])).toBe("café ok");
  });

  it("drops half a surrogate pair, which no platform can send", () => {
    expect(cleanProviderText("ok \uD83D there", [])).toBe("ok there");
  });
});

describe("boundProviderField: names, periods and notes kept as sent, but bounded", () => {
  it("keeps tags (the renderers escape them) and cuts a huge field", () => {
    expect(boundProviderField('SITI <B>&AMP; "ANI"')).toBe('SITI <B>&AMP; "ANI"');
    expect(Array.from(boundProviderField("A".repeat(5_000)) ?? "")).toHaveLength(120);
    expect(Array.from(boundProviderField("A".repeat(5_000), 300) ?? "")).toHaveLength(300);
  });

  it("makes one line of it, and gives nothing for blank", () => {
    expect(boundProviderField(" ONI\nSAPUTRA\u0000 ")).toBe("ONI SAPUTRA");
    expect(boundProviderField(" \t ")).toBeUndefined();
    expect(boundProviderField(undefined)).toBeUndefined();
  });

  it("does not drop a field that merely contains system-like words", () => {
    expect(boundProviderField("SELECT FROM branch")).toBe("SELECT FROM branch");
  });
});
