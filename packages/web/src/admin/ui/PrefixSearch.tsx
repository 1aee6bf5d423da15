import { type FormEvent, useEffect, useId, useState } from 'react';

const ID_PREFIX = /^[A-Za-z0-9_.@-]{0,64}$/;

/** A search by id prefix: the ids' own characters only, so a typo is told at once rather than found nowhere. */
export function PrefixSearch(props: { label: string; initial: string; hint: string; onSearch: (prefix: string) => void }) {
  const id = useId();
  const [value, setValue] = useState(props.initial);
  const [error, setError] = useState<string>();
  useEffect(() => setValue(props.initial), [props.initial]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const prefix = value.trim();
    if (!ID_PREFIX.test(prefix)) return setError('Ids have 1 to 64 letters, digits or _ . @ -');
    setError(undefined);
    props.onSearch(prefix);
  }

  return (
    <search>
      <form className="admin-search" onSubmit={submit}>
        <label htmlFor={id}>{props.label}</label>
        <div className="admin-search-row">
          <input
            id={id}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            aria-describedby={`${id}-hint`}
            aria-invalid={error ? true : undefined}
          />
          <button type="submit" className="primary">
            Find
          </button>
        </div>
        <p className="muted small" id={`${id}-hint`}>
          {props.hint}
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </search>
  );
}
