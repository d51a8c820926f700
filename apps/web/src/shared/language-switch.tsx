import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isLanguage } from '../i18n/i18n.ts';

/**
 * Vietnamese / English. Each option is labelled in its own language, with a matching lang
 * attribute; on a phone it shows "VI" / "EN" while screen readers still read the full name.
 */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'vi';
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('language.label')}
      data-testid="language-switch"
      value={current}
      onChange={(value) => {
        if (isLanguage(value)) void i18n.changeLanguage(value);
      }}
      data={[
        { value: 'vi', label: <Label lang="vi" name={t('language.vi')} short="VI" /> },
        { value: 'en', label: <Label lang="en" name={t('language.en')} short="EN" /> },
      ]}
    />
  );
}

function Label({ lang, name, short }: { lang: string; name: string; short: string }) {
  return (
    <span lang={lang}>
      <span className="dd-lang-long">{name}</span>
      <span className="dd-lang-short" aria-hidden="true">
        {short}
      </span>
    </span>
  );
}
