// Sizes and text measuring shared by the charts. The charts draw their SVG at the pixel width of
// their container, so that text keeps its font size on a phone as on a desktop.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

/**
 * Font size of every text in a chart, in CSS pixels. The charts set it as an SVG attribute, so the
 * text that textWidth() measures is the text drawn.
 */
export const FONT_SIZE = 13;

/** Distance between two lines of a wrapped label, in CSS pixels. */
export const LINE_HEIGHT = 16;

/**
 * Returns [ref, width]: width is the content width in CSS pixels of the element that ref is put
 * on, 0 before the first layout, and follows later resizes.
 */
export function useWidth() {
  const ref = useRef(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    setWidth(Math.floor(element.clientWidth));
    if (typeof ResizeObserver !== 'function') return undefined;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

let context = null;

/** Width in CSS pixels of text at FONT_SIZE in the page's font, measured on a canvas. */
export function textWidth(text) {
  if (!context) {
    context = document.createElement('canvas').getContext('2d');
    const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
    if (context) context.font = `${FONT_SIZE}px ${family}`;
  }
  // Without a canvas, 0.6 em per character is a generous estimate for a sans-serif font.
  return context ? context.measureText(text).width : text.length * FONT_SIZE * 0.6;
}

/** Cuts text at a character so that it and a closing ellipsis fit in maxWidth. */
function truncate(text, maxWidth) {
  if (textWidth(text) <= maxWidth) return text;
  let end = text.length;
  while (end > 0 && textWidth(`${text.slice(0, end).trimEnd()}…`) > maxWidth) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

/**
 * Splits text into at most maxLines lines of at most maxWidth pixels, breaking between words. The
 * last line ends with an ellipsis when the text does not fit, so the caller shows the full text in
 * a <title>. A word longer than a line is cut too.
 */
export function wrapText(text, maxWidth, maxLines) {
  const words = String(text).split(/\s+/).filter(Boolean);
  const lines = [];
  let line = '';
  for (let i = 0; i < words.length; i++) {
    const candidate = line ? `${line} ${words[i]}` : words[i];
    if (textWidth(candidate) <= maxWidth) {
      line = candidate;
    } else if (lines.length === maxLines - 1) {
      lines.push(truncate([line, ...words.slice(i)].join(' ').trim(), maxWidth));
      return lines;
    } else if (line) {
      lines.push(line);
      line = '';
      i -= 1; // the word starts the next line
    } else {
      lines.push(truncate(words[i], maxWidth));
    }
  }
  if (line) lines.push(line);
  return lines;
}
