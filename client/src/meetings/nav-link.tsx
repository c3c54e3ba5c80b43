import type { AnchorHTMLAttributes } from 'react';
import { navigate } from '../router.tsx';

/**
 * router.tsx's Link with the anchor's other attributes (data-testid, aria-label): a real href, so
 * that "open in a new tab" and copying the address work; a plain click navigates in place.
 */
export function NavLink({ to, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
	return (
		<a
			{...rest}
			href={to}
			onClick={(event) => {
				if (event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey) {
					event.preventDefault();
					navigate(to);
				}
			}}
		/>
	);
}
