/** One hostile upload name, sent with valid PDF bytes: the answer, and the name kept and shown. */
export interface HostileName {
  /** How docs/security.md names the case. */
  label: string;
  /** The raw Content-Disposition parameters after `name="files"; `, sent byte for byte. */
  header: string | Buffer;
  status: number;
  code?: string;
  message?: RegExp;
  /** The file name the API stores and returns, when the upload is accepted. */
  stored?: string;
  /** How docs/security.md shows `stored`, when it is too long to print. */
  shown?: string;
}

/** Sent by uploads.test.ts; listed in docs/security.md (docs.test.ts keeps the two in step). */
export const HOSTILE_NAMES: HostileName[] = [
  { label: '../../etc/passwd', header: 'filename="../../etc/passwd"', status: 415, code: 'unsupported_media_type', message: /^passwd: files without an extension are not supported/ },
  { label: '../../etc/passwd.pdf', header: 'filename="../../etc/passwd.pdf"', status: 202, stored: 'passwd.pdf' },
  { label: '..\\..\\x', header: 'filename="..\\..\\x"', status: 415, code: 'unsupported_media_type', message: /^x: files without an extension are not supported/ },
  { label: '..\\..\\x.pdf', header: 'filename="..\\..\\x.pdf"', status: 202, stored: 'x.pdf' },
  { label: '%2e%2e%2f', header: 'filename="%2e%2e%2f"', status: 415, code: 'unsupported_media_type', message: /^%2e%2e%2f: files without an extension/ },
  { label: '%2e%2e%2fx.pdf', header: 'filename="%2e%2e%2fx.pdf"', status: 202, stored: '%2e%2e%2fx.pdf' },
  { label: "filename*=UTF-8''%2e%2e%2f%2e%2e%2fy.pdf (decoded: ../../y.pdf)", header: "filename*=UTF-8''%2e%2e%2f%2e%2e%2fy.pdf", status: 202, stored: 'y.pdf' },
  { label: 'a.pdf\\0.exe (raw NUL byte in the header)', header: Buffer.from('filename="a.pdf\0.exe"', 'latin1'), status: 400, code: 'invalid_upload', message: /malformed or incomplete/ },
  { label: "filename*=UTF-8''a.pdf%00.exe (decoded NUL)", header: "filename*=UTF-8''a.pdf%00.exe", status: 415, code: 'unsupported_media_type', message: /^a\.pdf\.exe: \.exe files are not supported/ },
  { label: 'a 300-byte ASCII name', header: `filename="${'a'.repeat(296)}.pdf"`, status: 202, stored: `${'a'.repeat(196)}.pdf`, shown: '196 × a + .pdf (200 characters)' },
  { label: 'a 300-character name of 2-byte characters (604 bytes)', header: `filename="${'é'.repeat(300)}.pdf"`, status: 202, stored: `${'é'.repeat(196)}.pdf`, shown: '196 × é + .pdf (200 characters)' },
  { label: '<img src=x onerror=alert(1)>.pdf', header: 'filename="<img src=x onerror=alert(1)>.pdf"', status: 202, stored: '<img src=x onerror=alert(1)>.pdf' },
  { label: 'invoice<U+202E>fdp.exe (right-to-left override)', header: 'filename="invoice\u202efdp.exe"', status: 415, code: 'unsupported_media_type', message: /^invoicefdp\.exe: \.exe files are not supported/ },
  { label: 'report<U+202E>gnp.pdf (right-to-left override)', header: 'filename="report\u202egnp.pdf"', status: 202, stored: 'reportgnp.pdf' },
  { label: 'line%0D%0Abreak.pdf (CR LF, escaped as browsers send it)', header: 'filename="line%0D%0Abreak.pdf"', status: 202, stored: 'linebreak.pdf' },
  { label: 'cafe + U+0301.pdf (decomposed, not NFC)', header: 'filename="cafe\u0301.pdf"', status: 202, stored: 'caf\u00e9.pdf' },
];
