import { Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CitizenLogin } from './citizen-login.tsx';
import { QrLoginPanel } from './qr-login.tsx';

/**
 * Password + code or passkey in one tab, "log in with the wallet app by QR" in the other.
 * `clientName` (on a relying party's login page) is shown to the approving wallet as what asks.
 */
export function LoginMethods({ onLoggedIn, clientName }: { onLoggedIn: () => void; clientName?: string }) {
  const { t } = useTranslation();
  return (
    <Tabs defaultValue="password" keepMounted={false}>
      <Tabs.List grow>
        <Tabs.Tab value="password" data-testid="login-tab-password">
          {t('login.tabPassword')}
        </Tabs.Tab>
        <Tabs.Tab value="qr" data-testid="login-tab-qr">
          {t('login.tabQr')}
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="password" pt="md">
        <CitizenLogin onLoggedIn={onLoggedIn} />
      </Tabs.Panel>
      <Tabs.Panel value="qr" pt="md">
        <QrLoginPanel onLoggedIn={onLoggedIn} {...(clientName ? { clientName } : {})} />
      </Tabs.Panel>
    </Tabs>
  );
}
