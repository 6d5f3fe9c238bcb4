import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ActionsHeader, RowAction } from './RowAction.tsx';

describe('a row action', () => {
  it('shows the verb, is named after the item it acts on, and acts on a click', async () => {
    const onClick = vi.fn();
    render(<RowAction label="Delete" item="manual.pdf" danger onClick={onClick} />);
    const button = screen.getByRole('button', { name: 'Delete manual.pdf' });
    expect(button.textContent).toBe('Delete');
    expect(button.className).toContain('button-danger-ghost');
    await userEvent.click(button);
    expect(onClick).toHaveBeenCalledOnce();
  });

  it('reads "label of item" where the label names a part of the item', () => {
    render(<RowAction label="Members" of item="Handbooks" onClick={() => {}} />);
    expect(screen.getByRole('button', { name: 'Members of Handbooks' }).className).not.toContain('danger');
  });

  it('heads the actions column with a heading only screen readers hear', () => {
    render(
      <table>
        <thead>
          <tr>
            <ActionsHeader />
          </tr>
        </thead>
      </table>,
    );
    const heading = screen.getByRole('columnheader', { name: 'Actions' });
    expect(heading.querySelector('.visually-hidden')?.textContent).toBe('Actions');
  });
});
