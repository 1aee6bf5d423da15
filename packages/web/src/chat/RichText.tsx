import { useApp } from '../app-context';
import { splitText } from './rich-text';

/**
 * A text message: http(s) addresses as links that open in a new tab without handing it this page
 * (`noopener noreferrer`), mentions of you (and @all) highlighted. Built from elements, never from
 * HTML, so a message cannot inject markup.
 */
export function RichText({ text }: { text: string }) {
  const { me } = useApp();
  return (
    <p className="text">
      {splitText(text, me).map((piece, i) => {
        const key = `${i}-${piece.kind}`;
        if (piece.kind === 'link')
          return (
            <a key={key} href={piece.href} target="_blank" rel="noopener noreferrer">
              {piece.text}
            </a>
          );
        if (piece.kind === 'mention')
          return (
            <span key={key} className={piece.me ? 'at-mention at-me' : 'at-mention'}>
              {piece.text}
            </span>
          );
        return piece.text;
      })}
    </p>
  );
}
