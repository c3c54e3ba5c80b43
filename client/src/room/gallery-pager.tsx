import { useI18n } from '../i18n/index.tsx';

/** Turns the gallery's pages: the sites not on the current page receive no video. */
export function GalleryPager({ pageIndex, pageCount, onPage }: { pageIndex: number; pageCount: number; onPage: (page: number) => void }) {
	const { t } = useI18n();
	return (
		<nav className="gallery-pager" aria-label={t('room.gallery.pages')}>
			<button type="button" className="small" data-testid="gallery-prev" aria-label={t('room.gallery.prev')} disabled={pageIndex <= 0} onClick={() => onPage(pageIndex - 1)}>
				‹
			</button>
			<span data-testid="gallery-page" aria-live="polite">
				{t('room.gallery.page', { page: pageIndex + 1, count: pageCount })}
			</span>
			<button type="button" className="small" data-testid="gallery-next" aria-label={t('room.gallery.next')} disabled={pageIndex >= pageCount - 1} onClick={() => onPage(pageIndex + 1)}>
				›
			</button>
		</nav>
	);
}
