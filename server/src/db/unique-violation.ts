import { Prisma } from '../generated/prisma/client.ts';

/** A Prisma error for a unique constraint: a name, code or username another request took first. */
export function isUniqueViolation(error: unknown): boolean {
	return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
