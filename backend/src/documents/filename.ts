const MAX_NAME_LENGTH = 200;
// C0/C1 controls, and bidi overrides/isolates that make a name read differently than it is.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * The display name of an upload: NFC, no control or bidi characters, no directories, capped in
 * length with its extension kept. It is only ever shown, never used as a path.
 */
export function cleanFilename(raw: string): string {
  let name = raw.normalize('NFC').replace(UNSAFE, '');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  if (name.length > MAX_NAME_LENGTH) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = name.slice(0, MAX_NAME_LENGTH - ext.length) + ext;
  }
  return name || 'unnamed';
}
