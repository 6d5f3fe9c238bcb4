import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { usePopover } from './usePopover.ts';

function Menu() {
  const { open, setOpen, ref, handleKeyDown } = usePopover();
  return (
    <div ref={ref} onKeyDown={handleKeyDown}>
      <button type="button" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        Menu
      </button>
      {open && <input aria-label="Inside" />}
    </div>
  );
}

describe('a popover menu', () => {
  it('stays open on a press inside and closes on a press outside', async () => {
    render(
      <>
        <Menu />
        <p>Outside</p>
      </>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Menu' }));
    await userEvent.click(screen.getByRole('textbox', { name: 'Inside' }));
    expect(screen.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).toBe('true');
    await userEvent.click(screen.getByText('Outside'));
    expect(screen.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).toBe('false');
  });

  it('closes on Escape and keeps the key from the elements around it, but only while open', async () => {
    const onOuterKey = vi.fn();
    render(
      <div onKeyDown={onOuterKey}>
        <Menu />
      </div>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Menu' }));
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Inside' }), { key: 'Escape' });
    expect(screen.queryByRole('textbox', { name: 'Inside' })).toBeNull();
    expect(onOuterKey).not.toHaveBeenCalled();
    fireEvent.keyDown(screen.getByRole('button', { name: 'Menu' }), { key: 'Escape' });
    expect(onOuterKey).toHaveBeenCalledOnce();
  });
});
