import type { Conversation } from '@parley/protocol';

/** Which conversations the sidebar shows: the main list, the archived ones, or those with a label. */
export type ListView = { kind: 'main' } | { kind: 'archived' } | { kind: 'label'; label: string };

export const MAIN_VIEW: ListView = { kind: 'main' };

/** The conversations of a view: `main` is the SDK's main list (pinned first); the others come from every conversation held. */
export function conversationsOf(view: ListView, main: Conversation[], all: Conversation[]): Conversation[] {
  if (view.kind === 'archived') return all.filter((c) => c.isArchived);
  if (view.kind === 'label') return all.filter((c) => (c.labels ?? []).includes(view.label));
  return main;
}

const same = (a: ListView, b: ListView) => a.kind === b.kind && (a.kind !== 'label' || (b.kind === 'label' && a.label === b.label));

/** All, Archived (with how many) and one chip per label in use: a row of toggle buttons above the list. */
export function ListFilter({ view, all, onChange }: { view: ListView; all: Conversation[]; onChange: (view: ListView) => void }) {
  const archived = all.filter((c) => c.isArchived).length;
  const labels = [...new Set(all.flatMap((c) => c.labels ?? []))].sort();
  const chips: Array<{ view: ListView; text: string }> = [
    { view: MAIN_VIEW, text: 'All' },
    ...(archived > 0 || view.kind === 'archived' ? [{ view: { kind: 'archived' } as ListView, text: `Archived (${archived})` }] : []),
    ...labels.map((label) => ({ view: { kind: 'label', label } as ListView, text: label })),
  ];
  if (chips.length === 1 && view.kind === 'main') return null;
  return (
    <nav className="list-filter" aria-label="Conversation filters">
      {chips.map((chip) => (
        <button
          key={chip.view.kind === 'label' ? `label:${chip.view.label}` : chip.view.kind}
          type="button"
          className={`chip${same(chip.view, view) ? ' active' : ''}`}
          aria-pressed={same(chip.view, view)}
          onClick={() => onChange(chip.view)}
        >
          {chip.text}
        </button>
      ))}
    </nav>
  );
}
