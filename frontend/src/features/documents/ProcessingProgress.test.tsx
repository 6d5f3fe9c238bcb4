import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { makeDoc } from '../../test/fixtures.ts';
import { ProcessingProgress } from './ProcessingProgress.tsx';

describe('processing progress', () => {
  it('shows the stage and percent as a progress bar while processing', () => {
    render(<ProcessingProgress doc={makeDoc({ status: 'processing', stage: 'embedding', progress: 42, stageDone: 12, stageTotal: 30, stageUnit: 'chunk' })} />);
    const bar = screen.getByRole('progressbar', { name: 'Processing manual.pdf' });
    expect(bar.getAttribute('aria-valuenow')).toBe('42');
    expect(bar.getAttribute('aria-valuetext')).toBe('Embedding · 42%');
    expect(screen.getByText('Embedding · 42% (12 of 30 chunks embedded)')).toBeTruthy();
  });

  it('names the unit each stage reports: pages parsed, chunks made, indexed', () => {
    const { rerender } = render(<ProcessingProgress doc={makeDoc({ status: 'processing', stage: 'parsing', progress: 10, stageDone: 113, stageTotal: 113, stageUnit: 'page' })} />);
    expect(screen.getByText('Parsing · 10% (113 of 113 pages parsed)')).toBeTruthy();
    rerender(<ProcessingProgress doc={makeDoc({ status: 'processing', stage: 'chunking', progress: 15, stageDone: 251, stageTotal: 251, stageUnit: 'chunk' })} />);
    expect(screen.getByText('Chunking · 15% (251 chunks made)')).toBeTruthy();
    rerender(<ProcessingProgress doc={makeDoc({ status: 'processing', stage: 'indexing', progress: 100, stageDone: 251, stageTotal: 251, stageUnit: 'chunk' })} />);
    expect(screen.getByText('Indexing · 100% (251 of 251 chunks indexed)')).toBeTruthy();
  });

  it('shows no count while the page count is not known yet', () => {
    render(<ProcessingProgress doc={makeDoc({ status: 'processing', stage: 'parsing', progress: 0, stageDone: 0, stageTotal: 0, stageUnit: 'page' })} />);
    expect(screen.getByText('Parsing · 0%')).toBeTruthy();
  });

  it('shows an indeterminate bar while queued', () => {
    render(<ProcessingProgress doc={makeDoc({ status: 'queued' })} />);
    const bar = screen.getByRole('progressbar');
    expect(bar.hasAttribute('aria-valuenow')).toBe(false);
    expect(screen.getByText('Queued')).toBeTruthy();
  });

  it('says ready with the counts when done', () => {
    render(<ProcessingProgress doc={makeDoc({ status: 'ready', progress: 100, pageCount: 3, chunkCount: 7 })} />);
    expect(screen.getByText('Ready · 7 chunks · 3 pages')).toBeTruthy();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
  });

  it('gives the reason a person can read when it failed', () => {
    render(<ProcessingProgress doc={makeDoc({ status: 'failed', error: { code: 'encrypted_pdf', message: 'the PDF is encrypted', retryable: false } })} />);
    expect(screen.getByText('Failed: the PDF is encrypted')).toBeTruthy();
  });
});
