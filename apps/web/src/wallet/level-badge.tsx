import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AccountLevel } from '../api/identity.types.ts';

export function LevelBadge({
  level,
  testId = 'level-badge',
}: {
  level: AccountLevel | null;
  testId?: string;
}) {
  const { t } = useTranslation();
  if (level === null)
    return (
      <Badge color="gray" tt="none" data-testid={testId}>
        {t('level.none')}
      </Badge>
    );
  return (
    <Badge
      color={level === 2 ? 'teal' : 'blue'}
      variant={level === 2 ? 'filled' : 'light'}
      tt="none"
      data-testid={testId}
    >
      {t(level === 2 ? 'level.badge2' : 'level.badge1')}
    </Badge>
  );
}
