import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AppFrame } from '../app/app-frame.tsx';

/** The wallet's chrome: narrow, phone-first. */
export function WalletFrame({ children, headerExtra }: { children: ReactNode; headerExtra?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <AppFrame audience={t('wallet.audience')} footer={t('wallet.footer')} size="sm" headerExtra={headerExtra}>
      {children}
    </AppFrame>
  );
}
