/** The members an @word could mention, as a listbox the composer's text field controls (`aria-activedescendant`). */
export function MentionSuggestions(props: { id: string; options: string[]; active: number; onPick: (uid: string) => void }) {
  return (
    <div className="mention-suggestions" role="listbox" id={props.id} aria-label="Mention a member">
      {props.options.map((uid, i) => (
        // biome-ignore lint/a11y/useKeyWithClickEvents: the keys are the text field's (arrows, Enter, Tab), which keeps the focus
        <div
          key={uid}
          id={`${props.id}-${i}`}
          role="option"
          tabIndex={-1}
          aria-selected={i === props.active}
          // Keep the focus in the text field while clicking.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => props.onPick(uid)}
        >
          @{uid}
          {uid === 'all' && <span className="muted"> everyone</span>}
        </div>
      ))}
    </div>
  );
}
