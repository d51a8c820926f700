import { createBrowserRouter, Navigate } from 'react-router';
import { HomePage } from '../home/home.page.tsx';
import { InteractionPage } from '../login/interaction.page.tsx';
import { AgenciesPage } from '../officer/exchange/agencies.page.tsx';
import { AgencyRegisterPage } from '../officer/exchange/agency-register.page.tsx';
import { DeadLettersPage } from '../officer/exchange/dead-letters.page.tsx';
import { ExchangeLayout } from '../officer/exchange/exchange-layout.tsx';
import { JobsPage } from '../officer/exchange/jobs.page.tsx';
import { UsagePage } from '../officer/exchange/usage.page.tsx';
import { NotFoundPage } from '../officer/not-found.page.tsx';
import { OfficerLayout } from '../officer/officer-layout.tsx';
import { PersonRoute } from '../officer/person.page.tsx';
import { PersonSearchPage } from '../officer/person-search.page.tsx';
import { recordRoutes } from '../officer/records/records.page.tsx';
import { SignInPage } from '../officer/sign-in.page.tsx';
import { AccessLogPage } from '../wallet/access-log.page.tsx';
import { ConsentsPage } from '../wallet/consents.page.tsx';
import { DependentsPage } from '../wallet/dependents.page.tsx';
import { LockPage } from '../wallet/lock.page.tsx';
import { WalletLoginPage } from '../wallet/login.page.tsx';
import { RegisterPage } from '../wallet/register.page.tsx';
import { ScanPage } from '../wallet/scan.page.tsx';
import { SecurityPage } from '../wallet/security.page.tsx';
import { SessionsPage } from '../wallet/sessions.page.tsx';
import { WalletHomePage } from '../wallet/wallet-home.page.tsx';
import { WalletLayout } from '../wallet/wallet-layout.tsx';

/**
 * The front page at / sends each audience to its place. One route tree per audience
 * (DESIGN.md): the officer console under /officer, the citizen's
 * wallet under /wallet, the OpenID provider's login and consent pages under /login/:uid.
 * No route carries personal data: the person page takes an opaque in-memory reference and
 * the login page the provider's opaque interaction id.
 */
export const router = createBrowserRouter([
  { path: '/', element: <HomePage /> },
  { path: '/officer/sign-in', element: <SignInPage /> },
  {
    path: '/officer',
    element: <OfficerLayout />,
    children: [
      { index: true, element: <PersonSearchPage /> },
      { path: 'people/:ref', element: <PersonRoute /> },
      ...recordRoutes,
      {
        path: 'exchange',
        element: <ExchangeLayout />,
        children: [
          { index: true, element: <Navigate to="/officer/exchange/agencies" replace /> },
          { path: 'agencies', element: <AgenciesPage /> },
          { path: 'agencies/new', element: <AgencyRegisterPage /> },
          { path: 'usage', element: <UsagePage /> },
          { path: 'jobs', element: <JobsPage /> },
          { path: 'dead-letters', element: <DeadLettersPage /> },
        ],
      },
    ],
  },
  { path: '/wallet/login', element: <WalletLoginPage /> },
  { path: '/wallet/register', element: <RegisterPage /> },
  {
    path: '/wallet',
    element: <WalletLayout />,
    children: [
      { index: true, element: <WalletHomePage /> },
      { path: 'scan', element: <ScanPage /> },
      { path: 'sessions', element: <SessionsPage /> },
      { path: 'security', element: <SecurityPage /> },
      { path: 'consents', element: <ConsentsPage /> },
      { path: 'access-log', element: <AccessLogPage /> },
      { path: 'dependents', element: <DependentsPage /> },
      { path: 'lock', element: <LockPage /> },
    ],
  },
  { path: '/login/:uid', element: <InteractionPage /> },
  { path: '*', element: <NotFoundPage /> },
]);
