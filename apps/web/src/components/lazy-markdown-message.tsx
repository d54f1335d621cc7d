import { lazy, Suspense } from 'react';

// Markdown, KaTeX and highlight.js are most of the app's code: they load with the first answer shown, not with the
// sign-in or settings pages.
const MarkdownMessage = lazy(() => import('./markdown-message.js').then((module) => ({ default: module.MarkdownMessage })));

/** An answer rendered as Markdown; until the renderer has loaded, its text as it is (never as HTML). */
export function LazyMarkdownMessage({ text }: { text: string }) {
  return (
    <Suspense fallback={<div className="markdown"><p className="plain-text">{text}</p></div>}>
      <MarkdownMessage text={text} />
    </Suspense>
  );
}
