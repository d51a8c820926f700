import { createBrowserRouter, Navigate } from 'react-router';
import { NotFoundPage } from '../officer/not-found.page.tsx';
import { OfficerLayout } from '../officer/officer-layout.tsx';
import { PersonRoute } from '../officer/person.page.tsx';
import { PersonSearchPage } from '../officer/person-search.page.tsx';
import { SignInPage } from '../officer/sign-in.page.tsx';

/**
 * One route tree per audience (DESIGN.md); the officer console lives under /officer.
 * No route carries personal data: the person page takes an opaque in-memory reference.
 */
export const router = createBrowserRouter([
  { path: '/', element: <Navigate to="/officer" replace /> },
  { path: '/officer/sign-in', element: <SignInPage /> },
  {
    path: '/officer',
    element: <OfficerLayout />,
    children: [
      { index: true, element: <PersonSearchPage /> },
      { path: 'people/:ref', element: <PersonRoute /> },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
]);
