import type { MinutesProblem } from '#shared/api/minutes.ts';
import { useI18n } from '../i18n/index.tsx';
import { findFieldElement, problemText } from './problem-text.ts';

/**
 * What blocks approval, each a link to its field in the editor (when the editor is on the page;
 * otherwise plain text). `refused`: shown because the chair's approval was refused.
 */
export function ProblemsList({ problems, refused, onCheck, busy }: { problems: MinutesProblem[]; refused: boolean; onCheck: () => void; busy: boolean }) {
	const { t } = useI18n();
	const focus = (path: string) => {
		const element = findFieldElement(document, path);
		if (!element) {
			return false;
		}
		element.scrollIntoView({ block: 'center' });
		const target = element.matches('input, select, textarea, [contenteditable=true]') ? element : element.querySelector<HTMLElement>('input, select, textarea, [contenteditable=true]');
		(target ?? element).focus({ preventScroll: true });
		return true;
	};
	return (
		<section className={`minutes-problems${problems.length > 0 ? ' has-problems' : ''}`} aria-labelledby="minutes-problems-title" data-testid="minutes-problems" data-count={problems.length}>
			<div className="row">
				<h3 id="minutes-problems-title">{problems.length > 0 ? t('minutesPage.problems.title', { count: problems.length }) : t('minutesPage.problems.none')}</h3>
				<button type="button" className="small" disabled={busy} onClick={onCheck} data-testid="minutes-problems-check">
					{t('minutesPage.problems.check')}
				</button>
			</div>
			{refused && problems.length > 0 && (
				<p role="alert" className="inline-error">
					{t('minutesPage.problems.refused')}
				</p>
			)}
			{problems.length > 0 && (
				<ul>
					{problems.map((problem) => (
						<li key={`${problem.path}:${problem.rule}`} data-path={problem.path} data-rule={problem.rule}>
							<a
								href={`#field-${problem.path}`}
								onClick={(event) => {
									if (focus(problem.path)) {
										event.preventDefault();
									}
								}}
							>
								{problemText(t, problem)}
							</a>
						</li>
					))}
				</ul>
			)}
		</section>
	);
}
