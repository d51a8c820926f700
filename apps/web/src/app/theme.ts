import { type CSSVariablesResolver, createTheme, type MantineColorsTuple } from '@mantine/core';

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

export const theme = createTheme({
  primaryColor: 'son',
  primaryShade: { light: 7, dark: 7 },
  colors: { son },
  defaultRadius: 'md',
  fontFamily,
  headings: { fontFamily, fontWeight: '700' },
  focusRing: 'auto',
});

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: { '--dd-gold': gold },
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-body': '#f7f5f2',
  },
  dark: {},
});
