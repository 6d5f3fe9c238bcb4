import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

  // A guard against catastrophic backtracking (hours on such input), not a benchmark.
  it('handles 5 MB of hostile markup in linear time', () => {
    const inputs = [
      '<'.repeat(5_000_000),
      '<!--'.repeat(1_250_000),
      '<a '.repeat(1_700_000),
      '<p>&'.repeat(1_250_000),
      '<script>'.repeat(625_000),
      '<p x="'.repeat(850_000),
    ];
    for (const input of inputs) {
      const started = performance.now();
      htmlToText(input);
      const ms = performance.now() - started;
      assert.ok(ms < 5000, `${JSON.stringify(input.slice(0, 8))}… took ${Math.round(ms)} ms`);
    }
  });
});
