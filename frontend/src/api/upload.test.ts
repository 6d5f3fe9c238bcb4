import { describe, expect, it, vi } from 'vitest';
import { UnauthorizedError } from './errors.ts';
import { session } from './session.ts';
import { uploadFile } from './upload.ts';
import { json, mockFetch } from '../test/fetchMock.ts';
import { makeUser, signInForEachTest } from '../test/session.ts';

const user = makeUser({ role: 'editor' });

/** An XMLHttpRequest that answers every upload with `answer(token)` and records the tokens sent. */
function fakeXhr(answer: (token: string | null) => { status: number; body: unknown }) {
  const tokens: (string | null)[] = [];
  class FakeXhr {
    status = 0;
    responseText = '';
    responseType = '';
    upload: { onprogress: ((e: ProgressEvent) => void) | null; onload: (() => void) | null } = { onprogress: null, onload: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    private token: string | null = null;
    open() {}
    abort() {}
    setRequestHeader(name: string, value: string) {
      if (name === 'Authorization') this.token = value.replace(/^Bearer /, '');
    }
    getResponseHeader() {
      return null;
    }
    send() {
      tokens.push(this.token);
      const { status, body } = answer(this.token);
      queueMicrotask(() => {
        this.status = status;
        this.responseText = JSON.stringify(body);
        this.onload?.();
      });
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return tokens;
}

const request = () => ({ file: new File(['%PDF-1.7'], 'notes.pdf', { type: 'application/pdf' }), collectionId: 'default', onProgress: () => {} });
const unauthorized = { status: 401, body: { error: { code: 'unauthorized', message: 'expired' } } };

signInForEachTest({ user, accessToken: 'old-token' });

describe('uploading a file', () => {
  it('refreshes once on a 401 and sends the file again with the new token', async () => {
    mockFetch({ 'POST /api/v1/auth/refresh': () => json({ accessToken: 'new-token', expiresIn: 900, user }) });
    const tokens = fakeXhr((token) => (token === 'new-token' ? { status: 202, body: { documents: [] } } : unauthorized));
    expect(await uploadFile(request())).toEqual({ documents: [] });
    expect(tokens).toEqual(['old-token', 'new-token']);
    expect(session.get().status).toBe('signedIn');
  });

  it('ends the session, keeping the user, when the upload gets a 401 again after the refresh', async () => {
    mockFetch({ 'POST /api/v1/auth/refresh': () => json({ accessToken: 'new-token', expiresIn: 900, user }) });
    const tokens = fakeXhr(() => unauthorized);
    await expect(uploadFile(request())).rejects.toBeInstanceOf(UnauthorizedError);
    expect(tokens).toEqual(['old-token', 'new-token']);
    expect(session.get()).toEqual({ status: 'expired', user });
  });
});
