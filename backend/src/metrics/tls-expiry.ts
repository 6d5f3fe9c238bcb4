import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';

/**
 * When the certificate in a PEM file (the first one of a chain) stops being valid, in Unix
 * seconds; 0 when the file cannot be read or parsed, so an alert on "expires soon" fires.
 */
export async function certificateExpiry(file: string): Promise<number> {
  try {
    const cert = new X509Certificate(await fs.readFile(file));
    const seconds = Date.parse(cert.validTo) / 1000;
    return Number.isFinite(seconds) ? seconds : 0;
  } catch {
    return 0;
  }
}
