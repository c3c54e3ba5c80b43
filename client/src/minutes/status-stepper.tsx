import { MINUTES_STATUSES, type MinutesStatus } from '#shared/api/minutes.ts';
import { useI18n } from '../i18n/index.tsx';

/** Dự thảo → Đã trình → Đã duyệt → Đã ký → Đã phát hành, the current step marked for eyes and screen readers. */
export function StatusStepper({ status }: { status: MinutesStatus }) {
	const { t } = useI18n();
	const current = MINUTES_STATUSES.indexOf(status);
	return (
		<ol className="minutes-steps" aria-label={t('minutesPage.steps')} data-testid="minutes-steps">
			{MINUTES_STATUSES.map((step, index) => {
				const state = index < current ? 'done' : index === current ? 'current' : 'todo';
				return (
					<li key={step} className={state} data-step={step} aria-current={state === 'current' ? 'step' : undefined}>
						<span className="dot" aria-hidden="true">
							{state === 'done' ? '✓' : index + 1}
						</span>
						{t(`minutesStatus.${step}`)}
						{state !== 'todo' && <span className="visually-hidden"> {t(state === 'done' ? 'minutesPage.stepDone' : 'minutesPage.stepCurrent')}</span>}
					</li>
				);
			})}
		</ol>
	);
}
