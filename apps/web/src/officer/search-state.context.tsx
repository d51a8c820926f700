import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import type { PeopleSearch } from '../api/api.types.ts';

/** What the officer typed and last searched, kept in memory so "back" shows the same results. */
export interface SearchForm {
  fullName: string;
  dateOfBirth: string;
  provinceCode: string;
  idNumber: string;
}

interface SearchState {
  form: SearchForm;
  setForm: (form: SearchForm) => void;
  criteria: PeopleSearch | null;
  setCriteria: (criteria: PeopleSearch | null) => void;
}

const emptyForm: SearchForm = { fullName: '', dateOfBirth: '', provinceCode: '', idNumber: '' };
const SearchStateContext = createContext<SearchState | null>(null);

/** Lives inside the signed-in layout, so signing out drops it. */
export function SearchStateProvider({ children }: { children: ReactNode }) {
  const [form, setForm] = useState<SearchForm>(emptyForm);
  const [criteria, setCriteria] = useState<PeopleSearch | null>(null);
  const value = useMemo(() => ({ form, setForm, criteria, setCriteria }), [form, criteria]);
  return <SearchStateContext.Provider value={value}>{children}</SearchStateContext.Provider>;
}

export function useSearchState(): SearchState {
  const context = useContext(SearchStateContext);
  if (!context) throw new Error('useSearchState outside SearchStateProvider');
  return context;
}
