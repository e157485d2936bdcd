import { describe, expect, it } from "vitest";
import { inquiryFailure, payFailure, saysInProcess, statusVerdict } from "../../../src/providers/espay/codes.ts";
import { envelopeSchema } from "../../../src/providers/espay/schema.ts";

describe("espay codes", () => {
  it("normalises error_code given as number or string", () => {
    expect(envelopeSchema.parse({ error_code: 405 }).error_code).toBe("0405");
    expect(envelopeSchema.parse({ error_code: "405" }).error_code).toBe("0405");
    expect(envelopeSchema.parse({ error_code: "0000" }).error_code).toBe("0000");
    expect(envelopeSchema.parse({ error_code: 0 }).error_code).toBe("0000");
    expect(envelopeSchema.safeParse({ error_desc: "x" }).success).toBe(false);
  });

  it("maps inquiry codes", () => {
    expect(inquiryFailure("0405", "product denied")).toEqual({ status: "rejected", reason: "product_unavailable", code: "0405", message: "product denied" });
    expect(inquiryFailure("0031", undefined)).toMatchObject({ status: "unavailable", code: "0031" });
    expect(inquiryFailure("0610", undefined)).toMatchObject({ status: "unavailable", code: "0610" });
    expect(inquiryFailure("0210", undefined)).toMatchObject({ status: "unavailable", code: "0210" });
    expect(inquiryFailure("0099", "Nomor tidak valid")).toEqual({ status: "rejected", reason: "provider_error", code: "0099", message: "Nomor tidak valid" });
  });

  it("maps payment codes: only up-front refusals are final", () => {
    expect(payFailure("0405", undefined, "R1")).toMatchObject({ status: "rejected", reason: "product_unavailable" });
    expect(payFailure("0210", undefined, null)).toMatchObject({ status: "rejected", reason: "duplicate_ref" });
    expect(payFailure("0031", "comm error", "R1")).toEqual({ status: "pending", statusKey: "R1", code: "0031", message: "comm error" });
    expect(payFailure("0099", undefined, null)).toEqual({ status: "pending", statusKey: null, code: "0099" });
  });

  it("recognises in-process wording", () => {
    for (const t of ["Inproses", "INPROSES", "in process", "In Proses", "Pending", "Transaksi sedang diproses", "dalam proses"]) {
      expect(saysInProcess([undefined, t]), t).toBe(true);
    }
    for (const t of ["Success", "Sukses", "Berhasil diproses", "SEGERA DAFTARKAN AUTODEBIT IURAN JKN !"]) {
      expect(saysInProcess([t]), t).toBe(false);
    }
  });

  it("reads status values conservatively", () => {
    expect(statusVerdict(["S"])).toBe("success");
    expect(statusVerdict(["sukses", "PAID"])).toBe("success");
    expect(statusVerdict(["00"])).toBe("success");
    expect(statusVerdict([0])).toBe("pending");
    expect(statusVerdict(["F"])).toBe("failed");
    expect(statusVerdict(["Gagal"])).toBe("failed");
    expect(statusVerdict(["P"])).toBe("pending");
    expect(statusVerdict(["S", "F"])).toBe("pending");
    expect(statusVerdict(["S", "P"])).toBe("pending");
    expect(statusVerdict([])).toBe("pending");
    expect(statusVerdict([{ s: "S" }])).toBe("pending");
    expect(statusVerdict(["NOT_FOUND"])).toBe("not_received");
  });
});
