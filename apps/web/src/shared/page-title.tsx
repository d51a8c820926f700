import { Title, type TitleProps } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

let afterFirstPage = false;

/**
 * The page's h1. On mount it names the document and, after client-side navigation, takes
 * focus, so keyboard and screen reader users land at the new page's start. The document
 * title never includes personal data: browsers keep titles in their history.
 */
export function PageTitle({ children, documentTitle, ...props }: TitleProps & { documentTitle: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${documentTitle} · ${t('app.titleSuffix')}`;
  }, [documentTitle, t]);
  useEffect(() => {
    // Not on the first page of a visit: there the skip link should be the first Tab stop.
    if (afterFirstPage) ref.current?.focus();
    afterFirstPage = true;
  }, []);
  return (
    <Title order={1} ref={ref} tabIndex={-1} style={{ outline: 'none' }} {...props}>
      {children}
    </Title>
  );
}
