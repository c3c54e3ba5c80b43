/**
 * mediasoup (server) and mediasoup-client describe the same JSON structures with differently
 * strict TypeScript types (e.g. header extension URIs are a string union on the client only).
 * The protocol in shared/ uses the client's types; server objects cross over through here.
 */
export function asWire<T>(value: object): T {
	return value as T;
}
