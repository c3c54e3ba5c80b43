import { useEffect, useState } from 'react';

/** Client-side navigation without a routing library: the few routes are matched in app.tsx. */
export function navigate(path: string): void {
	history.pushState(null, '', path);
	window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePath(): string {
	const [path, setPath] = useState(location.pathname);
	useEffect(() => {
		const update = () => setPath(location.pathname);
		window.addEventListener('popstate', update);
		return () => window.removeEventListener('popstate', update);
	}, []);
	return path;
}

export function Link({ to, children, className }: { to: string; children: React.ReactNode; className?: string }) {
	return (
		<a
			href={to}
			className={className}
			onClick={(event) => {
				if (event.button === 0 && !event.metaKey && !event.ctrlKey) {
					event.preventDefault();
					navigate(to);
				}
			}}
		>
			{children}
		</a>
	);
}
