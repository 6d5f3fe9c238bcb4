import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tokenizer } from 'htmlparser2';
import { htmlToText } from './html-to-text.ts';
import { normalizeText } from './normalize-text.ts';

const text = (html: string) => normalizeText(htmlToText(html));

describe('htmlToText', () => {
  it('writes headings h1-h6 as Markdown heading lines and blocks as paragraphs', () => {
    const html = '<body><h1>Plant</h1><p>Intro <b>bold</b> text.</p><h3 class="x">Pumps\n and  valves</h3><div>One</div><div>Two</div></body>';
    assert.equal(text(html), '# Plant\n\nIntro bold text.\n\n### Pumps and valves\n\nOne\n\nTwo');
  });

  it('drops script, style, noscript, template and comments but keeps the text around them', () => {
    const html = '<p>Before</p><script>var x = "<p>not text</p>";</script><style>p{}</style><noscript>Enable JS</noscript>'
      + '<template><p>hidden</p></template><!-- a comment <p>no</p> --><p>After</p>';
    assert.equal(text(html), 'Before\n\nAfter');
  });

  it('decodes named and numeric entities without re-reading them as markup', () => {
    assert.equal(text('<p>A &amp; B &lt;tag&gt; &eacute;t&eacute; &#8212; &#x263A; &nbsp;x &unknown; &#150;</p>'), 'A & B <tag> été — ☺ x &unknown; –');
  });

  it('keeps line breaks inside pre and for br', () => {
    assert.equal(text('<pre>line 1\n  line 2</pre><p>a<br>b</p>'), 'line 1\nline 2\n\na\nb');
  });

  it('keeps list items and table cells apart', () => {
    assert.equal(text('<ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table>'), 'one\n\ntwo\n\na\tb');
  });

  it('treats a lone < as text and survives unclosed tags and comments', () => {
    assert.equal(text('<p>1 < 2 and 3 <4</p>'), '1 < 2 and 3 <4');
    assert.equal(text('<p>kept</p><!-- never closed <p>lost</p>'), 'kept');
    assert.equal(text('<p>kept</p><script>never closed'), 'kept');
    assert.equal(text('<p>kept</p><a href="x'), 'kept');
  });

  it('decodes every HTML entity, with or without the semicolon where the spec allows it', () => {
    assert.equal(text('<p>&hearts; &Zopf; &copy 2024 &amp&amp; &bogus;</p>'), '♥ ℤ © 2024 && &bogus;');
  });

  it('folds whitespace across entities, as one run of text', () => {
    assert.equal(text('<p>a &nbsp; b&#32;&#32; c</p>'), 'a b c');
  });

  it('keeps CDATA content as text and skips everything inside a dropped element up to its end tag', () => {
    assert.equal(text('<p>x<![CDATA[ 1 < 2 ]]>y</p><svg><text>no</text><p>nor this</p></svg><p>z</p>'), 'x 1 < 2 y\n\nz');
  });

  // A guard against super-linear behaviour, counted in work done rather than timed, so a slow
  // machine cannot fail it: the tokenizer's steps and the callbacks it makes for an input twice
  // as long are at most about twice as many.
  it('does linear work on hostile markup (the work for 2n is about twice the work for n)', () => {
    const hostile: [string, number][] = [
      ['<', 1], ['<!--', 4], ['<a ', 3], ['<p>&', 4], ['<script>', 8], ['<p x="', 6],
      ['<div>', 5], ['</span>', 7], ['&amp', 4], ['<![CDATA[', 9], ['<h1><pre>', 9], ['<svg>', 5],
    ];
    for (const [unit, length] of hostile) {
      const work = (chars: number) => countWork(() => htmlToText(unit.repeat(Math.ceil(chars / length))));
      const small = work(100_000);
      const large = work(200_000);
      assert.ok(small > 0, `${unit}: no work counted`);
      assert.ok(large <= 2.1 * small, `${JSON.stringify(unit)}: ${small} units for 100 kB, ${large} for 200 kB`);
    }
  });

  it('turns 5 MB of hostile markup into text without failing', () => {
    for (const unit of ['<', '<!--', '<a ', '<p>&', '<script>', '<p x="', '<div>']) {
      assert.equal(typeof htmlToText(unit.repeat(Math.ceil(5_000_000 / unit.length))), 'string');
    }
  });
});

/**
 * Runs `fn` and counts the work htmlparser2's tokenizer does meanwhile: each call of one of its
 * methods (one state step per character read, plus entity and section handling) and each
 * callback it makes into the caller.
 */
function countWork(fn: () => void): number {
  const proto = Tokenizer.prototype as unknown as Record<string, unknown>;
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  let units = 0;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const original = proto[name];
    if (name === 'constructor' || typeof original !== 'function') continue;
    originals.set(name, original as (...args: unknown[]) => unknown);
    proto[name] = function (this: { cbs: Record<string, unknown>; counted?: boolean }, ...args: unknown[]) {
      units++;
      if (!this.counted) {
        this.counted = true;
        for (const [cb, f] of Object.entries(this.cbs)) {
          if (typeof f === 'function') this.cbs[cb] = (...a: unknown[]) => (units++, f(...a));
        }
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  try {
    fn();
  } finally {
    for (const [name, original] of originals) proto[name] = original;
  }
  return units;
}
