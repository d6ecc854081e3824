import { useDocumentTitle } from '../hooks.js';

/** The main landmark of an ordinary page; `title` also names the browser tab. */
export function Page({ title, class: className, children }) {
  useDocumentTitle(title);
  return (
    <main id="main" class={className ? `page ${className}` : 'page'} tabIndex={-1}>
      {children}
    </main>
  );
}
