import { Box, NavLink, ScrollArea, Text, UnstyledButton } from '@mantine/core';
import { type MouseEvent, useEffect, useRef, useState } from 'react';
import { useRecordsTranslation } from './records/records-i18n.ts';

export type SectionLabel =
  | 'identity'
  | 'records'
  | 'family'
  | 'residence'
  | 'household'
  | 'card'
  | 'eid'
  | 'documents'
  | 'history'
  | 'accessLog';

export interface PageSection {
  /** The element id the link points to (not personal data). */
  id: string;
  label: SectionLabel;
}

/**
 * The section being read: the last one whose top has passed the upper part of the view. A section
 * chosen in the navigation stays current until the reader scrolls by hand (the last sections of a
 * page may never reach the top).
 */
function useCurrentSection(ids: readonly string[]) {
  const [current, setCurrent] = useState<string | undefined>(ids[0]);
  const chosen = useRef<string | null>(null);
  const key = ids.join(' ');
  useEffect(() => {
    const list = key.split(' ');
    let frame = 0;
    const update = () => {
      frame = 0;
      if (chosen.current) return setCurrent(chosen.current);
      let reading = list[0];
      for (const id of list) {
        const top = document.getElementById(id)?.getBoundingClientRect().top;
        if (top !== undefined && top <= window.innerHeight * 0.3) reading = id;
      }
      setCurrent(reading);
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(update);
    };
    const byHand = () => {
      chosen.current = null;
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    for (const type of ['wheel', 'touchmove', 'keydown'] as const)
      window.addEventListener(type, byHand, { passive: true });
    update();
    return () => {
      window.removeEventListener('scroll', onScroll);
      for (const type of ['wheel', 'touchmove', 'keydown'] as const) window.removeEventListener(type, byHand);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [key]);
  const choose = (id: string) => {
    chosen.current = id;
    setCurrent(id);
  };
  return [current, choose] as const;
}

/**
 * Links to the person page's sections. A link scrolls to its section and moves focus there
 * (screen readers read on from it); the address bar does not change.
 */
export function SectionNav({
  sections,
  orientation,
}: {
  sections: readonly PageSection[];
  orientation: 'vertical' | 'horizontal';
}) {
  const rt = useRecordsTranslation();
  const [current, setCurrent] = useCurrentSection(sections.map((section) => section.id));
  const go = (event: MouseEvent, id: string) => {
    const target = document.getElementById(id);
    if (!target) return;
    event.preventDefault();
    setCurrent(id);
    // On a phone the bar scrolls sideways: keep the chosen link in sight.
    (event.currentTarget as HTMLElement).scrollIntoView({ block: 'nearest', inline: 'nearest' });
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    target.scrollIntoView({ behavior: reduced ? 'auto' : 'smooth', block: 'start' });
    target.focus({ preventScroll: true });
  };
  const label = rt('sections.navLabel');

  if (orientation === 'vertical')
    return (
      <Box
        component="nav"
        aria-label={label}
        pos="sticky"
        top="var(--mantine-spacing-md)"
        data-testid="person-nav"
      >
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4} aria-hidden="true">
          {label}
        </Text>
        {sections.map((section) => (
          <NavLink
            key={section.id}
            component="a"
            href={`#${section.id}`}
            label={rt(`sections.${section.label}`)}
            active={current === section.id}
            aria-current={current === section.id ? 'location' : undefined}
            onClick={(event) => go(event, section.id)}
            data-testid={`person-nav-${section.label}`}
            style={{ borderRadius: 'var(--mantine-radius-sm)' }}
          />
        ))}
      </Box>
    );

  return (
    <Box
      component="nav"
      aria-label={label}
      pos="sticky"
      top={0}
      py={6}
      bg="var(--mantine-color-body)"
      style={{ zIndex: 5, borderBottom: '1px solid var(--mantine-color-default-border)' }}
      data-testid="person-nav"
    >
      <ScrollArea type="never" scrollbars="x">
        <Box component="ul" display="flex" m={0} p={0} style={{ gap: 6, listStyle: 'none' }}>
          {sections.map((section) => {
            const active = current === section.id;
            return (
              <li key={section.id}>
                <UnstyledButton
                  component="a"
                  href={`#${section.id}`}
                  onClick={(event: MouseEvent) => go(event, section.id)}
                  aria-current={active ? 'location' : undefined}
                  data-testid={`person-nav-${section.label}`}
                  px="sm"
                  py={6}
                  fz="sm"
                  style={{
                    display: 'block',
                    whiteSpace: 'nowrap',
                    textDecoration: 'none',
                    borderRadius: 'var(--mantine-radius-xl)',
                    border: '1px solid var(--mantine-color-default-border)',
                    background: active ? 'var(--mantine-primary-color-light)' : undefined,
                    color: active ? 'var(--mantine-primary-color-light-color)' : undefined,
                    fontWeight: active ? 600 : 400,
                  }}
                >
                  {rt(`sections.${section.label}`)}
                </UnstyledButton>
              </li>
            );
          })}
        </Box>
      </ScrollArea>
    </Box>
  );
}
