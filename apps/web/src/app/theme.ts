import {
  type CSSVariablesResolver,
  createTheme,
  DEFAULT_THEME,
  darken,
  FileInput,
  type MantineColorsTuple,
  type MantineThemeOverride,
  Modal,
  mergeThemeOverrides,
  Table,
  toRgba,
} from '@mantine/core';

/**
 * The platform's look: a deep vermilion red ("son") with a gold accent, on warm white — the
 * colours of Vietnamese public-service portals, without any emblem, badge or flag (their use is
 * regulated). Contrast meets WCAG AA: filled buttons and links use son 7 (7.2:1 with white),
 * dimmed text gray 7. Be Vietnam Pro, drawn for Vietnamese, ships with the app (no network).
 */
const son: MantineColorsTuple = [
  '#fdf2f2',
  '#fbe3e3',
  '#f5c2c2',
  '#ee9b9b',
  '#e47070',
  '#d94a4a',
  '#c62f2f',
  '#a82024',
  '#8c1a1e',
  '#6e1418',
];

/** The gold accent: decoration only (rules, stripes); never text on white. */
export const gold = '#f2c14e';

const fontFamily =
  '"Be Vietnam Pro", system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif';

/** WCAG 2.1 contrast ratio of two colours (relative luminance, sRGB). */
function contrast(first: string, second: string): number {
  const luminance = (color: string) => {
    const { r, g, b } = toRgba(color);
    const [red, green, blue] = [r, g, b].map((value) => {
      const c = value / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
  };
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The colour itself, or darkened in small steps until it reaches `ratio` against each background. */
function darkEnough(color: string, backgrounds: string[], ratio: number): string {
  for (let step = 0; step < 50; step++) {
    const { r, g, b } = toRgba(step === 0 ? color : darken(color, step * 0.02));
    const candidate = `#${[r, g, b].map((value) => value.toString(16).padStart(2, '0')).join('')}`;
    if (backgrounds.every((background) => contrast(candidate, background) >= ratio)) return candidate;
  }
  return '#000000';
}

const white = '#ffffff';
const body = '#f7f5f2';

/**
 * Mantine's palettes with shades 7–9 darkened where they fall short of WCAG AA (4.5:1), each darker
 * than the one before: shade 7 is the filled background under white text and the outline and
 * text colour (`c="teal"`), shades 8 and 9 are text on the page (`c="teal.8"`), shade 9 the text
 * of the light variant on shade 1. Teal, green, orange, yellow, red … change; those that already
 * pass (gray, dark, son) do not.
 */
function readable(shades: readonly string[]): MantineColorsTuple {
  const shade = (color: string, backgrounds: string[], previous?: string) => {
    const floor = previous === undefined ? 0 : contrast(previous, white);
    const passes = backgrounds.every((background) => contrast(color, background) >= 4.6);
    if (passes && contrast(color, white) > floor) return color;
    return darkEnough(color, backgrounds, Math.max(4.6, floor + 0.4));
  };
  const seven = shade(shades[7]!, [white, body]);
  const eight = shade(shades[8]!, [white, body], seven);
  const nine = shade(shades[9]!, [white, body, shades[1]!], eight);
  return [...shades.slice(0, 7), seven, eight, nine] as unknown as MantineColorsTuple;
}

const colors = Object.fromEntries(
  Object.entries({ ...DEFAULT_THEME.colors, son }).map(([name, shades]) => [name, readable(shades)]),
);

export const theme = createTheme({
  primaryColor: 'son',
  primaryShade: { light: 7, dark: 7 },
  colors,
  defaultRadius: 'md',
  fontFamily,
  headings: { fontFamily, fontWeight: '700' },
  focusRing: 'auto',
  components: {
    // A table wider than a phone scrolls sideways: its scrolling area takes keyboard focus, so
    // the arrow keys reach the hidden columns (WCAG 2.1.1).
    TableScrollContainer: Table.ScrollContainer.extend({
      defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } },
    }),
  },
});

/**
 * The theme with the names of Mantine's icon-only buttons in the current language: a dialog's
 * close button and a file field's clear button have no text of their own (WCAG 4.1.2).
 */
export function localizedTheme(label: { close: string; clearFile: string }): MantineThemeOverride {
  return mergeThemeOverrides(theme, {
    components: {
      Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': label.close } } }),
      FileInput: FileInput.extend({ defaultProps: { clearButtonProps: { 'aria-label': label.clearFile } } }),
    },
  });
}

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: { '--dd-gold': gold },
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // Field errors: red 6 reads at 3:1 on the page; red 8 passes AA.
    '--mantine-color-error': 'var(--mantine-color-red-8)',
    '--mantine-color-body': body,
  },
  dark: {},
});
