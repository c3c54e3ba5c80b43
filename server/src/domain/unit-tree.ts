/** A unit's place in the hierarchy: all the administrative scopes are computed from this. */
export type UnitLink = { id: string; parentId: string | null };

/**
 * The ids at and below `rootId`, at any depth (province → commune, district → commune), inactive
 * and merged units included: their accounts, meetings and audit events still belong to the scope.
 * A cycle (which no API can make) cannot loop: each id is visited once.
 */
export function subtree(tree: readonly UnitLink[], rootId: string): Set<string> {
	const children = new Map<string, string[]>();
	for (const { id, parentId } of tree) {
		if (parentId !== null) {
			children.set(parentId, [...(children.get(parentId) ?? []), id]);
		}
	}
	const ids = new Set<string>();
	const queue = [rootId];
	while (queue.length > 0) {
		const id = queue.pop()!;
		if (!ids.has(id)) {
			ids.add(id);
			queue.push(...(children.get(id) ?? []));
		}
	}
	return ids;
}
