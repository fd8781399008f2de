/**
 * The few status glyphs the site shows (section messages, flags, banner), drawn as inline SVG in
 * the Atlassian manner: 24-unit box, filled shape with a knocked-out mark. Decorative: the text next
 * to an icon always says the same, so every icon is `aria-hidden`.
 */
import { s } from './dom.ts';

export type IconName = 'success' | 'error' | 'warning' | 'info' | 'discovery' | 'cross' | 'arrow-right' | 'refresh';

const SHAPES: Record<IconName, readonly (readonly [tag: 'path' | 'circle', attributes: Record<string, string>])[]> = {
  success: [
    ['circle', { cx: '12', cy: '12', r: '9', class: 'icon__fill' }],
    ['path', { d: 'M8 12.5l2.6 2.6L16 9.7', class: 'icon__mark' }],
  ],
  error: [
    ['path', { d: 'M8.3 3h7.4L21 8.3v7.4L15.7 21H8.3L3 15.7V8.3z', class: 'icon__fill' }],
    ['path', { d: 'M12 7.5v5.5M12 16.2v.3', class: 'icon__mark' }],
  ],
  warning: [
    ['path', { d: 'M12 3.2L22 20.5H2z', class: 'icon__fill' }],
    ['path', { d: 'M12 9.5v4.8M12 17.2v.3', class: 'icon__mark' }],
  ],
  info: [
    ['circle', { cx: '12', cy: '12', r: '9', class: 'icon__fill' }],
    ['path', { d: 'M12 11v5.5M12 7.8v.3', class: 'icon__mark' }],
  ],
  discovery: [
    ['circle', { cx: '12', cy: '12', r: '9', class: 'icon__fill' }],
    ['path', { d: 'M9.8 9.5a2.3 2.3 0 1 1 3 2.2c-.6.3-.8.7-.8 1.3v.5M12 16.2v.3', class: 'icon__mark' }],
  ],
  cross: [['path', { d: 'M7 7l10 10M17 7L7 17', class: 'icon__line' }]],
  'arrow-right': [['path', { d: 'M5 12h13M13 7l5 5-5 5', class: 'icon__line' }]],
  refresh: [['path', { d: 'M19 12a7 7 0 1 1-2.1-5M19 4.5V8h-3.5', class: 'icon__line' }]],
};

export function icon(name: IconName, extraClass = ''): SVGSVGElement {
  return s(
    'svg',
    {
      class: `icon icon--${name} ${extraClass}`.trim(),
      viewBox: '0 0 24 24',
      width: '20',
      height: '20',
      'aria-hidden': 'true',
      focusable: 'false',
    },
    SHAPES[name].map(([tag, attributes]) => s(tag, attributes)),
  );
}
