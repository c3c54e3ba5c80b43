import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FastifyPluginAsync } from 'fastify';
import { createUsersRepository } from '../accounts/users.repository.ts';
import { createMeetingsRepository } from '../meetings/meetings.repository.ts';
import { createMeetingsService } from '../meetings/meetings.service.ts';
import { listenOrigin } from '../setup/index.ts';
import { createDemoDataRepository } from './demo-data.repository.ts';
import {
	appendAccounts,
	DEMO_TITLE_BOTH,
	DEMO_TITLE_PROVINCE,
	describeMeeting,
	formatAccounts,
	saveAccounts,
	saveJoinLinks,
	seedDemoData,
	seedDemoProvince,
	seedDemoProvinceMeeting,
} from './seed-demo-data.ts';

/** `print`: where the accounts are shown for the operator (buildApp's print, stdout by default). */
const demoData: FastifyPluginAsync<{ print: (text: string) => void }> = async (fastify, { print }) => {
	if (!fastify.config.demoData) {
		return;
	}
	const started = performance.now();
	const repo = createDemoDataRepository(fastify.db);
	const district = await seedDemoData(repo);
	const province = await seedDemoProvince(repo);
	const meeting = await seedDemoProvinceMeeting(repo, {
		users: createUsersRepository(fastify.db),
		// Links on PUBLIC_URL, else on the configured address: the file is read on this machine.
		meetings: createMeetingsService(createMeetingsRepository(fastify.db), { publicUrl: () => listenOrigin(fastify.config, fastify.config.port) }),
	});
	const dir = dirname(fastify.config.databaseFile);
	const file = join(dir, 'demo-accounts.txt');
	if (district) {
		const accounts = [...district, ...(province ?? [])];
		const title = province ? DEMO_TITLE_BOTH : undefined;
		saveAccounts(file, accounts, title);
		print(`\n${formatAccounts(accounts, title)}  saved to ${file}\n\n`);
	} else if (province) {
		appendAccounts(file, province, DEMO_TITLE_PROVINCE);
		print(`\n${formatAccounts(province, DEMO_TITLE_PROVINCE)}  added to ${file}\n\n`);
	}
	if (meeting) {
		const links = join(dir, 'demo-join-links.txt');
		saveJoinLinks(links, meeting);
		print(`${describeMeeting(meeting)}; join links saved to ${links}\n\n`);
	}
	if (district || province || meeting) {
		const seconds = Math.round(performance.now() - started) / 1000;
		fastify.log.info({ accounts: (district?.length ?? 0) + (province?.length ?? 0), meetingId: meeting?.id, file, seconds }, 'demo data created');
	}
};

export default demoData;
