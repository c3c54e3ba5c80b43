import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en } from './en.ts';
import { vi, type MessageKey } from './vi.ts';

export type Locale = 'vi' | 'en';

const catalogs: Record<Locale, Record<MessageKey, string>> = { vi, en };
const STORAGE_KEY = 'giaoban.locale';

type I18n = {
	locale: Locale;
	setLocale: (locale: Locale) => void;
	t: (key: MessageKey, params?: Record<string, string | number>) => string;
};

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
	const stored = localStorage.getItem(STORAGE_KEY);
	return stored === 'en' ? 'en' : 'vi';
}

export function I18nProvider({ children }: { children: ReactNode }) {
	const [locale, setLocaleState] = useState<Locale>(initialLocale);
	useEffect(() => {
		document.documentElement.lang = locale;
	}, [locale]);
	const setLocale = useCallback((next: Locale) => {
		localStorage.setItem(STORAGE_KEY, next);
		setLocaleState(next);
	}, []);
	const value = useMemo<I18n>(
		() => ({
			locale,
			setLocale,
			t: (key, params) =>
				catalogs[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? `{${name}}`)),
		}),
		[locale, setLocale]
	);
	return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
	const value = useContext(I18nContext);
	if (!value) {
		throw new Error('useI18n outside I18nProvider');
	}
	return value;
}
