// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MarkdownMessage } from './markdown-message.js';

afterEach(cleanup);

describe('MarkdownMessage', () => {
  it('WEB-1 renders code blocks with highlighting, tables and math', () => {
    const { container } = render(<MarkdownMessage text={'```ts\nconst answer: number = 42;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n$$E = mc^2$$'} />);
    expect(container.querySelector('pre code.hljs, pre code[class*="language-ts"]')).not.toBeNull();
    expect(container.querySelector('pre code span.hljs-keyword')?.textContent).toBe('const');
    expect(container.querySelectorAll('table td')).toHaveLength(2);
    expect(container.querySelector('.katex')).not.toBeNull();
  });

  it('WEB-1 never renders HTML from the text, and drops javascript: links', () => {
    const hostile = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> [click](javascript:alert(1)) ![x](https://tracker.example/p.png)';
    const { container } = render(<MarkdownMessage text={hostile} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=');
    const link = container.querySelector('a');
    expect(link?.getAttribute('href') ?? '').not.toMatch(/javascript:/i);
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
